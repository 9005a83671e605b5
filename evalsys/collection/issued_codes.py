"""Issued participant codes: lists a coordinator makes for a site, and the check of a typed code.

A wave whose ``participant_code`` setting is ``issued`` takes only these codes, at the site
they were issued for, on every way in (the web survey, paper entry, import, the API, ODK
Collect: evalsys.collection.submissions). So a mistyped code at the post wave is refused
instead of silently starting a new, unlinked participant. A code is six random characters and
a check character from :mod:`evalsys.collection.typed_codes`, printed ``ABCD-EFG``; the check
character catches a mistyped character before the list is even asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from evalsys.accounts.models import User
from evalsys.collection import typed_codes
from evalsys.collection.models import IssuedCode, Participant
from evalsys.db.meta import utcnow
from evalsys.db.statements import Prepared, execute
from evalsys.i18n import _

ISSUED = "issued"  # the wave setting participant_code
PAYLOAD_LENGTH = 6
MAX_PER_BATCH = 500


def only_issued(wave_settings: dict | None) -> bool:
    """Whether a wave with these settings takes only issued codes."""
    return (wave_settings or {}).get("participant_code") == ISSUED


class NotAnIssuedCode(ValueError):
    """A typed code that cannot be an issued one; ``reason`` is ``mistyped`` or ``not_issued``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def new_code() -> str:
    payload = typed_codes.random_code(PAYLOAD_LENGTH)
    return typed_codes.grouped(payload + typed_codes.check_character(payload), 4)


def as_printed(typed: str) -> str:
    """The code as issued (``ABCD-EFG``) from what someone typed (``abcd efg``, ``ABCDEFG``).

    Raises :class:`NotAnIssuedCode` (``mistyped``) when it cannot be one: a wrong length, a
    character no code has, or a check character that does not fit.
    """
    characters = typed_codes.read(typed)
    if not (
        typed_codes.is_well_formed(characters, PAYLOAD_LENGTH + 1)
        and typed_codes.has_valid_check(characters)
    ):
        raise NotAnIssuedCode(
            "mistyped",
            "this is not an issued code: a character is mistyped or missing; "
            "issued codes look like ABCD-EFG",
        )
    return typed_codes.grouped(characters, 4)


def staff_message(reason: str, code: str):
    """What paper entry, import and corrections tell staff about a refused code (to translate)."""
    if reason == "mistyped":
        return _(
            "${code} is not an issued code: a character is mistyped or missing. Check it "
            "against the card; issued codes look like ABCD-EFG.",
            mapping={"code": code},
        )
    return _(
        "Code ${code} was not issued for this site. Check it against the card, or issue codes "
        "under Participant codes.",
        mapping={"code": code},
    )


_ISSUED_AT_SITE = Prepared(
    select(IssuedCode.id).where(
        IssuedCode.intervention_id == bindparam("intervention_id"),
        IssuedCode.site_id == bindparam("site_id"),
        IssuedCode.code == bindparam("code"),
    )
)


def checked(db, intervention_id: int, site_id: int, typed: str) -> str:
    """The issued code ``typed`` stands for at this site; :class:`NotAnIssuedCode` otherwise.

    ``db`` is a session or a connection in autocommit (the API's).
    """
    code = as_printed(typed)
    found = execute(
        db, _ISSUED_AT_SITE, {"intervention_id": intervention_id, "site_id": site_id, "code": code}
    ).first()
    if found is None:
        raise NotAnIssuedCode(
            "not_issued", f"code {code} was not issued for this site; check it against the card"
        )
    return code


def issue(dbsession, intervention, site, count: int, issued_by=None) -> list[IssuedCode]:
    """``count`` new codes for ``site``, none the intervention has already; one batch."""
    if not 1 <= count <= MAX_PER_BATCH:
        raise ValueError(f"issue 1 to {MAX_PER_BATCH} codes at a time")
    taken = set(
        dbsession.scalars(
            select(IssuedCode.code).where(IssuedCode.intervention_id == intervention.id)
        )
    )
    now = utcnow()
    rows = []
    while len(rows) < count:
        code = new_code()
        if code in taken:
            continue
        taken.add(code)
        rows.append(
            IssuedCode(
                intervention_id=intervention.id,
                site_id=site.id,
                code=code,
                issued_at=now,
                issued_by_id=getattr(issued_by, "id", None),
            )
        )
    dbsession.add_all(rows)
    dbsession.flush()
    return rows


@dataclass(frozen=True)
class Batch:
    """The codes issued at one moment for one site: what one set of cards holds."""

    first_id: int
    issued_at: object
    issued_by: str | None
    count: int
    used: int


def batches(dbsession, site) -> list[Batch]:
    """The site's batches, newest first, with how many of their codes a participant has."""
    used = (
        select(func.count(Participant.id))
        .where(Participant.intervention_id == IssuedCode.intervention_id)
        .where(Participant.code == IssuedCode.code)
        .correlate(IssuedCode)
        .scalar_subquery()
    )
    rows = dbsession.execute(
        select(
            func.min(IssuedCode.id),
            IssuedCode.issued_at,
            User.username,
            func.count(IssuedCode.id),
            func.sum(used),
        )
        .outerjoin(User, User.id == IssuedCode.issued_by_id)
        .where(IssuedCode.site_id == site.id)
        .group_by(IssuedCode.issued_at, User.username)
        .order_by(IssuedCode.issued_at.desc())
    ).all()
    return [Batch(first, at, by, count, int(used or 0)) for first, at, by, count, used in rows]


def codes_of(dbsession, site, batch: int | None = None) -> list[str]:
    """The site's issued codes in the order issued; of one batch (its first id) if given."""
    query = select(IssuedCode.code).where(IssuedCode.site_id == site.id).order_by(IssuedCode.id)
    if batch is not None:
        at = select(IssuedCode.issued_at).where(
            IssuedCode.id == batch, IssuedCode.site_id == site.id
        )
        query = query.where(IssuedCode.issued_at == at.scalar_subquery())
    return list(dbsession.scalars(query))
