"""Rows and files for the import-job tests (the import tests' own shapes)."""

from __future__ import annotations

import csv
import io

from ..import_fixtures import ANSWERS

META = ["participant_code", "wave", "group", "language", "submission_id"]
FULL = [*META, "age_band", "gender", "gender_other", "born_in_nl", *ANSWERS]


def row(code: str, wave: str = "T0", group: str = "intervention", **answers) -> dict:
    return {"participant_code": code, "wave": wave, "group": group, **ANSWERS, **answers}


def csv_file(rows: list[dict], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(FULL)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in FULL])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
