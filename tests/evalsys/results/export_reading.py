"""Reading an export back as an evaluator's tools read it: rows keyed by the CSV's names.

CSV with the csv module, XLSX with openpyxl, .sav and .dta with pyreadstat (their names mapped
back to the CSV's by export_names' own rule), R with Rscript (the export's script sourced, the
data frame written out again with every factor as its labels), SPSS syntax by parsing it
(spss_syntax_reading: SPSS is not here).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyreadstat
from openpyxl import load_workbook

from evalsys.results import export_names

RSCRIPT = shutil.which("Rscript")


def _number(cell):
    if cell in (None, ""):
        return None
    try:
        return float(str(cell).replace(",", "."))
    except ValueError:
        return cell


def read_csv_text(text: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def read(path: Path, fmt: str, names: list[str]) -> list[dict]:
    """The export's rows, keyed by its CSV names ``names``; numbers as floats."""
    if fmt.startswith("csv"):
        text = path.read_text(encoding="utf-8-sig")
        delimiter = ";" if text.split("\r\n")[0].count(";") else ","
        return [{k: _number(v) for k, v in r.items()} for r in read_csv_text(text, delimiter)]
    if fmt == "xlsx":
        sheet = load_workbook(path)["data"]
        values = list(sheet.values)
        return [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    if fmt.startswith(("sav", "dta")):
        reader = pyreadstat.read_sav if fmt.startswith("sav") else pyreadstat.read_dta
        rename = (export_names.spss_names if fmt.startswith("sav") else export_names.stata_names)(
            names
        )
        frame, _meta = reader(str(path))
        back = {short: name for name, short in rename.items()}
        frame = frame.rename(columns=back)
        return [
            {k: (None if v != v else v) for k, v in row.items()} for row in frame.to_dict("records")
        ]
    if fmt.startswith("r"):
        return read_with_r(path)
    if fmt.startswith("sps"):
        from .spss_syntax_reading import read_sps

        return read_sps(path, names)
    raise AssertionError(fmt)


def unzip(path: Path, into: Path) -> tuple[Path, Path]:
    """The zip's CSV and R script, unpacked into ``into``."""
    with zipfile.ZipFile(path) as archive:
        archive.extractall(into)
        names = archive.namelist()
    csv_name = next(n for n in names if n.endswith(".csv"))
    script = next(n for n in names if n.endswith(".R"))
    return into / csv_name, into / script


R_DUMP = """
source({script})
out <- data.frame(lapply(data, function(x) if (is.factor(x)) as.character(x) else
  if (inherits(x, "Date")) format(x) else x), check.names = FALSE, stringsAsFactors = FALSE)
write.csv(out, {out}, row.names = FALSE, na = "", fileEncoding = "UTF-8")
labels <- vapply(data, function(x) { l <- attr(x, "label"); if (is.null(l)) "" else l }, "")
write.csv(data.frame(name = names(data), label = labels, class = vapply(data,
  function(x) class(x)[1], ""), levels = vapply(data, function(x)
  paste(levels(x), collapse = "|"), ""), missing = vapply(data, function(x)
  paste(attr(x, "missing_code"), collapse = "|"), "")), {meta}, row.names = FALSE,
  fileEncoding = "UTF-8")
"""


def run_r(path: Path) -> tuple[list[dict], dict[str, dict]]:
    """The R zip at ``path`` read by its own script: (rows as R holds them, per column its
    label, class, levels and the missing codes R kept)."""
    folder = path.parent / f"{path.stem}-r"
    folder.mkdir()
    csv_path, script = unzip(path, folder)
    out, meta = folder / "out.csv", folder / "meta.csv"
    code = (
        R_DUMP.replace("{script}", f'"{script.name}"')
        .replace("{out}", f'"{out.name}"')
        .replace("{meta}", f'"{meta.name}"')
    )
    done = subprocess.run(
        [RSCRIPT, "--vanilla", "-e", code],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = read_csv_text(out.read_text(encoding="utf-8"))
    columns = {r["name"]: r for r in read_csv_text(meta.read_text(encoding="utf-8"))}
    return rows, columns


def read_with_r(path: Path) -> list[dict]:
    rows, _columns = run_r(path)
    return [{k: _number(v) for k, v in r.items()} for r in rows]
