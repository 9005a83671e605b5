"""Turning survey form fields into answers, and answers back into hidden fields.

The survey keeps no server-side state between pages: each page carries the earlier pages'
answers as hidden fields, so the back button, a reload or a second device never lose or mix
answers, and the final page sends everything at once with one submission_id.
"""

from __future__ import annotations

from collections.abc import Iterable

import surveys
from surveys.validation import is_missing

ANSWER_PREFIX = "a."
#: The field of a number's missing-data codes ("Don't know") beside its box, on its page.
MISSING_PREFIX = "m."


def read_answers(params, blocks: Iterable[surveys.Instrument], prefix: str = "") -> dict:
    """Answers for the items of ``blocks`` from form fields named ``prefix + item id``.

    Values are converted with surveys.coerce_value; a value that cannot be converted is kept
    as text so that validation reports it (never silently dropped). A missing-data code
    ("Rather not say") is an answer like any other.
    """
    answers: dict = {}
    for block in blocks:
        for item in block.items:
            name = prefix + item.id
            if item.type == "multiple_choice":
                raw = [v for v in params.getall(name) if v != ""]
                if not raw:
                    continue
                cell = ";".join(raw)
            else:
                cell = params.get(name, "").strip()
                if cell == "" and item.type in ("number", "year"):
                    # Its missing-data codes are options of their own (MISSING_PREFIX): a
                    # number typed in wins over a code ticked (without script a radio
                    # cannot be unticked).
                    cell = params.get(MISSING_PREFIX + name, "").strip()
                if cell == "":
                    continue
            value, error = surveys.coerce_value(item, cell)
            answers[item.id] = cell if error is not None else value
    return answers


def hidden_fields(answers: dict) -> list[tuple[str, str]]:
    """(name, value) pairs that carry answers to the next page."""
    fields = []
    for item_id, value in answers.items():
        if is_missing(value):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        fields.extend((ANSWER_PREFIX + item_id, _text(v)) for v in values)
    return fields


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
