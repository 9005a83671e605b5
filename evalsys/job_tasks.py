"""Every task a job can run, imported once so that each registers its kind (evalsys.jobs.tasks).

The app and ``evalsys worker`` import this module; a task lives in the capability whose work
it is.
"""

import evalsys.followup.digests  # noqa: F401 - coordinator digests
import evalsys.followup.invitations  # noqa: F401 - participant invitations and reminders
import evalsys.imports.import_job  # noqa: F401 - spreadsheet imports
import evalsys.jobs.scheduled  # noqa: F401 - deleting old job results
import evalsys.mail.deliver_job  # noqa: F401 - delivering the outbox
import evalsys.privacy.retention_job  # noqa: F401 - the nightly retention run
import evalsys.results.evaluate_job  # noqa: F401 - the results page's figures for large data
import evalsys.results.export_job  # noqa: F401 - exports
import evalsys.results.report_job  # noqa: F401 - PDF reports, publishing a version
import evalsys.webhooks.deliver_job  # noqa: F401 - delivering webhooks
