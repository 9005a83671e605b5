"""Participant invitations: the personal link when their next round opens, at most two
reminders, and the address deleted after their last round.

Only for interventions with ``invitations`` on, and only to participants who left an address
on the thanks page (evalsys.mail.contacts). Run daily with the digests (``followup_invitations``,
07:05). For each address:

- every round done, or every later round closed: the address is deleted;
- the next round open (or overdue) and no invitation for it yet: the **invitation**;
- ``REMINDER_DAYS`` after the invitation (and again after the first reminder), still not
  answered and still open: a **reminder**; never more than two.

The mail names the round and gives a personal link: the questionnaire of that round for the
participant's site and group with, where the coordinator hands codes out, their code filled in
on the code step (they confirm it) and in the text. Each message has the link that deletes the
address (evalsys.mail.views).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from evalsys.collection.models import Participant, SurveyLink
from evalsys.db.meta import utcnow
from evalsys.followup.due_list import due_rows, today
from evalsys.followup.schedule import Rules
from evalsys.i18n import _
from evalsys.jobs.tasks import task
from evalsys.mail import outbox
from evalsys.mail.models import MailMessage, ParticipantContact
from evalsys.programme import questionnaires
from evalsys.programme.models import Intervention

REMINDER_DAYS = 7
STEPS = ("invitation", "reminder_1", "reminder_2")


def _next_step(dbsession, contact_id: int, wave: str, on: dt.date) -> str | None:
    """Which message is due for this address and round today, if any."""
    previous = None
    for step in STEPS:
        sent = outbox.last_queued(
            dbsession, MailMessage.dedupe_key == f"{step}:{contact_id}:{wave}"
        )
        if sent is None:
            if previous is None or (on - previous).days >= REMINDER_DAYS:
                return step
            return None
        previous = sent
    return None


def _texts(
    step: str,
    intervention,
    wave,
    link: str,
    code: str | None,
    stop: str,
    minutes: int | None,
    language: str,
):
    name = {"intervention": intervention.name, "round": wave.name_in(language)}
    time = {"minutes": minutes}
    first = (
        _(
            "Hello. The next round of the questionnaire of ${intervention} is open for you: "
            "${round}.",
            mapping=name,
        )
        if step == "invitation"
        else _(
            "Hello. A reminder: the next round of the questionnaire of ${intervention} is "
            "still open for you: ${round}.",
            mapping=name,
        )
    )
    lines = [first, _("Fill it in here: ${link}", mapping={"link": link})]
    if code:
        lines.append(_("Your code is: ${code}", mapping={"code": code}))
    lines += [
        (
            _("It takes about ${minutes} minutes. We do not ask your name.", mapping=time)
            if minutes
            else _("We do not ask your name.")
        ),
        _("Do you want no more e-mail? Click here: ${stop}", mapping={"stop": stop}),
    ]
    subject = (
        _("The next round is open: ${round}", mapping=name)
        if step == "invitation"
        else _("Reminder: the next round is still open: ${round}", mapping=name)
    )
    return subject, lines


def queue_invitations(dbsession, settings: dict, *, on: dt.date | None = None) -> dict:
    """Queue today's invitations and reminders; delete the addresses whose rounds are over."""
    on, rules = on or today(), Rules.from_settings(settings)
    base = outbox.public_url(settings)
    done = {"queued": 0, "deleted": 0}
    query = select(Intervention).where(Intervention.invitations.is_(True))
    for intervention in dbsession.execute(query).scalars():
        found = dbsession.execute(
            select(ParticipantContact, Participant)
            .join(Participant, Participant.id == ParticipantContact.participant_id)
            .where(ParticipantContact.intervention_id == intervention.id)
        ).all()
        if not found:
            continue
        contacts = {participant.id: contact for contact, participant in found}
        rows = due_rows(dbsession, intervention, on=on, rules=rules)
        waves = {w.label: w for w in intervention.waves}
        minutes = questionnaires.minutes_needed(intervention)
        survey_links = {
            (link.site_id, link.wave_id, link.group_name): link
            for link in dbsession.execute(
                select(SurveyLink).where(SurveyLink.intervention_id == intervention.id)
            ).scalars()
        }
        for row in rows:
            contact = contacts.get(row.participant_id)
            if contact is None:
                continue
            if row.status in ("done", "missed") or row.wave is None:
                dbsession.delete(contact)  # the last round is over: the address goes
                done["deleted"] += 1
                continue
            if row.status not in ("open", "overdue"):
                continue
            step = _next_step(dbsession, contact.id, row.wave, on)
            if step is None:
                continue
            wave = waves[row.wave]
            link = survey_links.get((row.site_id, wave.id, row.group))
            if link is None or not link.is_open:
                continue  # the coordinator closed the link: no invitation to a closed door
            assigned = (wave.settings or {}).get("participant_code", "assigned") == "assigned"
            subject, body = outbox.written(
                contact.language,
                *_texts(
                    step,
                    intervention,
                    wave,
                    f"{base}/s/{link.token}" + (f"?code={row.code}" if assigned else ""),
                    # route survey.fill: a personal link, the code filled in on its code step
                    row.code if assigned else None,
                    outbox.unsubscribe_url(settings, contact),
                    minutes,
                    contact.language,
                ),
            )
            queued = outbox.queue(
                dbsession,
                template=step.split("_")[0],
                dedupe_key=f"{step}:{contact.id}:{row.wave}",
                contact=contact,
                subject=subject,
                body=body,
                language=contact.language,
                intervention_id=intervention.id,
                site_id=row.site_id,
                queued_at=dt.datetime.combine(on, utcnow().timetz()),
            )
            done["queued"] += queued is not None
    dbsession.flush()
    return done


@task("followup_invitations", writes=True, cron="5 7 * * *", every=24 * 3600)
def followup_invitations(run, dbsession, job) -> dict:
    settings = run.runtime.settings
    return {**queue_invitations(dbsession, settings), **outbox.deliver(dbsession, settings)}
