"""Profile: where one API submission spends its CPU, in one process, against PostgreSQL.

Loads the real application (the same .ini as bench_submissions.py) in-process, sends N
submissions through webtest, and prints the CPU time per request (without the profiler), the SQL
statements of one request, and the top of a CPU-time cProfile of N more (sorted by the given
keys, default cumulative; also written to /tmp/submissions.prof for pstats). No server, no
network: this is the application's own cost, which bounds the requests per second of a worker.

Run: .venv/bin/python bench/profile_submissions.py [n] [sort keys...]   (default 500)
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_submissions import prepare  # noqa: E402
from bench.common import fresh_postgres_database  # noqa: E402

ANSWERS = {
    **{f"brs_{i}": 3 for i in range(1, 7)},
    **{f"gse_{i}": 3 for i in range(1, 11)},
}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    import sqlalchemy as sa
    import webtest
    from pyramid.paster import get_app

    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database() as url:
        ini, token, link = prepare(url, Path(tmp))
        app = get_app(str(ini), "main")
        client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
        headers = {"Authorization": f"Bearer {token}"}
        statements = []
        sa.event.listen(
            sa.engine.Engine, "before_cursor_execute", lambda *a: statements.append(a[2])
        )

        def post(index: int) -> None:
            body = {
                "submission_id": str(uuid.uuid4()),
                "link": link,
                "participant_code": f"P{index:07d}",
                "language": "nl",
                "answers": ANSWERS,
            }
            client.post(
                "/api/v1/responses",
                json.dumps(body),
                headers={**headers, "Content-Type": "application/json"},
                status=201,
            )

        for index in range(50):  # warm caches and connections
            post(index)
        statements.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        for index in range(50, 50 + n):
            post(index)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{n} submissions: {1000 * cpu / n:.2f} ms CPU and {1000 * wall / n:.2f} ms wall "
            f"per request, {len(statements) / n:.1f} SQL statements per request"
        )
        print("the statements of one request:")
        for statement in statements[-len(statements) // n :]:
            print("  ", " ".join(statement.split())[:150])
        profile = cProfile.Profile(time.process_time)  # CPU time, not waiting
        profile.enable()
        for index in range(50 + n, 50 + 2 * n):
            post(index)
        profile.disable()
        profile.dump_stats("/tmp/submissions.prof")
        pstats.Stats(profile).sort_stats(*(sys.argv[2:] or ["cumulative"])).print_stats(45)


if __name__ == "__main__":
    main()
