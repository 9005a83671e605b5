"""Every sentence of the PDF report, in Dutch (default, B1 in the summary) and English."""

from __future__ import annotations

from analysis.charts.texts import chart_text

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "lang": "nl-NL",
        "report": "Evaluatierapport",
        "programme_report": "Programmarapport",
        "page": "pagina {page} van ",
        "cover_intervention": "Interventie",
        "cover_period": "Periode",
        "cover_sites": "Locaties",
        "cover_design": "Onderzoeksopzet",
        "cover_report_date": "Datum rapport",
        "cover_data_taken": "Gegevens opgehaald op",
        "cover_version": "Versie",
        "cover_authors": "Opgesteld door",
        "cover_target": "Doelgroep",
        "cover_factors": "Beschermende factoren",
        "design_pre_post": "voor- en nameting zonder vergelijkingsgroep",
        "design_pre_post_comparison": "voor- en nameting met vergelijkingsgroep",
        "design_randomised": "gerandomiseerd onderzoek met controlegroep",
        "summary": "Samenvatting",
        "summary_intro": (
            "Dit rapport gaat over {intervention}. {n_sites} locaties deden mee. "
            "{n_participants} deelnemers vulden ten minste één vragenlijst in."
        ),
        "summary_claim_head": "Wat is de conclusie?",
        "summary_changes_head": "Wat veranderde er, en hoe zeker zijn we?",
        "summary_compare_head": "Kwam het door de interventie? Vergeleken met de andere groep:",
        "summary_can_head": "Wat kan dit onderzoek wel en niet laten zien?",
        "summary_dropout_head": "Wie deed mee tot het einde?",
        "change_better": (
            "{scale}, van {wave_from} naar {wave_to}: deelnemers gingen gemiddeld vooruit. "
            "Het verschil is {size}."
        ),
        "change_worse": (
            "{scale}, van {wave_from} naar {wave_to}: deelnemers gingen gemiddeld achteruit. "
            "Het verschil is {size}."
        ),
        "change_unclear": (
            "{scale}, van {wave_from} naar {wave_to}: we zien geen duidelijke verandering."
        ),
        "change_hidden": (
            "{scale}, van {wave_from} naar {wave_to}: te weinig deelnemers om iets te zeggen."
        ),
        "size_tiny": "heel klein",
        "size_small": "klein",
        "size_medium": "middelgroot",
        "size_large": "groot",
        "sure_ci": (
            "Het effect is {estimate} (d_z); met 95% zekerheid ligt het tussen {low} en {high}."
        ),
        "sure_pi": " Op een nieuwe locatie verwachten we tussen {low} en {high}.",
        "sure_pi_spread": " De locaties verschillen onderling veel.",
        "lower_better": " Bij deze schaal is een lagere score beter.",
        "compare_scale": "{scale}: {parts}.",
        "compare_part": (
            "bij {wave} {direction} ({d} standaarddeviatie; 95% zeker tussen {low} en {high})"
        ),
        "compare_better": "ging de interventiegroep meer vooruit",
        "compare_worse": "ging de interventiegroep minder vooruit",
        "compare_unclear": "was er geen duidelijk verschil",
        "can_pre_post": (
            "Dit onderzoek had geen vergelijkingsgroep. Het kan daarom hoogstens eerste "
            "aanwijzingen geven dat de interventie werkt. Deelnemers kunnen ook om andere "
            "redenen zijn veranderd."
        ),
        "can_pre_post_comparison": (
            "Dit onderzoek had een vergelijkingsgroep, maar deelnemers werden niet door loting "
            "verdeeld. Het kan hoogstens goede aanwijzingen geven. De groepen kunnen ook op "
            "andere punten verschillen."
        ),
        "can_randomised": (
            "Deelnemers werden door loting verdeeld over de groepen. Dit onderzoek kan sterke "
            "aanwijzingen geven, als het effect blijft tot de vervolgmeting."
        ),
        "dropout": (
            "Van de deelnemers die de eerste vragenlijst invulden, vulde {share} ook de "
            "laatste in ({wave})."
        ),
        "dropout_baseline": (
            " Wie stopte, scoorde bij de start anders dan wie bleef (zie hoofdstuk Respons)."
        ),
        "key_figures": "Kerncijfers",
        "key_intro": (
            "Per schaal en meetmoment: het gepoolde effect van de interventiegroep over alle "
            "locaties (d_z, random-effects), het 95%-betrouwbaarheidsinterval (BI), het "
            "voorspellingsinterval (VI) en de gecorrigeerde p-waarde."
        ),
        "scale": "Schaal",
        "waves": "Metingen",
        "group": "Groep",
        "sites_k": "Locaties",
        "n": "n",
        "pooled_dz": "d_z",
        "ci": "95%-BI",
        "pi": "VI",
        "i2": "I²",
        "p": "p",
        "p_adj": "p gecorr.",
        "ancova_d": "d t.o.v. vergel.",
        "results": "Resultaten per schaal",
        "site_table": "Per locatie ({group}, {wave_from}–{wave_to})",
        "site": "Locatie",
        "pairs": "Paren",
        "pre": "Voor (SD)",
        "post": "Na (SD)",
        "d_z": "d_z [95%-BI]",
        "g_av": "g_av [95%-BI]",
        "too_few": "minder dan {min_cell} deelnemers",
        "secondary": "niet getoond: zou een kleine groep verraden",
        "comparison_section": "Vergelijking met de vergelijkingsgroep",
        "comparison_intro": (
            "ANCOVA: verschil op de nameting tussen de groepen bij gelijke voormeting. "
            "Verschil-in-verschillen (DiD): verschil in gemiddelde verandering. Beide ook "
            "gestandaardiseerd (d). De rij 'alle' is over alle locaties samen."
        ),
        "n_int": "n interv.",
        "n_comp": "n vergel.",
        "ancova": "ANCOVA [95%-BI]",
        "did": "DiD [95%-BI]",
        "all_sites": "alle",
        "mixed": "Multilevelmodel",
        "mixed_intro": (
            "Lineair gemengd model per schaal met willekeurige intercepten voor locaties en "
            "deelnemers (REML). Het gebruikt ook deelnemers die een meting misten."
        ),
        "term": "Term",
        "estimate": "Schatting [95%-BI]",
        "se": "SE",
        "variance": "Variantiecomponenten",
        "component": "Component",
        "attrition": "Respons en uitval",
        "attrition_intro": (
            "Per locatie, groep en meting: deelnemers met een voormeting, hoeveel er nog "
            "meededen en het percentage dat bleef."
        ),
        "wave": "Meting",
        "n_baseline": "Voormeting",
        "n_retained": "Nog aanwezig",
        "n_dropped": "Uitgevallen",
        "retention": "Behoud",
        "baseline_diff": (
            "Verschilden de uitvallers bij de start van de blijvers? (d = uitvallers − blijvers)"
        ),
        "completers": "Blijvers",
        "dropouts": "Uitvallers",
        "quality": "Kwaliteit van de gegevens",
        "quality_intro": (
            "Aantal ingevulde vragenlijsten per locatie en meting, en hoe vaak een "
            "controle iets opmerkte. Aantallen onder {min_cell} staan als '< {min_cell}'."
        ),
        "quality_none": "Er zijn geen gegevens over de kwaliteit meegegeven.",
        "responses": "Vragenlijsten",
        "methods": "Methoden",
        "instruments": "Vragenlijsten",
        "instrument": "Vragenlijst",
        "citation": "Bron",
        "alpha": "α in deze steekproef",
        "licence": "Licentie",
        "analysis_methods": "Analyses",
        "suppression": "Bescherming van deelnemers",
        "suppression_text": (
            "Geen enkel cijfer in dit rapport gaat over minder dan {min_cell} deelnemers. "
            "Zulke cijfers staan als '< {min_cell}'. Soms is ook een ander cijfer weggelaten, "
            "omdat je het kleine cijfer anders zou kunnen terugrekenen (secundaire "
            "onderdrukking, Hundepool e.a. 2012). In dit rapport zijn {count} cellen "
            "weggelaten."
        ),
        "notes": "Opmerkingen bij de analyse",
        "limitations": "Beperkingen",
        "limit_ceiling": (
            "Opzet: {design}. Het hoogst haalbare niveau is '{ceiling}'; dit rapport "
            "concludeert '{level}'."
        ),
        "limit_attrition": (
            "Uitval: {share} van de deelnemers met een voormeting deed mee aan de laatste "
            "meting. De resultaten gaan alleen over wie bleef."
        ),
        "limit_translation": "Vertaling: {title}: {note}",
        "limit_reliable": (
            "Betrouwbare verandering gebruikt normgegevens (SD en betrouwbaarheid) uit een "
            "referentiegroep: {sources}."
        ),
        "appendix": "Bijlage: locaties",
        "site_details": "{municipality} {area} · {organisation}",
        "site_hidden": (
            "Voor deze locatie zijn geen cijfers te tonen: minder dan {min_cell} deelnemers."
        ),
        "level_no_indication": "geen aanwijzingen",
        "level_first_indication": "eerste aanwijzingen",
        "level_good_indication": "goede aanwijzingen",
        "level_strong_indication": "sterke aanwijzingen",
        "intervention": "interventiegroep",
        "none": "Geen gegevens.",
        "programme_intro": (
            "Overzicht van {count} interventies. Per interventie: de conclusie, de opzet en "
            "de gepoolde effecten per schaal."
        ),
        "programme_claims": "Conclusies naast elkaar",
        "programme_pooled": "Gepoolde effecten per schaal",
        "programme_line": "{intervention}: {level} ({design}; {n_sites} locaties, {n} deelnemers).",
        "refuse": (
            "Dit resultaat is niet door analysis.disclose gegaan (min_cell ontbreekt). Een "
            "rapport mag alleen beschermde cijfers tonen: roep eerst disclose(result) aan."
        ),
        "refuse_min_cell": (
            "Het resultaat is beschermd met min_cell={result}, maar het rapport belooft "
            "min_cell={meta}. Roep disclose(result, min_cell={meta}) aan."
        ),
    },
    "en": {
        "lang": "en-GB",
        "report": "Evaluation report",
        "programme_report": "Programme report",
        "page": "page {page} of ",
        "cover_intervention": "Intervention",
        "cover_period": "Period",
        "cover_sites": "Sites",
        "cover_design": "Design",
        "cover_report_date": "Report date",
        "cover_data_taken": "Data taken at",
        "cover_version": "Version",
        "cover_authors": "Written by",
        "cover_target": "Target group",
        "cover_factors": "Protective factors",
        "design_pre_post": "pre/post measurement without a comparison group",
        "design_pre_post_comparison": "pre/post measurement with a comparison group",
        "design_randomised": "randomised study with a control group",
        "summary": "Summary",
        "summary_intro": (
            "This report is about {intervention}. {n_sites} sites took part. "
            "{n_participants} participants filled in at least one questionnaire."
        ),
        "summary_claim_head": "What is the conclusion?",
        "summary_changes_head": "What changed, and how sure are we?",
        "summary_compare_head": "Was it the intervention? Compared with the comparison group:",
        "summary_can_head": "What can this study show, and what not?",
        "summary_dropout_head": "Who took part until the end?",
        "change_better": (
            "{scale}, from {wave_from} to {wave_to}: on average participants improved. "
            "The difference is {size}."
        ),
        "change_worse": (
            "{scale}, from {wave_from} to {wave_to}: on average participants got worse. "
            "The difference is {size}."
        ),
        "change_unclear": "{scale}, from {wave_from} to {wave_to}: we see no clear change.",
        "change_hidden": (
            "{scale}, from {wave_from} to {wave_to}: too few participants to say anything."
        ),
        "size_tiny": "very small",
        "size_small": "small",
        "size_medium": "medium",
        "size_large": "large",
        "sure_ci": "The effect is {estimate} (d_z); with 95% confidence between {low} and {high}.",
        "sure_pi": " At a new site we expect between {low} and {high}.",
        "sure_pi_spread": " The sites differ a lot from each other.",
        "lower_better": " On this scale a lower score is better.",
        "compare_scale": "{scale}: {parts}.",
        "compare_part": (
            "at {wave} {direction} ({d} standard deviations; 95% sure between {low} and {high})"
        ),
        "compare_better": "the intervention group improved more",
        "compare_worse": "the intervention group improved less",
        "compare_unclear": "no clear difference",
        "can_pre_post": (
            "This study had no comparison group. It can therefore give at most first "
            "indications that the intervention works. Participants may also have changed for "
            "other reasons."
        ),
        "can_pre_post_comparison": (
            "This study had a comparison group, but participants were not assigned by lot. "
            "It can give at most good indications. The groups may also differ in other ways."
        ),
        "can_randomised": (
            "Participants were assigned to the groups by lot. This study can give strong "
            "indications, if the effect lasts until the follow-up measurement."
        ),
        "dropout": (
            "Of the participants who filled in the first questionnaire, {share} also filled "
            "in the last one ({wave})."
        ),
        "dropout_baseline": (
            " Those who stopped scored differently at the start from those who stayed (see "
            "the chapter on response)."
        ),
        "key_figures": "Key figures",
        "key_intro": (
            "Per scale and wave pair: the pooled effect of the intervention group across all "
            "sites (d_z, random effects), the 95% confidence interval (CI), the prediction "
            "interval (PI) and the adjusted p-value."
        ),
        "scale": "Scale",
        "waves": "Waves",
        "group": "Group",
        "sites_k": "Sites",
        "n": "n",
        "pooled_dz": "d_z",
        "ci": "95% CI",
        "pi": "PI",
        "i2": "I²",
        "p": "p",
        "p_adj": "p (adj.)",
        "ancova_d": "d vs comparison",
        "results": "Results per scale",
        "site_table": "Per site ({group}, {wave_from}–{wave_to})",
        "site": "Site",
        "pairs": "Pairs",
        "pre": "Pre (SD)",
        "post": "Post (SD)",
        "d_z": "d_z [95% CI]",
        "g_av": "g_av [95% CI]",
        "too_few": "fewer than {min_cell} participants",
        "secondary": "not shown: would reveal a small group",
        "comparison_section": "Comparison with the comparison group",
        "comparison_intro": (
            "ANCOVA: difference at post-test between groups with equal pre-test. "
            "Difference-in-differences (DiD): difference in mean change. Both also "
            "standardised (d). The row 'all' is across all sites."
        ),
        "n_int": "n interv.",
        "n_comp": "n comp.",
        "ancova": "ANCOVA [95% CI]",
        "did": "DiD [95% CI]",
        "all_sites": "all",
        "mixed": "Mixed model",
        "mixed_intro": (
            "Linear mixed model per scale with random intercepts for sites and participants "
            "(REML). It also uses participants who missed a wave."
        ),
        "term": "Term",
        "estimate": "Estimate [95% CI]",
        "se": "SE",
        "variance": "Variance components",
        "component": "Component",
        "attrition": "Response and attrition",
        "attrition_intro": (
            "Per site, group and wave: participants with a baseline score, how many were "
            "still there, and the share who stayed."
        ),
        "wave": "Wave",
        "n_baseline": "Baseline",
        "n_retained": "Retained",
        "n_dropped": "Dropped",
        "retention": "Retention",
        "baseline_diff": (
            "Did dropouts differ at baseline from completers? (d = dropouts − completers)"
        ),
        "completers": "Completers",
        "dropouts": "Dropouts",
        "quality": "Data quality",
        "quality_intro": (
            "Questionnaires filled in per site and wave, and how often a check flagged "
            "something. Counts below {min_cell} show as '< {min_cell}'."
        ),
        "quality_none": "No data-quality figures were supplied.",
        "responses": "Questionnaires",
        "methods": "Methods",
        "instruments": "Questionnaires",
        "instrument": "Questionnaire",
        "citation": "Source",
        "alpha": "α in this sample",
        "licence": "Licence",
        "analysis_methods": "Analyses",
        "suppression": "Protecting participants",
        "suppression_text": (
            "No figure in this report is about fewer than {min_cell} participants. Such "
            "figures show as '< {min_cell}'. Sometimes another figure is left out too, "
            "because the small one could otherwise be worked out by subtraction (secondary "
            "suppression, Hundepool et al. 2012). This report leaves out {count} cells."
        ),
        "notes": "Notes on the analysis",
        "limitations": "Limitations",
        "limit_ceiling": (
            "Design: {design}. The highest level it can support is '{ceiling}'; this report "
            "concludes '{level}'."
        ),
        "limit_attrition": (
            "Attrition: {share} of the participants with a baseline score took part in the "
            "last wave. The results describe those who stayed."
        ),
        "limit_translation": "Translation: {title}: {note}",
        "limit_reliable": (
            "Reliable change uses norms (SD and reliability) from a reference group: {sources}."
        ),
        "appendix": "Appendix: sites",
        "site_details": "{municipality} {area} · {organisation}",
        "site_hidden": "No figures can be shown for this site: fewer than {min_cell} participants.",
        "level_no_indication": "no indication",
        "level_first_indication": "first indications",
        "level_good_indication": "good indications",
        "level_strong_indication": "strong indications",
        "intervention": "intervention group",
        "none": "No data.",
        "programme_intro": (
            "Overview of {count} interventions. Per intervention: the conclusion, the design "
            "and the pooled effects per scale."
        ),
        "programme_claims": "Conclusions side by side",
        "programme_pooled": "Pooled effects per scale",
        "programme_line": "{intervention}: {level} ({design}; {n_sites} sites, {n} participants).",
        "refuse": (
            "This result was not passed through analysis.disclose (min_cell is missing). A "
            "report may only show protected figures: call disclose(result) first."
        ),
        "refuse_min_cell": (
            "The result was protected with min_cell={result}, but the report promises "
            "min_cell={meta}. Call disclose(result, min_cell={meta})."
        ),
    },
}


class Texts:
    """The report's texts in one language: ``texts("summary")``, ``texts("dropout", share=...)``.

    Keys missing here fall back to the chart texts (group names and the like).
    """

    def __init__(self, language: str):
        if language not in TEXTS:
            raise ValueError(f"The language must be 'nl' or 'en'; got {language!r}.")
        self.language = language
        self._texts = TEXTS[language]

    def __call__(self, key: str, **values: object) -> str:
        if key not in self._texts:
            return chart_text(self.language, key, **values)
        return self._texts[key].format(**values)

    def raw(self, key: str) -> str:
        """The text ``key`` with its ``{placeholders}`` left in, to fill in later."""
        return self._texts[key]
