"""evalsys demo CONFIG: fill the database with a synthetic demo programme (idempotent)."""

from __future__ import annotations

from evalsys import demo
from evalsys.cli.bootstrap import CommandError, database_session, load_settings, migrated_engine
from evalsys.collection.models import SurveyLink
from evalsys.collection.views.short_links import shown
from evalsys.programme.models import Intervention


def add_arguments(parser) -> None:
    parser.add_argument(
        "--if-empty", action="store_true", help="only when the database holds no intervention yet"
    )
    parser.add_argument(
        "--participants",
        type=int,
        default=demo.DEFAULT_PARTICIPANTS,
        metavar="N",
        help="about how many participants (default %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=demo.DEFAULT_SEED,
        metavar="S",
        help="random seed: the same seed gives the same data (default %(default)s)",
    )


def try_link(dbsession, intervention: Intervention, settings) -> str | None:
    """The open survey link of the demo's first site and wave (intervention group), as a URL."""
    link = (
        dbsession.query(SurveyLink)
        .filter_by(intervention_id=intervention.id, group_name="intervention", is_open=True)
        .order_by(SurveyLink.site_id, SurveyLink.wave_id)
        .first()
    )
    if link is None:
        return None
    base = settings.get("evalsys.public_url", "http://localhost:6543").rstrip("/")
    typed = f" (or type {shown(link.short_code)} at {base}/k)" if link.short_code else ""
    return f"{base}/s/{link.token}{typed}"


def run(args) -> int:
    settings = load_settings(args.config)
    if settings.get("evalsys.environment") == "production":
        raise CommandError("refusing to add demo data and demo passwords to a production database")
    engine = migrated_engine(settings, args.config)
    with database_session(engine) as dbsession:
        has_demo = dbsession.query(Intervention).filter_by(slug=demo.DEMO_SLUG).count()
        if args.if_empty and dbsession.query(Intervention).count() and not has_demo:
            print("the database already holds data; no demo added")
            return 0
        if args.participants < 0:
            raise CommandError("--participants must be 0 or more")
        intervention, created = demo.seed(
            dbsession, participants=args.participants, seed_value=args.seed
        )
        name = intervention.name
        mail = demo.send_digests(dbsession, settings) if created else None
        link = try_link(dbsession, intervention, settings)
    print(f"demo programme ('{name}' and more) {'created' if created else 'already present'}")
    if mail:
        print(f"follow-up digests for the demo coordinator: {mail}")
    if link:
        print(f"the participant side, to try on a phone or here: {link}")
    print("demo logins (user name / password / role / sees):")
    for login in demo.DEMO_LOGINS:
        print(f"  {login.username:<12} {login.password:<28} {login.role:<12} {login.sees}")
    print(
        "\nadmin and evaluator also need a 6-digit code from an authenticator app (FreeOTP,\n"
        "Aegis, Google or Microsoft Authenticator): at their first login evalsys shows a QR code\n"
        "to scan, "
        "and the key as text. No phone at hand? Copy the key and get the current code with\n"
        "  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('KEY'.replace(' ', '')).now())\"\n"
        "Keep the recovery codes evalsys shows next. See docs/accounts.md."
    )
    return 0
