"""Import a generated file of N rows, in a process of its own: peak memory over idle, as JSON.

Run by tests/evalsys/imports/test_import_memory.py as ``python measure_import.py URL N...``.
For each N a CSV of N valid rows (demographics, BRS and GSE, as bench/bench_import.py writes)
is imported into a new intervention, checked and stored in one transaction that is rolled
back. Before each import the process's peak resident size is reset (``/proc/self/clear_refs``),
so ``extra_kb`` is that import's own: the peak while importing less the resident size before.
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[2]), str(HERE)]

from measure_reading import status_kb  # noqa: E402

from bench.bench_import import INSTRUMENTS, write_csv  # noqa: E402


def measure(engine, csv_path: Path) -> dict:
    from sqlalchemy.orm import Session

    from evalsys.imports.importer import Importer
    from evalsys.imports.spreadsheets import open_table
    from evalsys.programme import questionnaires
    from evalsys.programme.models import Intervention, Site, Wave

    with Session(engine) as session, session.begin():
        iv = Intervention(
            slug=f"mem-{uuid.uuid4().hex[:8]}", name="Memory", design="pre_post_comparison"
        )
        iv.sites.append(Site(slug="site-a", name="Site A"))
        iv.waves.append(Wave(label="T0", name="Voormeting", position=0))
        iv.waves.append(Wave(label="T1", name="Nameting", position=1))
        session.add(iv)
        session.flush()
        questionnaires.save_version(session, iv, questionnaires.build(iv, INSTRUMENTS))
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
        idle = status_kb("VmRSS")
        errors: list = []
        result = Importer(session, iv, iv.sites[0]).run(open_table(csv_path, "csv"), errors.append)
        extra = status_kb("VmHWM") - idle
        session.rollback()
    return {"rows": result.rows, "stored": result.stored, "errors": len(errors), "extra_kb": extra}


def main(url: str, sizes: list[int]) -> None:
    import transaction  # noqa: F401 (the app's models import zope.sqlalchemy)

    from evalsys.db import get_engine, schema

    settings = {"sqlalchemy.url": url}
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"rows-{n}.csv"
            write_csv(path, n, seed=n)
            print(json.dumps({"n": n, **measure(engine, path)}), flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], [int(n) for n in sys.argv[2:]])
