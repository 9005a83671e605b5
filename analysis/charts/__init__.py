"""Charts drawn once with reportlab and shown twice: in the PDF report and as SVG on the web.

Each chart is a function of an :class:`analysis.EvaluationResult` (preferably disclosed)
that returns a :class:`Chart`, a reportlab ``Drawing`` carrying a title and a description
in words (its text alternative). Put it in a platypus story as it is, or call
:func:`to_svg` for the web::

    from analysis.charts import forest_plot, change_bars, to_svg
    chart = forest_plot(public, "brs", ("T0", "T1"), language="nl")
    svg = to_svg(chart)
"""

from analysis.charts.change_bars import PALETTE, change_bars
from analysis.charts.forest import forest_plot
from analysis.charts.frame import Chart
from analysis.charts.svg import to_svg

__all__ = ["PALETTE", "Chart", "change_bars", "forest_plot", "to_svg"]
