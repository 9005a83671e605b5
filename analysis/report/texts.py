"""The PDF report's texts in one language, read from the gettext catalogues in analysis/locale.

Dutch is the report's default language (B1 in the summary); docs/translating.md says how to fix
a word or add a language.
"""

from __future__ import annotations

from analysis.charts.texts import catalogue


class Texts:
    """The report's texts in one language: ``texts("summary")``, ``texts("dropout", share=...)``.

    A key the report's catalogue lacks is looked up in the charts' (group names and the like);
    a key the language lacks in both is taken from English.
    """

    def __init__(self, language: str):
        self.language = language
        # The report's own texts first: "estimate" is a table header in the report and
        # "d_z [95% CI]" on a chart.
        self._texts = {**catalogue("charts", language), **catalogue("report", language)}

    def __call__(self, key: str, **values: object) -> str:
        return self._texts[key].format(**values)

    def __contains__(self, key: str) -> bool:
        return key in self._texts

    def raw(self, key: str) -> str:
        """The text ``key`` with its ``{placeholders}`` left in, to fill in later."""
        return self._texts[key]
