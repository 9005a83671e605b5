"""How the report prints a figure disclose() left out: "< 10" only where that is true."""

from __future__ import annotations

from analysis.charts import numbers
from analysis.disclosure import SECONDARY, suppression_kinds
from analysis.report.context import Context

_DASH = "–"  # not computed (e.g. no SD of one score): nothing was left out


class Blanks:
    """The blank cells of one disclosed table and what each prints.

    A count left out because it (or the row total it belongs to) is below ``min_cell``
    prints "< 10". Any other blank, a count left out so that a small one cannot be worked
    out by subtraction, a percentage or a statistic, prints "niet getoond" / "not shown":
    saying "< 10" there would be false, or would tell a reader which cells are small. A
    missing figure that disclose() did not blank was not computed and prints "–".

    Rows are addressed by position in the table (``result.<table>``), columns by name.
    """

    def __init__(self, ctx: Context, table: str):
        self.ctx = ctx
        self.kinds = suppression_kinds(ctx.result, table)
        self._column = {c: j for j, c in enumerate(self.kinds.columns)}

    def position(self, label: object) -> int:
        """The position of the row with index ``label`` (e.g. of a filtered table's row)."""
        return int(self.kinds.index.get_loc(label))

    def kind(self, row: int, column: str) -> str:
        """``"small"``, ``"hidden"`` or ``""`` (shown, or not computed)."""
        j = self._column.get(column)
        return "" if j is None else str(self.kinds.iat[row, j])

    def blank(self, row: int, column: str) -> str:
        """What a missing figure prints: "< 10", "niet getoond" or "–"."""
        kind = self.kind(row, column)
        if kind == "small":
            return self.ctx.hidden
        if kind == "hidden":
            return self.ctx.texts("not_shown")
        return _DASH

    def count(self, row: int, column: str, value: object) -> str:
        return self.blank(row, column) if numbers.is_missing(value) else numbers.count(value)

    def percent(self, row: int, column: str, share: object) -> str:
        if numbers.is_missing(share):
            return self.blank(row, column)
        return numbers.percent(share, self.ctx.language)

    def figure(self, row: int, column: str, value: object, shown: str) -> str:
        """``shown`` (the formatted figure) unless ``value`` is missing."""
        return self.blank(row, column) if numbers.is_missing(value) else shown

    def any_small(self, row: int, columns: tuple[str, ...]) -> bool:
        return any(self.kind(row, c) == "small" for c in columns)


def participants(ctx: Context) -> str:
    """``n_participants`` as printed: the number, "< 10" when small, else "not shown"."""
    n = ctx.result.n_participants
    if n is not None:
        return numbers.count(n)
    records = ctx.result.suppressed
    mine = records[records["table"] == "n_participants"] if records is not None else records
    if mine is not None and len(mine) and str(mine["reason"].iloc[0]).startswith(SECONDARY):
        return ctx.texts("not_shown")
    return ctx.hidden
