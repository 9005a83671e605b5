"""Stopping follow-up mail: the link in every invitation deletes the participant's address.

GET shows a button (mail scanners follow links; they must not unsubscribe anyone), POST
deletes the address (also the one-click POST a mail program sends, RFC 8058). A link whose
address is already gone says so, the same as one that never existed.
"""

from __future__ import annotations

from pyramid.view import view_config
from sqlalchemy import select

from evalsys.mail.models import ParticipantContact


def _contact(request) -> ParticipantContact | None:
    token = request.matchdict["token"]
    if len(token) > 64 or "\x00" in token:
        return None
    query = select(ParticipantContact).where(ParticipantContact.token == token)
    return request.dbsession.execute(query).scalar_one_or_none()


@view_config(
    route_name="mail.unsubscribe",
    request_method="GET",
    permission="public",
    renderer="unsubscribe.jinja2",
)
def unsubscribe_page(request):
    return {"found": _contact(request) is not None, "done": False}


@view_config(
    route_name="mail.unsubscribe",
    request_method="POST",
    permission="public",
    renderer="unsubscribe.jinja2",
    require_csrf=False,  # the token in the address is the key; mail programs post without one
)
def unsubscribe(request):
    contact = _contact(request)
    if contact is not None:
        request.dbsession.delete(contact)
    return {"found": contact is not None, "done": True}
