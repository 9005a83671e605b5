"""Instructions per API submission, counted by valgrind: a figure the machine's noise leaves alone.

On a shared machine CPU time per request varied by ±25% between runs minutes apart, more than
most changes to the code. valgrind's callgrind counts the instructions the application executes
instead (PostgreSQL's side is not counted), so two versions of the code can be compared with one
run each. It loads the app as ``profile_submissions.py`` does, sends 60 submissions to warm up,
and counts N more.

Run: valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \\
       .venv/bin/python bench/count_instructions.py [n]      (default 100; about 90 s)
then divide the ``I refs`` valgrind prints by n. Compare versions by running it from each
checkout. Needs Debian's valgrind.
"""

from __future__ import annotations

import gc
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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    from pyramid.paster import get_app

    with tempfile.TemporaryDirectory() as tmp, fresh_postgres_database() as url:
        ini, token, link = prepare(url, Path(tmp))
        app = get_app(str(ini), "main")

        def post(i: int) -> None:
            assert call(app, token, submission(link, i)).startswith("201")

        for i in range(60):
            post(i)
        gc.collect()
        gc.freeze()
        control = ["callgrind_control", "--instr"]
        subprocess.run([*control, "on", str(os.getpid())], capture_output=True, check=False)
        for i in range(60, 60 + n):
            post(i)
        subprocess.run([*control, "off", str(os.getpid())], capture_output=True, check=False)
        print(f"counted {n} submissions: divide valgrind's 'I refs' by {n}")


if __name__ == "__main__":
    main()
