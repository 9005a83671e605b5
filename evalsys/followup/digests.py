"""Coordinator digests: counts, never participant codes, and a link to the due list.

Run daily as the ``followup_digests`` job (07:00 on the queue's workers; once a day in the
served process on SQLite). Per site with at least one participant:

- **a round opened** (``wave_opened``): participants whose next round opened since the last
  such mail for the site (the first run: today), with how many are overdue;
- **weekly while any are overdue** (``overdue_weekly``): at most one a week (ISO week).

Each goes to the site's coordinators who have an e-mail address and have not switched digests
off (their account page). Messages are queued once (the dedupe key names site, week or day,
and user) and delivered at the end of the run and every 5 minutes (evalsys.mail.deliver_job).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from evalsys.accounts.models import Membership, User
from evalsys.followup.due_list import due_rows, today
from evalsys.followup.schedule import Rules, counts
from evalsys.i18n import _
from evalsys.jobs.tasks import task
from evalsys.mail import outbox
from evalsys.mail.models import MailMessage
from evalsys.programme.models import Intervention


def coordinators(dbsession, site) -> list[User]:
    """The site's coordinators who want digests and can get them."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.site_id == site.id,
            User.role == "coordinator",
            User.active.is_(True),
            User.digests.is_(True),
            User.email.is_not(None),
        )
        .order_by(User.id)
    )
    return list(dbsession.execute(query).scalars())


def plan_site(dbsession, intervention, site, on: dt.date, rules: Rules) -> list[tuple[str, dict]]:
    """The digests a site's coordinators get today: (template, figures) pairs."""
    rows = due_rows(dbsession, intervention, site_ids=[site.id], on=on, rules=rules)
    if not rows:
        return []
    found = counts(rows)
    planned = []
    last = outbox.last_queued(
        dbsession, MailMessage.template == "wave_opened", MailMessage.site_id == site.id
    )
    since = last or on - dt.timedelta(days=1)
    opened: dict[str, int] = {}
    for row in rows:
        if row.status in ("open", "overdue") and row.opens and since < row.opens <= on:
            opened[row.wave] = opened.get(row.wave, 0) + 1
    if opened:
        planned.append(("wave_opened", {"opened": opened, **found}))
    if found["overdue"]:
        planned.append(("overdue_weekly", found))
    return planned


def _texts(template: str, figures: dict, intervention, site, link: str, account: str):
    """Subject and body, as translation strings (B1: short sentences, the numbers first)."""
    names = {"site": site.name, "intervention": intervention.name}
    if template == "wave_opened":
        total = sum(figures["opened"].values())
        rounds = ", ".join(f"{wave}: {n}" for wave, n in sorted(figures["opened"].items()))
        subject = _(
            "${site}: next round open. Participants: ${count}", mapping={**names, "count": total}
        )
        first = _(
            "Good news. At ${site} (${intervention}), participants can now fill in their next "
            "round. Number of participants: ${count} (${rounds}).",
            mapping={**names, "count": total, "rounds": rounds},
        )
    else:
        subject = _(
            "${site}: participants late with their next round: ${count}",
            mapping={**names, "count": figures["overdue"]},
        )
        first = _(
            "At ${site} (${intervention}), some participants have had their next round open "
            "for two weeks or more. They have not answered yet. Number of participants: "
            "${count}.",
            mapping={**names, "count": figures["overdue"]},
        )
    lines = [
        first,
        _(
            "All participants of this site now: ${overdue} late, ${open} open, ${soon} "
            "opening soon, ${missed} missed.",
            mapping={
                "overdue": figures["overdue"],
                "open": figures["open"],
                "soon": figures["due_soon"],
                "missed": figures["missed"],
            },
        ),
        _("See who it is in the due list: ${link}", mapping={"link": link}),
        _(
            "This mail holds no participant codes. You get it because you coordinate this "
            "site. Do you not want these mails? Switch them off here: ${account}",
            mapping={"account": account},
        ),
    ]
    return subject, lines


def queue_digests(dbsession, settings: dict, *, on: dt.date | None = None) -> int:
    """Queue today's digests for every site; returns how many messages were queued."""
    on, rules = on or today(), Rules.from_settings(settings)
    base = outbox.public_url(settings)
    queued = 0
    for intervention in dbsession.execute(select(Intervention)).scalars():
        if len(intervention.waves) < 2:
            continue
        for site in intervention.sites:
            plans = plan_site(dbsession, intervention, site, on, rules)
            if not plans:
                continue
            link = f"{base}/i/{intervention.slug}/sites/{site.slug}/due"  # route site.due
            account = f"{base}/account/mail"  # route account.mail
            for user in coordinators(dbsession, site):
                for template, figures in plans:
                    period = on.isoformat() if template == "wave_opened" else _week(on)
                    language = user.mail_language or "nl"
                    subject, body = outbox.written(
                        language, *_texts(template, figures, intervention, site, link, account)
                    )
                    row = outbox.queue(
                        dbsession,
                        template=template,
                        dedupe_key=f"{template}:{site.id}:{period}:{user.id}",
                        user=user,
                        subject=subject,
                        body=body,
                        language=language,
                        intervention_id=intervention.id,
                        site_id=site.id,
                    )
                    queued += row is not None
    return queued


def _week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@task("followup_digests", writes=True, cron="0 7 * * *", every=24 * 3600)
def followup_digests(run, dbsession, job) -> dict:
    settings = run.runtime.settings
    queued = queue_digests(dbsession, settings)
    return {"queued": queued, **outbox.deliver(dbsession, settings)}
