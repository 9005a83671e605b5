"""evalsys worker CONFIG [--until-empty]: run the jobs of the queue (PostgreSQL; docs/deploy.md)."""

from __future__ import annotations

import sys

from evalsys.cli.bootstrap import CommandError, load_settings, migrated_engine, safe_url


def add_arguments(parser) -> None:
    parser.add_argument(
        "--until-empty",
        action="store_true",
        help="stop when no job is left (default: run until stopped with Ctrl+C or SIGTERM)",
    )


def run(args) -> int:
    settings = load_settings(args.config)
    engine = migrated_engine(settings, args.config)
    if engine.dialect.name != "postgresql":
        raise CommandError(
            "the worker takes its jobs from PostgreSQL. On SQLite the jobs run inside the web "
            "server itself (evalsys.jobs = thread): start it with `make run` or pserve, no "
            "worker is needed"
        )
    import evalsys.job_tasks  # noqa: F401 - every task, registered by kind
    import evalsys.models  # noqa: F401
    from evalsys.db.transactions import get_session_factory
    from evalsys.jobs.run import Runtime
    from evalsys.jobs.worker import run_worker

    runtime = Runtime(settings, engine, get_session_factory(engine))
    print(f"evalsys worker: running jobs from {safe_url(str(engine.url))}", file=sys.stderr)
    run_worker(runtime, wait=not args.until_empty)
    return 0
