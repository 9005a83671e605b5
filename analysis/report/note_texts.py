"""A note about the analysis (analysis.notes.Note) in the reader's language, with names, not ids."""

from __future__ import annotations

from collections.abc import Callable

from analysis.report.texts import Texts


def note_text(
    note: str,
    texts: Texts,
    scale_name: Callable[[str], str] = str,
    site_name: Callable[[str], str] = str,
) -> str:
    """``note`` as ``texts`` words it (``note_<key>``); a note without a key as it is.

    Scale and site ids become their names and a group its word ("interventiegroep"), so the
    page and the PDF show what the reader knows, in the reader's language.
    """
    key = f"note_{getattr(note, 'key', '')}"
    if key not in texts:
        return str(note)
    values = dict(note.values)  # type: ignore[attr-defined]
    if "scale" in values:
        values["scale"] = scale_name(str(values["scale"]))
    if "scales" in values:
        values["scales"] = ", ".join(scale_name(str(s)) for s in values["scales"])
    if "site" in values:
        values["site"] = site_name(str(values["site"]))
    if "sites" in values:
        values["sites"] = ", ".join(site_name(str(s)) for s in values["sites"])
    if "group" in values:
        values["group"] = texts(str(values["group"]))
    return texts(key, **values)
