"""Survey links: one per site × wave (× group where the design has a comparison group)."""

from __future__ import annotations

import io
import secrets

import segno

from evalsys.collection.models import SHORT_CODE_LENGTH, SurveyLink
from evalsys.collection.typed_codes import random_code
from evalsys.db.meta import utcnow
from evalsys.programme.models import Intervention


def groups_for(intervention: Intervention) -> tuple[str, ...]:
    if intervention.design == "pre_post":
        return ("intervention",)
    return ("intervention", "comparison")


def ensure_links(dbsession, intervention: Intervention) -> list[SurveyLink]:
    """Create the links an intervention's sites and waves need; return the new ones.

    A link without a short code (made while the code before migration 0017 still ran) gets
    one. A short code taken already is a unique rule's refusal, which pyramid_retry retries.
    """
    existing = set()
    for link in dbsession.query(SurveyLink).filter_by(intervention_id=intervention.id):
        existing.add((link.site_id, link.wave_id, link.group_name))
        if link.short_code is None:
            link.short_code = random_code(SHORT_CODE_LENGTH)
    created = []
    for site in intervention.sites:
        for wave in intervention.waves:
            for group in groups_for(intervention):
                if (site.id, wave.id, group) in existing:
                    continue
                link = SurveyLink(
                    token=new_token(),
                    intervention_id=intervention.id,
                    site_id=site.id,
                    wave_id=wave.id,
                    group_name=group,
                )
                dbsession.add(link)
                created.append(link)
    dbsession.flush()
    return created


def new_token() -> str:
    # 16 random bytes: unguessable, short enough for a QR code that a cheap phone reads.
    return secrets.token_urlsafe(16)


def set_open(link: SurveyLink, is_open: bool) -> None:
    link.is_open = is_open
    link.closed_at = None if is_open else utcnow()


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, title: str = "") -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(
        buffer,
        kind="svg",
        scale=8,
        border=4,
        title=title or url,
        xmldecl=False,
        svgclass="qr",
        lineclass=None,
    )
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()
