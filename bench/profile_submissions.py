"""Profile: where one API submission spends its CPU, in one process, against PostgreSQL.

Loads the real application (the same .ini as bench_submissions.py) in-process and calls it as a
WSGI server would, without a network or a test client in between. Prints the CPU time per new
submission and per retry (the minimum of 5 rounds: on a shared machine the minimum is the
figure least disturbed by neighbours), the SQL statements of one request, and the top of a
CPU-time cProfile of N more (sorted by the given keys, default cumulative; also written to
/tmp/submissions.prof for pstats). This is the application's own cost, which bounds the requests
per second of a worker.

Compare two versions of the code on one machine by running this script from each checkout in
turn, a few times: ``.venv/bin/python bench/profile_submissions.py``.

Run: .venv/bin/python bench/profile_submissions.py [n] [sort keys...]   (default 300)
"""

from __future__ import annotations

import cProfile
import io
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
ROUNDS = 5


def submission(link: str, number: int) -> dict:
    """A new submission's body: a fresh submission_id and participant code."""
    return {
        "submission_id": str(uuid.uuid4()),
        "link": link,
        "participant_code": f"P{number:07d}",
        "language": "nl",
        "answers": ANSWERS,
    }


def call(app, token: str, body: dict) -> str:
    """POST the body to /api/v1/responses as a WSGI server would; the status line."""
    data = json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/responses",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
    }
    status: list[str] = []
    b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
    return status[0]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    import psycopg
    from pyramid.paster import get_app

    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database() as url:
        ini, token, link = prepare(url, Path(tmp))
        app = get_app(str(ini), "main")
        statements = []
        # Prepared statements run on psycopg's cursor, past SQLAlchemy's cursor events: list
        # what the driver is given.
        driver_execute = psycopg.Cursor.execute

        def listed(cursor, query, *args, **kwargs):
            statements.append(str(query))
            return driver_execute(cursor, query, *args, **kwargs)

        psycopg.Cursor.execute = listed
        sent: list[dict] = []

        def post(body: dict) -> str:
            return call(app, token, body)

        def new() -> dict:
            body = submission(link, len(sent))
            sent.append(body)
            return body

        for _ in range(50):  # warm caches and connections
            assert post(new()).startswith("201")
        fresh, retried = [], []
        for _ in range(ROUNDS):
            first = len(sent)
            cpu = time.process_time()
            for _ in range(n):
                assert post(new()).startswith("201")
            fresh.append(1000 * (time.process_time() - cpu) / n)
            again = sent[first : first + max(n // 5, 1)]
            cpu = time.process_time()
            for body in again:
                assert post(body).startswith("200")
            retried.append(1000 * (time.process_time() - cpu) / len(again))
        print(
            f"CPU per request, minimum of {ROUNDS} rounds: new submission {min(fresh):.2f} ms "
            f"(rounds: {' '.join(f'{x:.2f}' for x in fresh)}), retry {min(retried):.2f} ms"
        )
        statements.clear()
        post(new())
        print(f"the {len(statements)} SQL statements of one new submission:")
        for statement in statements:
            print("  ", " ".join(statement.split())[:150])
        profile = cProfile.Profile(time.process_time)  # CPU time, not waiting
        profile.enable()
        for _ in range(n):
            post(new())
        profile.disable()
        profile.dump_stats("/tmp/submissions.prof")
        pstats.Stats(profile).sort_stats(*(sys.argv[2:] or ["cumulative"])).print_stats(45)


if __name__ == "__main__":
    main()
