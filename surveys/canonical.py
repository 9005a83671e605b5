"""The canonical dict form of an instrument's parts, and the part of it a fingerprint covers."""

from __future__ import annotations

from typing import Any

# The parts are the Option, Group, Item and Scale of surveys.model, which imports this module:
# they are read by attribute only, so they are annotated as Any (no import back, no cycle).


def option_dict(option: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"value": option.value, "label": dict(option.labels)}
    if option.name is not None:
        out["name"] = option.name
    return out


def group_dict(group: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": group.id}
    if group.title:
        out["title"] = dict(group.title)
    if group.relevant is not None:
        out["relevant"] = group.relevant
    if group.parent is not None:
        out["parent"] = group.parent
    return out


def item_dict(item: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "text": dict(item.text),
        "required": item.required,
        "reverse": item.reverse,
    }
    if item.hint:
        out["hint"] = dict(item.hint)
    if item.options:
        out["options"] = [option_dict(o) for o in item.options]
    if item.min is not None:
        out["min"] = item.min
    if item.max is not None:
        out["max"] = item.max
    if item.max_length is not None:
        out["max_length"] = item.max_length
    if item.scores is not None:
        out["scores"] = {str(k): v for k, v in item.scores.items()}
    if item.relevant is not None:
        out["relevant"] = item.relevant
    if item.group is not None:
        out["group"] = item.group
    if item.missing:
        out["missing"] = [option_dict(o) for o in item.missing]
    if item.integer:
        out["integer"] = True
    if item.constraint is not None:
        out["constraint"] = item.constraint
    if item.constraint_message:
        out["constraint_message"] = dict(item.constraint_message)
    return out


def meaning(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition without the translations of its licence and reference sources and
    without the participant's section heading.

    They say nothing about what an answer means: leaving them out of the fingerprint keeps
    the one stored questionnaires hold when such a text is added.
    """
    outside = ("licence_translations", "section_title")
    meaning = {k: v for k, v in definition.items() if k not in outside}
    meaning["scales"] = [
        {k: v for k, v in scale.items() if k != "reference_source_translations"}
        for scale in definition["scales"]
    ]
    return meaning


def scale_dict(scale: Any) -> dict[str, Any]:
    return {
        "id": scale.id,
        "title": dict(scale.title),
        "items": list(scale.items),
        "method": scale.method,
        "min_items": scale.min_items,
        "range": list(scale.range),
        "bands": [
            {"id": b.id, "min": b.lo, "max": b.hi, "label": dict(b.labels)} for b in scale.bands
        ],
        "higher_is_better": scale.higher_is_better,
        "reference_sd": scale.reference_sd,
        "reliability": scale.reliability,
        "reference_source": scale.reference_source,
        "reference_source_translations": dict(scale.reference_source_translations),
        **(
            {"conversion": {f"{raw:g}": value for raw, value in scale.conversion.items()}}
            if scale.conversion is not None
            else {}
        ),
    }
