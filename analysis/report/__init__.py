"""The PDF evaluation report and the documents around it, drawn with reportlab.

``build_report(result, meta, language="nl")`` makes the report of one intervention,
``build_programme_report([(meta, result), ...])`` one across interventions; both refuse a
result that did not go through :func:`analysis.disclose`. docs/report.md describes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.report.meta import InstrumentInfo, ReportMeta, SiteInfo

if TYPE_CHECKING:
    from analysis.report.build import build_report
    from analysis.report.programme import build_programme_report

__all__ = ["InstrumentInfo", "ReportMeta", "SiteInfo", "build_programme_report", "build_report"]


def __getattr__(name: str) -> Any:
    # loaded on first use: the builders import analysis.charts, which uses these fonts
    if name == "build_report":
        from analysis.report.build import build_report

        return build_report
    if name == "build_programme_report":
        from analysis.report.programme import build_programme_report

        return build_programme_report
    raise AttributeError(name)
