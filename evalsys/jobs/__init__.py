"""Jobs: long work off the web request (imports, exports, reports, the retention run).

A :class:`~evalsys.jobs.models.Job` row is what the pages show (state, progress, result); the
queue that runs it is procrastinate on PostgreSQL (``evalsys worker``, any number of machines)
and a worker thread inside the served process on SQLite (:mod:`evalsys.jobs.queue`). The work
itself is a task function (:mod:`evalsys.jobs.tasks`) run by :func:`evalsys.jobs.run.run_job`.
"""
