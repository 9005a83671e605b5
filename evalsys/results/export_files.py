"""Writing an export: a file of any format (the direct download, the job, the command), or a
CSV as a stream of byte chunks, each by the writer that fits the database.

CSV (also the one in the R and the SPSS syntax zips) on PostgreSQL:
evalsys.results.export_copy (COPY, the same bytes); elsewhere, and for XLSX, .sav and .dta:
evalsys.results.exports (rows built in Python), written by evalsys.results.export_sheets,
export_stata, export_r and export_spss_syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from evalsys.programme.models import Intervention
from evalsys.results import export_copy
from evalsys.results.export_r import write_r
from evalsys.results.export_sheets import write_sav, write_xlsx
from evalsys.results.export_spss_syntax import write_sps
from evalsys.results.export_stata import write_dta
from evalsys.results.exports import (
    CSV_STYLES,
    FORMATS,
    WIDE_FORMATS,
    Layout,
    counted,
    csv_chunks,
    default_csv_style,
    layout,
    rows_for,
)


def write_file(
    dbsession,
    intervention: Intervention,
    fmt: str,
    path: str,
    *,
    language: str = "nl",
    free_text: bool = False,
    csv_style: str | None = None,
    progress: Callable[[int], None] | None = None,
    change_log: bool = False,
) -> None:
    """Write an export of ``fmt`` (one of FORMATS) to ``path``, labelled in ``language``;
    ``csv_style`` (one of CSV_STYLES; default: the language's) for the CSV formats;
    ``change_log``: an XLSX file gets the corrections, moves and voids as a sheet (the other
    formats have a CSV of their own, evalsys.collection.views.corrections)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    style = csv_style or default_csv_style(language)
    if style not in CSV_STYLES:
        raise ValueError(f"unknown CSV style {style!r}; choose one of {', '.join(CSV_STYLES)}")
    plan = layout(intervention, language=language, free_text=free_text)
    if fmt in ("csv_long", "csv_wide"):
        with open(path, "wb") as out:
            chunks = csv_bytes(dbsession, intervention, fmt, plan, style=style, progress=progress)
            for chunk in chunks:
                out.write(chunk)
        return
    if fmt in ("r", "r_wide", "sps", "sps_wide"):
        csv_fmt = "csv_wide" if fmt in WIDE_FORMATS else "csv_long"
        columns = rows_for(dbsession, intervention, fmt, plan)[1]  # rows read on demand only
        chunks = csv_bytes(dbsession, intervention, csv_fmt, plan, progress=progress)
        writer = write_r if fmt.startswith("r") else write_sps
        writer(chunks, columns, path, f"{intervention.slug}-{csv_fmt.replace('_', '-')}")
        return
    rows, columns = rows_for(dbsession, intervention, fmt, plan)
    rows = counted(rows, progress)
    if fmt == "xlsx":
        from evalsys.collection.change_log import change_log as changes_of

        changes = changes_of(dbsession, intervention) if change_log else None
        write_xlsx(rows, columns, path, language=language, changes=changes)
    elif fmt in ("dta", "dta_wide"):
        write_dta(rows, columns, path, title=intervention.name)
    else:
        write_sav(rows, columns, path)


def csv_bytes(
    dbsession,
    intervention: Intervention,
    fmt: str,
    plan: Layout,
    *,
    style: str = "international",
    progress: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """A CSV export (``csv_long`` or ``csv_wide``) in ``style`` as byte chunks: made by
    PostgreSQL's COPY there (evalsys.results.export_copy, the same bytes), by
    :func:`csv_chunks` elsewhere."""
    if dbsession.get_bind().dialect.name == "postgresql":
        return export_copy.csv_chunks(
            dbsession, intervention, fmt, plan, style=style, progress=progress
        )
    rows, columns = rows_for(dbsession, intervention, fmt, plan)
    return csv_chunks(counted(rows, progress), columns, style=style)
