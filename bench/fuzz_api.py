"""Fuzzing: schemathesis generates requests from /api/v1/openapi.json; no answer may be a 5xx.

evalsys runs under gunicorn on 127.0.0.1 against a fresh database with the demo programme, and
schemathesis (bounded: --max-examples per operation) sends what the document allows and what it
does not, with a valid API token. Run: .venv/bin/python bench/fuzz_api.py [max_examples]
Writes bench/results/fuzz.json; exits non-zero when any request got a server error.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_submissions import prepare  # noqa: E402
from bench.common import BIN, ROOT, gunicorn, write_results  # noqa: E402


def fuzz(max_examples: int = 25, database_url: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = database_url or f"sqlite:///{folder}/fuzz.sqlite"
        ini, token, _link = prepare(url, folder)
        with gunicorn(["--paste", str(ini)], workers=2, threads=4) as (base, _):
            run = subprocess.run(
                [
                    str(BIN / "schemathesis"),
                    "run",
                    f"{base}/api/v1/openapi.json",
                    "--checks",
                    "not_a_server_error",
                    "-H",
                    f"Authorization: Bearer {token}",
                    "--max-examples",
                    str(max_examples),
                    "--generation-deterministic",
                    "--no-color",
                ],
                capture_output=True,
                text=True,
                timeout=900,
            )
    return {
        "max_examples": max_examples,
        "exit_code": run.returncode,
        "no_server_errors": run.returncode == 0,
        "summary": run.stdout[-4000:],
    }


def main() -> None:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    result = fuzz(examples)
    print(result["summary"])
    path = write_results("fuzz", result)
    print(f"written to {path.relative_to(ROOT)}")
    if not result["no_server_errors"]:
        sys.exit("schemathesis found server errors (or could not run): see above")


if __name__ == "__main__":
    main()
