"""A synthetic demo programme: one intervention at six NPLV areas, three waves, a login per role.

Everything here is invented; no real person, organisation or answer is in it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from ..models import Intervention, Questionnaire, Site, SurveyLink, User, Wave
from .users import create_user

DEMO_SLUG = "veerkracht-demo"

# Six of the 20 NPLV areas (Nationaal Programma Leefbaarheid en Veiligheid), see DOMAIN.md.
DEMO_SITES = [
    ("rotterdam-zuid", "Rotterdam-Zuid", "Rotterdam", "Rotterdam-Zuid"),
    ("amsterdam-zuidoost", "Amsterdam Zuidoost", "Amsterdam", "Zuidoost"),
    ("den-haag-zuidwest", "Den Haag Zuidwest", "Den Haag", "Zuidwest"),
    ("utrecht-overvecht", "Utrecht Overvecht", "Utrecht", "Overvecht"),
    ("heerlen-noord", "Heerlen Noord", "Heerlen", "Heerlen Noord"),
    ("groningen-noord", "Groningen Noord", "Groningen", "Noord"),
]

DEMO_WAVES = [
    ("T0", "Voormeting", 0, "assigned"),
    ("T1", "Nameting", 1, "assigned"),
    ("T2", "Follow-up (6 maanden)", 2, "assigned"),
]

DEMO_QUESTIONNAIRE = {
    "instruments": [{"id": "brs", "version": None}, {"id": "gse", "version": None}],
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    sees: str


# Demo-only passwords, printed by `evalsys demo`; the command refuses to run in production.
DEMO_LOGINS = [
    DemoLogin("admin", "demo-admin-wachtwoord", "admin", "everything"),
    DemoLogin("evaluator", "demo-evaluator-wachtwoord", "evaluator", DEMO_SLUG),
    DemoLogin(
        "coordinator", "demo-coordinator-wachtwoord", "coordinator", f"{DEMO_SLUG}: Rotterdam-Zuid"
    ),
    DemoLogin(
        "ministerie", "demo-ministerie-wachtwoord", "ministry", "published reports and aggregates"
    ),
]


def seed(dbsession, today: dt.date | None = None) -> tuple[Intervention, bool]:
    """Create the demo programme unless it exists. Returns (intervention, created)."""
    existing = dbsession.query(Intervention).filter_by(slug=DEMO_SLUG).one_or_none()
    if existing is not None:
        _ensure_logins(dbsession)
        return existing, False

    today = today or dt.date.today()
    intervention = Intervention(
        slug=DEMO_SLUG,
        name="Veerkracht in de wijk (demo)",
        description=(
            "Groepstraining van tien weken voor jongeren van 12 tot 18 jaar: omgaan met "
            "tegenslag, eigen kracht herkennen en hulp vragen. Synthetische demo-gegevens."
        ),
        target_group="Jongeren van 12 tot 18 jaar in NPLV-gebieden",
        protective_factors=["veerkracht", "zelfredzaamheid"],
        design="pre_post_comparison",
        consent_text={
            "nl": "Je doet mee aan een onderzoek naar de training. Je antwoorden zijn anoniem: "
            "we gebruiken alleen je deelnemerscode. Je mag altijd stoppen.",
            "en": "You take part in a study of the training. Your answers are anonymous: "
            "we only use your participant code. You can stop at any time.",
        },
        retention_days=5 * 365,
    )
    dbsession.add(intervention)
    for slug, name, municipality, area in DEMO_SITES:
        intervention.sites.append(
            Site(
                slug=slug,
                name=name,
                municipality=municipality,
                area=area,
                organisation=f"Jongerenwerk {municipality} (demo)",
            )
        )
    for label, name, position, code_mode in DEMO_WAVES:
        opens = today + dt.timedelta(weeks=12 * position - 2)
        intervention.waves.append(
            Wave(
                label=label,
                name=name,
                position=position,
                opens_on=opens,
                closes_on=opens + dt.timedelta(weeks=6),
                settings={"participant_code": code_mode},
            )
        )
    intervention.questionnaires.append(Questionnaire(version=1, definition=DEMO_QUESTIONNAIRE))
    dbsession.flush()
    for site in intervention.sites:
        for wave in intervention.waves:
            for group in ("intervention", "comparison"):
                dbsession.add(
                    SurveyLink(
                        token=secrets.token_urlsafe(12),
                        site_id=site.id,
                        wave_id=wave.id,
                        group_name=group,
                        intervention_id=intervention.id,
                    )
                )
    _ensure_logins(dbsession)
    return intervention, True


def _ensure_logins(dbsession) -> None:
    for login in DEMO_LOGINS:
        if dbsession.query(User).filter_by(username=login.username).count():
            continue
        create_user(
            dbsession,
            login.username,
            login.role,
            login.password,
            display_name=f"Demo {login.role}",
            intervention=DEMO_SLUG if login.role in ("evaluator", "coordinator") else None,
            sites=["rotterdam-zuid"] if login.role == "coordinator" else [],
        )
    dbsession.flush()
