"""The sentences of the claim and of its design, in Dutch and English, and their numbers."""

from __future__ import annotations

import math

#: Key -> sentence, per language. The claim is built from these in :mod:`analysis.claims`;
#: the report reads the ``design_*`` and ``method_*`` keys too.
CLAIM_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "claim_none": "De gegevens laten niet zien dat de interventie werkt.",
        "claim_first": (
            "Eerste aanwijzingen voor effectiviteit: deelnemers gingen vooruit tussen de metingen."
        ),
        "claim_good_quasi": (
            "Goede aanwijzingen voor effectiviteit: deelnemers gingen meer vooruit dan de "
            "vergelijkingsgroep ({where})."
        ),
        "claim_good_randomised": (
            "Goede aanwijzingen voor effectiviteit: deelnemers gingen meer vooruit dan de "
            "controlegroep ({where})."
        ),
        "claim_strong": (
            "Sterke aanwijzingen voor effectiviteit: deelnemers gingen meer vooruit dan de "
            "controlegroep, en het verschil hield stand van de voormeting tot de vervolgmeting "
            "({where})."
        ),
        "design_pre_post": (
            "Zonder vergelijkingsgroep is niet zeker dat dit door de interventie komt."
        ),
        "design_quasi": (
            "Dit was een quasi-experimenteel onderzoek: er was een vergelijkingsgroep, maar "
            "zonder loting."
        ),
        "design_randomised": (
            "Dit was een gerandomiseerd onderzoek: de groepen zijn door loting verdeeld."
        ),
        "quasi_checks_passed": (
            "Het onderzoek was quasi-experimenteel (zonder loting), maar de groepen waren bij de "
            "start vergelijkbaar en ANCOVA en verschil-in-verschillen zijn het eens."
        ),
        "follow_up_unclear": (
            "Van de voormeting tot de vervolgmeting ({last}) was het verschil niet duidelijk; "
            "voor sterke aanwijzingen moet het zo lang blijven."
        ),
        "follow_up_missing": (
            "De vervolgmeting ({last}) is niet met de voormeting vergeleken, dus sterke "
            "aanwijzingen zijn niet te beoordelen."
        ),
        "follow_up_none": (
            "Voor sterke aanwijzingen moet het verschil blijven tot een vervolgmeting."
        ),
        "stepped_down": (
            "De vergelijking met de andere groep laat niet betrouwbaar zien dat de vooruitgang "
            "door de interventie komt: {reasons}."
        ),
        "stepped_down_none": (
            "De vergelijking met de andere groep laat geen betrouwbaar verschil zien: {reasons}."
        ),
        "reason_imbalanced": (
            "de groepen verschilden bij de start meer dan {limit} standaarddeviatie ({items}), "
            "en dan hangt de uitkomst af van de gekozen analyse"
        ),
        "item_imbalanced": "{where} ({d})",
        "reason_unchecked": (
            "bij {items} is niet na te gaan of de groepen bij de start vergelijkbaar waren"
        ),
        "reason_disagree": (
            "ANCOVA en verschil-in-verschillen (in standaarddeviaties) laten niet allebei een "
            "duidelijk verschil zien ({items})"
        ),
        "item_disagree": (
            "{where}, ANCOVA {ancova} (p = {p_ancova}), verschil-in-verschillen {did} (p = {p_did})"
        ),
        "none_both": (
            "Beide groepen gingen ongeveer evenveel vooruit, dus de vooruitgang komt niet "
            "aantoonbaar door de interventie."
        ),
        "none_not_more": (
            "De interventiegroep ging vooruit, maar niet duidelijk meer dan de vergelijkingsgroep."
        ),
        "none_only_comparison": (
            "De vergelijkingsgroep ging vooruit, de interventiegroep niet duidelijk."
        ),
        "none_nobody": "Geen van beide groepen ging duidelijk vooruit.",
        "none_nobody_alone": "De interventiegroep ging niet duidelijk vooruit.",
        "constant": (
            "Bij {where} veranderde iedere deelnemer precies evenveel. Dan bestaat er geen "
            "effectgrootte of toets, en telt die locatie niet mee in het gepoolde effect; "
            "betrouwbare verandering, die dat niet nodig heeft, staat in de tabel per locatie."
        ),
        "less_than": "< {value}",
    },
    "en": {
        "claim_none": "The data do not show that the intervention works.",
        "claim_first": (
            "First indications of effectiveness: participants improved between the measurements."
        ),
        "claim_good_quasi": (
            "Good indications of effectiveness: participants improved more than the comparison "
            "group ({where})."
        ),
        "claim_good_randomised": (
            "Good indications of effectiveness: participants improved more than the control "
            "group ({where})."
        ),
        "claim_strong": (
            "Strong indications of effectiveness: participants improved more than the control "
            "group, and the difference lasted from baseline until the follow-up measurement "
            "({where})."
        ),
        "design_pre_post": (
            "Without a comparison group this change cannot be attributed to the intervention "
            "with certainty."
        ),
        "design_quasi": (
            "This was a quasi-experimental study: there was a comparison group, but no "
            "randomisation."
        ),
        "design_randomised": "This was a randomised study: the groups were assigned by lot.",
        "quasi_checks_passed": (
            "The study was quasi-experimental (no randomisation), but the groups were comparable "
            "at baseline and ANCOVA and difference-in-differences agree."
        ),
        "follow_up_unclear": (
            "From baseline to the follow-up ({last}) the difference was not clear; strong "
            "indications need it to last that long."
        ),
        "follow_up_missing": (
            "The follow-up ({last}) was not compared with baseline, so strong indications "
            "cannot be judged."
        ),
        "follow_up_none": (
            "Strong indications also need the difference to last until a follow-up measurement."
        ),
        "stepped_down": (
            "The comparison with the other group does not show reliably that the improvement "
            "was due to the intervention: {reasons}."
        ),
        "stepped_down_none": (
            "The comparison with the other group shows no reliable difference: {reasons}."
        ),
        "reason_imbalanced": (
            "the groups differed by more than {limit} standard deviations at baseline "
            "({items}), and then the outcome depends on the analysis chosen"
        ),
        "item_imbalanced": "{where} ({d})",
        "reason_unchecked": "at {items} it cannot be checked whether the groups started alike",
        "reason_disagree": (
            "ANCOVA and difference-in-differences (in standard deviations) do not both show "
            "a clear difference ({items})"
        ),
        "item_disagree": (
            "{where}, ANCOVA {ancova} (p = {p_ancova}), difference-in-differences {did} "
            "(p = {p_did})"
        ),
        "none_both": (
            "Both groups improved about equally, so the improvement cannot be attributed to the "
            "intervention."
        ),
        "none_not_more": (
            "The intervention group improved, but not clearly more than the comparison group."
        ),
        "none_only_comparison": (
            "The comparison group improved; the intervention group did not clearly improve."
        ),
        "none_nobody": "Neither group clearly improved.",
        "none_nobody_alone": "The intervention group did not clearly improve.",
        "constant": (
            "At {where} every participant changed by exactly the same amount. Then there is no "
            "effect size or test, and that site does not count in the pooled effect; reliable "
            "change, which does not need one, is in the table per site."
        ),
        "less_than": "< {value}",
    },
}

LANGUAGES = tuple(CLAIM_TEXTS)


def claim_text(language: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``language`` ("nl" or "en"), ``values`` filled in."""
    return CLAIM_TEXTS[language][key].format(**values)


def decimal(value: float, language: str, decimals: int = 2) -> str:
    """``0.25`` as the language writes it (``0,25`` in Dutch); a minus sign, not a hyphen."""
    if not math.isfinite(value):
        return "–"
    text = f"{value:.{decimals}f}".replace("-", "−")
    return text.replace(".", ",") if language == "nl" else text


def p_text(value: float, language: str) -> str:
    """A p-value with three decimals, ``< 0.001`` below that."""
    if math.isfinite(value) and value < 0.001:
        return claim_text(language, "less_than", value=decimal(0.001, language, 3))
    return decimal(value, language, 3)
