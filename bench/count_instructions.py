"""Instructions per API submission, counted by valgrind: a figure the machine's noise leaves alone.

On a shared machine CPU time per request varied by ±25% between runs minutes apart, more than
most changes to the code. valgrind's callgrind counts the instructions the application executes
instead (PostgreSQL's side is not counted), so two versions of the code can be compared with one
run each. It loads the app as ``profile_submissions.py`` does, sends 60 submissions to warm up,
and counts N more.

Run: valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \\
       .venv/bin/python bench/count_instructions.py [n] [--bare]    (default 100; about 90 s)
then divide the ``I refs`` valgrind prints by n. Compare versions by running it from each
checkout. ``--bare`` counts the bare Pyramid JSON endpoint of bench_submissions.py instead (GET
/, called the same way), the ceiling the issue compares with; ``--floor`` counts floor_app.py
(the bare endpoint plus the one storing statement) with the same submissions. Needs Debian's
valgrind.
"""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_submissions import prepare  # noqa: E402
from bench.common import fresh_postgres_database  # noqa: E402
from bench.profile_submissions import call, submission  # noqa: E402


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(numbers[0]) if numbers else 100
    if "--bare" in sys.argv:
        from bench.bare_app import app

        count(n, lambda i: _get(app))
        return
    from pyramid.paster import get_app

    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database() as url:
        # The token and the link stay cached for the whole count, as they nearly always are at
        # load (one look-up per second per worker): under valgrind a second is only a few
        # requests, and the count would depend on the machine's speed.
        ini, token, link = prepare(url, Path(tmp), cache_seconds=3600)
        if "--floor" in sys.argv:
            os.environ.update(EVALSYS_DATABASE_URL=url, EVALSYS_LINK=link)
            from bench.floor_app import app
        else:
            app = get_app(str(ini), "main")

        def post(i: int) -> None:
            assert call(app, token, submission(link, i)).startswith("201")

        count(n, post)


def count(n: int, request) -> None:
    """Warm up with 60 requests, then count the instructions of n more."""
    for i in range(60):
        request(i)
    gc.collect()
    gc.freeze()
    control = ["callgrind_control", "--instr"]
    subprocess.run([*control, "on", str(os.getpid())], capture_output=True, check=False)
    for i in range(60, 60 + n):
        request(i)
    subprocess.run([*control, "off", str(os.getpid())], capture_output=True, check=False)
    print(f"counted {n} requests: divide valgrind's 'I refs' by {n}")


def _get(app) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "REMOTE_ADDR": "127.0.0.1",
    }
    status: list[str] = []
    b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
    assert status[0].startswith("200")


if __name__ == "__main__":
    main()
