"""Exports never lose a value to a name: items named like the fixed columns, a dummy, a renamed
item or a score keep their own columns in every format; names too long for SPSS or Stata are
shortened uniquely with the full name in the label; labels are cut by bytes, between
characters. Through the service, the web page and the command line: no export answers 500.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveys
from evalsys.cli import main as cli_main
from evalsys.db import get_engine, schema
from evalsys.db.transactions import get_session_factory
from evalsys.results import export_files, export_names, exports
from evalsys.settings import apply_environment

from ..world import sign_in
from . import export_reading, export_world
from .export_world import LONG_IDS, LONG_OPTION, LONG_TEXT

ALL_FORMATS = [f for f in exports.FORMATS if not f.startswith("r") or export_reading.RSCRIPT]


@pytest.fixture
def world(dbsession, tm):
    return export_world.build(dbsession, tm)


def test_fixed_columns_keep_their_names_and_colliding_items_get_their_own():
    plan = exports.layout(_intervention(export_world.clash_instrument()))
    names = [c.name for c in plan.columns]
    assert len(names) == len(set(names))
    assert names[:2] == ["participant_code", "site"]
    columns = {name: plan.items[name].id for name in plan.items}
    assert columns["item_site_2"] == "site"  # item_site is a real item: the next free name
    assert columns["item_participant_code"] == "participant_code"
    assert columns["item_site"] == "item_site" and columns["act__1"] == "act__1"
    assert plan.multiple["act__1_2"] == ("act", 1)  # the dummy steps aside for the item
    assert plan.multiple["act__2"] == ("act", 2)
    assert plan.scores["score_clash_2"] == ("clash", "clash")
    labels = {c.name: c.label for c in plan.columns}
    assert labels["item_site_2"] == "site: Waar woon je?"  # the codebook says which item


item_ids = st.sampled_from(
    [
        "site",
        "item_site",
        "item_site_2",
        "group",
        "wave",
        "act",
        "act__1",
        "act__1_2",
        "act__2",
        "score_clash",
        "score_clash_2",
        "participant_code",
        "q_T0",
        "q",
        "submitted_on",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(item_ids, min_size=1, max_size=10, unique=True), st.booleans())
def test_generated_names_never_share_a_column(ids, multiple_first):
    """Whatever the item ids, each answer (and each dummy) has a column of its own, in the
    long and the wide layout."""
    items = []
    for n, item_id in enumerate(ids):
        kind = "multiple_choice" if (n == 0) == multiple_first else "number"
        text = {"nl": item_id, "en": item_id}
        item = {"id": item_id, "type": kind, "text": text, "required": False}
        if kind == "number":
            item |= {"min": 0, "max": 1000}
        else:
            item["options"] = [{"value": v, "label": {"nl": "o", "en": "o"}} for v in (1, 2)]
        items.append(item)
    definition = export_world.clash_instrument() | {"items": items, "scales": []}
    plan = exports.layout(_intervention(definition))
    answers = {
        item["id"]: ([1] if item["type"] == "multiple_choice" else 100 + n)
        for n, item in enumerate(items)
    }
    row = SimpleNamespace(
        code="P1",
        slug="noord",
        group_name="intervention",
        label="T0",
        submitted_at=dt.datetime(2026, 1, 2),
        mode="paper",
        language="nl",
        duration_seconds=None,
        quality_flags=[],
        answers=answers,
        questionnaire_id=None,
    )
    record = exports._record(row, {}, plan)
    assert record["participant_code"] == "P1" and record["site"] == "noord"
    numbers = {name: plan.items[name].id for name in plan.items}
    assert {record[name] for name in numbers} == {
        v for v in answers.values() if not isinstance(v, list)
    }
    assert all(record[name] == answers[item_id] for name, item_id in numbers.items())
    dummies = [name for name, (item_id, value) in plan.multiple.items() if value == 1]
    assert all(record[name] == 1 for name in dummies)
    wide = exports.wide_columns(plan, ["T0", "T1", "0_T1"])
    assert len({c.name for c in wide}) == len(wide)


def _intervention(definition: dict):
    """An unsaved intervention holding one questionnaire version (what layout() reads)."""
    questionnaire = surveys.Questionnaire(
        id="x", version="1", title={"nl": "x"}, instruments=(surveys.parse_instrument(definition),)
    )
    row = SimpleNamespace(
        id=1, version=1, created_at=dt.datetime.now(), definition=questionnaire.to_dict(embed=True)
    )
    return SimpleNamespace(questionnaires=[row])


@given(st.lists(st.text(min_size=1, max_size=90), min_size=1, max_size=12))
@settings(max_examples=200, deadline=None)
def test_spss_and_stata_names_are_valid_and_unique(names):
    spss = export_names.spss_names(names)
    folded = [name.upper() for name in spss.values()]
    assert len(set(folded)) == len(set(names))
    for name in spss.values():
        assert len(name.encode()) <= 64 and name[0].isalpha() and name.isascii()
        assert name.upper() not in export_names.SPSS_RESERVED
    stata = export_names.stata_names(names)
    assert len(set(stata.values())) == len(set(names))
    for name in stata.values():
        assert len(name) <= 32 and not name[0].isdigit() and name.isascii()
        assert name not in export_names.STATA_RESERVED


@given(st.text(max_size=300), st.integers(min_value=4, max_value=256))
def test_a_label_cut_by_bytes_is_whole_characters_within_the_limit(text, limit):
    cut = export_names.cut_bytes(text, limit)
    assert len(cut.encode()) <= limit
    assert cut == text or (cut.endswith("…") and text.startswith(cut[:-1]))


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_value_survives_in_every_format(dbsession, world, tmp_path, fmt):
    path = tmp_path / f"export.{exports.EXTENSIONS[fmt]}"
    export_files.write_file(dbsession, world.intervention, fmt, str(path), language="nl")
    plan = exports.layout(world.intervention)
    columns = exports.rows_for(dbsession, world.intervention, fmt, plan)[1]
    rows = export_reading.read(path, fmt, [c.name for c in columns])
    wide = fmt in exports.WIDE_FORMATS
    assert len(rows) == len(world.answers) // (2 if wide else 1)
    named = {item.id: name for name, item in plan.items.items()}
    dummies = {key: name for name, key in plan.multiple.items()}
    for (code, wave), answers in world.answers.items():
        row = next(r for r in rows if r["participant_code"] == code and (wide or r["wave"] == wave))

        def cell(name, wave=wave, row=row):
            return row[f"{name}_{wave}"] if wide else row[name]

        for item_id, value in answers.items():
            if isinstance(value, list):
                for option in (1, 2, 3):
                    assert cell(dummies[(item_id, option)]) == int(option in value)
            elif fmt.startswith("r") and plan.items[named[item_id]].type == "single_choice":
                item = plan.items[named[item_id]]
                labels = {o.value: o.labels for o in item.options}[value]
                assert cell(named[item_id]) == labels["nl"]  # R: a factor's label
            else:
                assert cell(named[item_id]) == value, (item_id, code, wave)
        assert row["site"] in ("noord", "zuid")  # the site column is still the site


def test_a_long_name_is_shortened_in_the_sav_with_the_full_name_in_its_label(
    dbsession, world, tmp_path
):
    path = tmp_path / "export.sav"
    export_files.write_file(dbsession, world.intervention, "sav", str(path), language="nl")
    _frame, meta = pyreadstat.read_sav(str(path))
    short = export_names.spss_names(LONG_IDS)
    first, second = short[LONG_IDS[0]], short[LONG_IDS[1]]
    assert first != second and len(first) <= 64 and len(second) <= 64
    label = meta.column_names_to_labels[second]
    assert label.startswith(f"{LONG_IDS[1]}: Hoe vaak heb je")
    assert len(label.encode()) <= 256 and label.endswith("…")  # cut between characters
    option = meta.variable_value_labels["act__1"][2.0]
    assert option.startswith("Één keer") and len(option.encode()) <= 120
    assert LONG_OPTION.startswith(option[:-1])


def test_a_long_name_is_shortened_in_the_dta_with_labels_cut_to_80_characters(
    dbsession, world, tmp_path
):
    path = tmp_path / "export.dta"
    export_files.write_file(dbsession, world.intervention, "dta", str(path), language="nl")
    _frame, meta = pyreadstat.read_dta(str(path))
    short = export_names.stata_names(LONG_IDS)
    assert len({short[i] for i in LONG_IDS}) == 2
    label = meta.column_names_to_labels[short[LONG_IDS[0]]]
    assert label.startswith(LONG_IDS[0][:70]) and len(label) <= 80
    assert LONG_TEXT[:10] not in label or label.endswith("…")


@pytest.mark.parametrize("fmt", ["sav", "dta", "xlsx", "csv_wide", "sav_wide", "dta_wide"])
def test_the_web_page_downloads_the_awkward_names_without_an_error(testapp, world, fmt):
    sign_in(testapp, world.users["evaluator"])
    response = testapp.get(f"/i/{world.intervention.slug}/export.{fmt}", status=200)
    assert len(response.body) > 500
    media = exports.MEDIA_TYPES[fmt].split(";")[0]
    assert response.content_type == media


def test_the_page_lists_every_format(testapp, world):
    sign_in(testapp, world.users["evaluator"])
    page = testapp.get(f"/i/{world.intervention.slug}/results")
    for fmt in exports.FORMATS:
        assert f"export.{fmt}" in page.text


ROOT = Path(__file__).resolve().parents[3]


def test_the_command_writes_the_awkward_names_without_a_traceback(
    scratch_database, tmp_path, capsys
):
    settings = apply_environment(dict(scratch_database))
    engine = get_engine(settings)
    schema.upgrade(engine, settings)
    with get_session_factory(engine)() as session:
        tm = SimpleNamespace(commit=session.commit, begin=lambda: None)
        slug = export_world.build(session, tm, people=2).intervention.slug
        session.commit()
    engine.dispose()
    config = tmp_path / "evalsys.ini"
    config.write_text(
        (ROOT / "development.ini")
        .read_text()
        .replace(
            "sqlalchemy.url = sqlite:///%(here)s/var/evalsys.sqlite",
            f"sqlalchemy.url = {settings['sqlalchemy.url']}",
        )
    )
    for fmt in ("sav", "dta", "r", "csv_wide"):
        out = tmp_path / f"out-{fmt}.{exports.EXTENSIONS[fmt]}"
        args = ["export", str(config), "--intervention", slug, "--format", fmt]
        assert cli_main([*args, "--out", str(out)]) == 0
        assert "4 responses" in capsys.readouterr().out and out.stat().st_size > 500
