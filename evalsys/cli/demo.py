"""evalsys demo CONFIG: fill the database with a synthetic demo programme (idempotent)."""

from __future__ import annotations

from ..models import Intervention
from ..services import demo
from .bootstrap import CommandError, database_session, load_settings, migrated_engine

HELP = "add a synthetic demo programme and one login per role (safe to run again)"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--if-empty", action="store_true", help="only when the database holds no intervention yet"
    )


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
        intervention, created = demo.seed(dbsession)
        name = intervention.name
    print(f"demo intervention '{name}' {'created' if created else 'already present'}")
    print("demo logins (user name / password / role / sees):")
    for login in demo.DEMO_LOGINS:
        print(f"  {login.username:<12} {login.password:<28} {login.role:<12} {login.sees}")
    return 0
