"""The evaluator's results page and the PDF made from the current data."""

from __future__ import annotations

import re
from types import SimpleNamespace

from pyramid.httpexceptions import HTTPSeeOther, HTTPServiceUnavailable
from pyramid.response import Response
from pyramid.view import view_config

from analysis.charts.frame import hidden_because
from analysis.charts.numbers import count, interval, number, p_value, percent, suppressed
from analysis.report.blanks import Blanks
from analysis.report.context import overall_retention
from analysis.report.note_texts import note_text
from analysis.report.texts import Texts
from evalsys.jobs.queue import enqueue
from evalsys.results import evaluate_job, evaluation, exports, reports
from evalsys.results.chart_markup import inline_svg

CHART_NAMES = ("forest", "bars")
# Formatted filters kept per evaluation (ResultsPage.build): enough for every scale, pair and
# site a person clicks through, bounded so a large programme cannot fill the memory.
VIEWS_KEPT = 64


def _page_language(request) -> str:
    """The language the page's own words are in (the names and sources of the evaluation)."""
    return "en" if request.locale_name == "en" else "nl"


def _language(request) -> str:
    lang = request.params.get("lang") or request.locale_name
    return lang if lang in reports.LANGUAGES else "nl"


@view_config(
    route_name="intervention.results",
    permission="view_participants",
    request_method="GET",
    renderer="results.jinja2",
)
def results(context, request):
    intervention = context.intervention
    page = {
        "intervention": intervention,
        "can_manage": request.has_permission("manage", context),
        "can_export": request.has_permission("export", context),
        "exports": exports.FORMATS,
        "csv_style": exports.default_csv_style(_page_language(request)),
    }
    settings = request.registry.settings
    page["large"] = evaluate_job.too_large_for_a_page(request.dbsession, intervention, settings)
    job_id = request.params.get("job", "")
    job = found = None
    if page["large"] or job_id.isdigit():
        job, found = evaluate_job.latest(
            request.dbsession,
            settings,
            request.identity.id,
            intervention.id,
            int(job_id) if job_id.isdigit() else None,
        )
    page["from_job"] = job
    if found is None and page["large"]:
        return {**page, "found": None, "reason": ""}
    if found is None:
        try:
            found = evaluation.evaluate_intervention(
                request.dbsession, intervention, settings, language=_page_language(request)
            )
        except evaluation.NoResults as error:
            return {**page, "found": None, "reason": str(error)}
    return {**page, "found": found, **ResultsPage(found, request).build()}


class PageBlanks:
    """What a figure that disclose() left out prints on the page, as in the PDF: "< 10" only for
    a small count, "niet getoond" / "not shown" for one hidden to protect another, "–" for one
    never computed. Rows by their label in ``result.<table>``."""

    def __init__(self, result, table: str, language: str):
        context = SimpleNamespace(
            result=result,
            hidden=suppressed(result.min_cell),
            texts=Texts(language),
            language=language,
        )
        self.blanks = Blanks(context, table)

    def count(self, label, column: str, value) -> str:
        return self.blanks.count(self.blanks.position(label), column, value)

    def percent(self, label, column: str, share) -> str:
        return self.blanks.percent(self.blanks.position(label), column, share)


def comparison_cells(row, language: str) -> dict:
    """One row of the comparison table for print: each estimate with its own interval on its own
    scale. The standardised effects get the raw interval divided by the same baseline SD (the
    interval takes that SD as known)."""
    sd = row.sd_pre_pooled
    return {
        "n_intervention": count(row.n_intervention),
        "n_comparison": count(row.n_comparison),
        "baseline_d": number(row.baseline_d, 2, language),
        "ancova_d": number(row.ancova_d, 2, language),
        "ancova_ci": interval(row.ancova_low / sd, row.ancova_high / sd, 2, language),
        "ancova_p": p_value(row.ancova_p, language),
        "ancova_p_adjusted": p_value(row.p_adjusted, language),
        "did_d": number(row.did_d, 2, language),
        "did_ci": interval(row.did_low / sd, row.did_high / sd, 2, language),
        "did_p_adjusted": p_value(row.did_p_adjusted, language),
    }


class ResultsPage:
    """The disclosed result, filtered by scale, pair of waves and site, formatted for print."""

    def __init__(self, found: evaluation.Evaluation, request):
        self.found, self.result, self.request = found, found.result, request
        self.language = _page_language(request)
        self.site_names = {s.id: s.name for s in found.meta.sites}
        self.wave_names = dict(found.meta.waves)  # in the evaluation's language (build_meta)
        effects = self.result.site_effects
        self.pairs = [
            f"{a}-{b}"
            for a, b in dict.fromkeys(zip(effects["wave_from"], effects["wave_to"], strict=True))
        ] or ["-".join(self.result.waves[:2])]
        self.scales = list(self.result.scales)
        params = request.GET
        self.scale = params.get("scale") if params.get("scale") in self.scales else self.scales[0]
        self.pair = params.get("pair") if params.get("pair") in self.pairs else self.pairs[0]
        self.site = params.get("site") if params.get("site") in self.site_names else ""

    def _note(self, note: str) -> str:
        """A note of the analysis in the page's language, with scale and site names."""
        labels = self.result.scales
        return note_text(
            note,
            Texts(self.language),
            lambda scale: labels.get(scale, scale),
            lambda site: self.site_names.get(site, site),
        )

    def build(self) -> dict:
        """The page's parts; made once per language and filter of a kept evaluation."""
        key = (self.language, self.scale, self.pair, self.site)
        built = self.found.views.get(key)
        if built is None:
            if len(self.found.views) >= VIEWS_KEPT:
                self.found.views.clear()
            built = self.found.views[key] = self._build()
        return {**built, "data_taken_at": self.found.data_taken_at}

    def _build(self) -> dict:
        wave_from, wave_to = self.pair.split("-", 1)
        return {
            "claim": self.result.claim.text_en
            if self.language == "en"
            else self.result.claim.text_nl,
            "notes": [self._note(note) for note in (*self.result.notes, *self.found.notes)],
            "scales": [(key, label) for key, label in self.result.scales.items()],
            "pairs": self.pairs,
            "pair_names": {
                pair: " → ".join(self._wave(label) for label in pair.split("-", 1))
                for pair in self.pairs
            },
            "sites": sorted(self.site_names.items(), key=lambda s: s[1]),
            "chosen": {"scale": self.scale, "pair": self.pair, "site": self.site},
            "pooled": self._pooled(wave_from, wave_to),
            "site_rows": self._site_rows(wave_from, wave_to),
            "comparison": self._comparison(wave_from, wave_to),
            "attrition": self._attrition(),
            "overall_retention": self._overall_retention(),
            "charts": self._charts(wave_from, wave_to),
            "reference_source": self.found.scale_infos[self.scale].reference_source,
            "min_cell": self.result.min_cell,
            "n_participants": count(self.result.n_participants),
        }

    def _wave(self, label: str) -> str:
        """A round as the page names it: its label and its name in the page's language."""
        name = self.wave_names.get(label)
        return f"{label} · {name}" if name else str(label)

    def _rows(self, frame, wave_from: str, wave_to: str):
        keep = (
            (frame["scale"] == self.scale)
            & (frame["wave_from"] == wave_from)
            & (frame["wave_to"] == wave_to)
        )
        return frame[keep]

    def _blanks(self, table: str) -> PageBlanks:
        """Why each blank cell of ``table`` is blank: the same for every filter, so kept."""
        key = ("blanks", table, self.language)
        if key not in self.found.views:
            self.found.views[key] = PageBlanks(self.result, table, self.language)
        return self.found.views[key]

    def _num(self, value, decimals: int = 2) -> str:
        return number(value, decimals, self.language)

    def _pooled(self, wave_from: str, wave_to: str) -> list[dict]:
        rows = []
        blanks = self._blanks("pooled")
        for row in self._rows(self.result.pooled, wave_from, wave_to).itertuples():
            rows.append(
                {
                    "group": row.group,
                    "k": blanks.count(row.Index, "k", row.k),
                    "n": blanks.count(row.Index, "n", row.n),
                    "estimate": self._num(row.estimate),
                    "ci": interval(row.ci_low, row.ci_high, 2, self.language),
                    "p_raw": p_value(row.p, self.language),
                    "p": p_value(row.p_adjusted, self.language),
                    "i2": percent(row.i2, self.language),
                }
            )
        return rows

    def _site_rows(self, wave_from: str, wave_to: str) -> list[dict]:
        frame = self._rows(self.result.site_effects, wave_from, wave_to)
        if self.site:
            frame = frame[frame["site"] == self.site]
        rows, blanks = [], self._blanks("site_effects")
        for label, row in frame.iterrows():
            hidden = row[["n", "mean_diff"]].isna().all()
            rows.append(
                {
                    "site": self.site_names.get(row["site"], row["site"]),
                    "group": row["group"],
                    "hidden": hidden_because(self.result, row) if hidden else "",
                    "n": blanks.count(label, "n", row["n"]),
                    "mean_pre": self._num(row["mean_pre"]),
                    "mean_post": self._num(row["mean_post"]),
                    "mean_diff": self._num(row["mean_diff"]),
                    "d_z": self._num(row["d_z"]),
                    "ci": interval(row["d_z_low"], row["d_z_high"], 2, self.language),
                    "g_av": self._num(row["g_av"]),
                    "p_raw": p_value(row["p"], self.language),
                    "p": p_value(row["p_adjusted"], self.language),
                    # "< 10" only for a small count; one hidden to protect it says so
                    "improved": blanks.count(label, "improved", row["improved"]),
                    "unchanged": blanks.count(label, "unchanged", row["unchanged"]),
                    "deteriorated": blanks.count(label, "deteriorated", row["deteriorated"]),
                }
            )
        return rows

    def _comparison(self, wave_from: str, wave_to: str) -> list[dict]:
        frame = self.result.comparison
        if frame.empty:
            return []
        frame = self._rows(frame, wave_from, wave_to)
        blanks = self._blanks("comparison")
        return [
            {
                **comparison_cells(row, self.language),
                "site": self.site_names.get(row.site, row.site),
                "n_intervention": blanks.count(row.Index, "n_intervention", row.n_intervention),
                "n_comparison": blanks.count(row.Index, "n_comparison", row.n_comparison),
            }
            for row in frame.itertuples()
            if not self.site or row.site in (self.site, "all")
        ]

    def _overall_retention(self) -> dict | None:
        """All sites together, as the report's summary says it (per-site rows are partly
        blanked: a sum of the rows shown would mislead)."""
        found = overall_retention(self.result)
        if found is None:
            return None
        share, wave = found
        return {"share": percent(share, self.language), "wave": self._wave(wave)}

    def _attrition(self) -> list[dict]:
        frame = self.result.attrition
        if self.site:
            frame = frame[frame["site"] == self.site]
        blanks = self._blanks("attrition")
        return [
            {
                "site": self.site_names.get(row.site, row.site),
                "group": row.group,
                "wave": self._wave(row.wave),
                "n_baseline": blanks.count(row.Index, "n_baseline", row.n_baseline),
                "n_retained": blanks.count(row.Index, "n_retained", row.n_retained),
                "retention": blanks.percent(row.Index, "retention", row.retention),
            }
            for row in frame.itertuples()
        ]

    def _charts(self, wave_from: str, wave_to: str) -> list[str]:
        try:
            from analysis.charts import change_bars, forest_plot, to_svg
        except ImportError:  # the charts module ships separately; the tables still show
            return []
        charts = []
        for name, draw in zip(CHART_NAMES, (forest_plot, change_bars), strict=True):
            drawing = draw(
                self.result,
                self.scale,
                (wave_from, wave_to),
                language=self.language,
                site_names=self.site_names,
            )
            prefix = re.sub(r"[^\w-]", "-", f"{name}-{self.scale}")
            charts.append(inline_svg(to_svg(drawing, id_prefix=prefix)))
        return charts


@view_config(
    route_name="intervention.evaluate_job", permission="view_participants", request_method="POST"
)
def evaluate_job_start(context, request):
    """Work out the results page's figures in a job (evalsys.results.evaluate_job)."""
    params = {"language": _language(request)}
    job = enqueue(request, "evaluate", intervention=context.intervention, params=params)
    return HTTPSeeOther(request.route_url("job.show", id=job.id))


@view_config(route_name="intervention.report_pdf", permission="export", request_method="GET")
def report_pdf(context, request):
    """The PDF of the current data (not published); audited as an export by its permission.
    For more data than a page evaluates, the results page offers the report job instead."""
    intervention = context.intervention
    language = _language(request)
    settings = request.registry.settings
    if evaluate_job.too_large_for_a_page(request.dbsession, intervention, settings):
        return HTTPSeeOther(request.route_url("intervention.results", slug=intervention.slug))
    try:
        pdf, name = reports.current_pdf(request.dbsession, intervention, settings, language)
    except evaluation.NoResults:
        # the results page says what is missing
        return HTTPSeeOther(request.route_url("intervention.results", slug=intervention.slug))
    except reports.ReportUnavailable as error:
        raise HTTPServiceUnavailable(str(error)) from None
    return Response(
        body=pdf,
        content_type="application/pdf",
        content_disposition=f'attachment; filename="{name}"',
        cache_control="no-store",
    )


@view_config(route_name="intervention.report_job", permission="export", request_method="POST")
def report_job(context, request):
    """The same PDF made by a job (evalsys.results.report_job): for large data."""
    params = {"language": _language(request)}
    job = enqueue(request, "report", intervention=context.intervention, params=params)
    return HTTPSeeOther(request.route_url("job.show", id=job.id))
