"""What the language checks of the report and the results page look for (tests only)."""

import re

# d_z and g_av are the effect sizes' names in the literature (Lakens 2013), written so on purpose
NOTATION = {"d_z", "g_av"}
IDENTIFIER = re.compile(
    r"\b[A-Za-z]+_[A-Za-z_]+\b"  # snake_case: straight_lining, djg_emotional
    r"|\b\w+\[[^\]]*\]"  # model terms: wave[T1], group[intervention]
    r"|\b[a-z]{2,}\d*\.[a-z_]{2,}\b"  # instrument.scale ids: brs.brs
)
URL = re.compile(r"https?://\S+|doi\.org/\S+")
# words that are common in one language and do not occur in the other
ENGLISH = {"the", "and", "with", "for", "are", "were", "from", "which", "than", "only", "site",
           "sites", "wave", "waves", "group", "participants", "left", "scale"}  # fmt: skip
# (not "de" and "van": the English report cites Van Breukelen and De Jong Gierveld)
DUTCH = {"het", "een", "en", "niet", "met", "voor", "zijn", "deelnemers", "locatie",
         "locaties", "meting", "groep", "bij", "naar", "ook"}  # fmt: skip


def identifiers(text: str) -> set[str]:
    """Programme identifiers in ``text`` (web addresses left out)."""
    return {token for token in IDENTIFIER.findall(URL.sub(" ", text)) if token not in NOTATION}


def other_language_words(text: str, language: str) -> set[str]:
    """Common words of the other language (nl <-> en) in ``text``."""
    words = set(re.findall(r"[a-zà-ÿ]+", URL.sub(" ", text).lower()))
    return words & (ENGLISH if language == "nl" else DUTCH)
