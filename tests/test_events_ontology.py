"""Tests of the PLOVER ontology data and its helpers."""

from __future__ import annotations

import pytest

from sitrep.errors import SitrepError
from sitrep.events.ontology import (
    EVENT_TYPES,
    InvalidEvent,
    UnknownEventType,
    is_context,
    is_cooperation,
    is_mode,
    is_sector,
    load_ontology,
    modes,
    normalize_context,
    normalize_mode,
    normalize_type,
    ontology,
    quad_class,
    quad_code,
    validate_event,
    validate_ontology,
)


def test_ontology_has_the_16_types_in_manual_order():
    assert tuple(ontology().types) == EVENT_TYPES
    assert len(EVENT_TYPES) == 16


def test_ontology_packaged_file_is_sound():
    assert validate_ontology() == []


@pytest.mark.parametrize(
    ("event_type", "quad"),
    [
        ("AGREE", "verbal_cooperation"),
        ("CONCEDE", "verbal_cooperation"),
        ("AID", "material_cooperation"),
        ("RETREAT", "material_cooperation"),
        ("REQUEST", "verbal_conflict"),
        ("THREATEN", "verbal_conflict"),
        ("SANCTION", "material_conflict"),  # manual 2.0; the 2016 table had it as verbal
        ("ASSAULT", "material_conflict"),
    ],
)
def test_ontology_quad_class(event_type, quad):
    assert quad_class(event_type) == quad


def test_ontology_quad_codes_are_1_to_4():
    assert {quad_code(t) for t in EVENT_TYPES} == {1, 2, 3, 4}
    assert quad_code("CONSULT") == 1 and quad_code("ASSAULT") == 4
    assert is_cooperation("AID") and not is_cooperation("PROTEST")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ASSAULT", ("ASSAULT", None)),
        ("assault", ("ASSAULT", None)),
        (" Consult ", ("CONSULT", None)),
        ("DEMAND", ("REQUEST", None)),
        ("DISAPPROVE", ("ACCUSE", "disapprove")),
        ("INVESTIGATE", ("ACCUSE", "investigate")),
        ("FIGHT", ("ASSAULT", None)),
    ],
)
def test_ontology_normalize_type(name, expected):
    assert normalize_type(name) == expected


@pytest.mark.parametrize("name", ["CRIME", "ATTACK", "", "yield"])
def test_ontology_normalize_type_rejects_unknown_names(name):
    with pytest.raises(UnknownEventType) as caught:
        normalize_type(name)
    assert caught.value.code == "E410"
    assert isinstance(caught.value, SitrepError)


@pytest.mark.parametrize(
    ("event_type", "mode", "expected"),
    [
        ("CONSULT", "phone", "phone"),
        ("ASSAULT", "targeted", "assassinate"),  # manual-only name
        ("COERCE", "martial-law", "curfew"),  # manual-only name
        ("PROTEST", "vandalize", "riot"),  # manual-only name
        ("PROTEST", "demo-org", "demo"),  # 2016 gold name
        ("PROTEST", "strike-hun", "hunger"),
        ("CONSULT", "host", "visit"),
        ("THREATEN", "curfew", "restrict"),
        ("FIGHT", "firearms", "firearms"),  # older type name
        ("DISAPPROVE", "", "disapprove"),  # the old name implies the mode
        ("ASSAULT", "other", None),
        ("ASSAULT", "no-such-mode", None),
        ("AGREE", None, None),
    ],
)
def test_ontology_normalize_mode(event_type, mode, expected):
    assert normalize_mode(event_type, mode) == expected


def test_ontology_modes_follow_the_codebook_list():
    assert "return" in modes("RETREAT")
    assert {"ban", "rights"} <= set(modes("THREATEN"))
    assert "vandalize" not in modes("PROTEST")
    assert "cyber" in modes("COERCE")
    assert {"execute", "assassinate", "massacre", "cleansing"} <= set(modes("ASSAULT"))
    assert "targeted" not in modes("ASSAULT")
    assert modes("AGREE") == ()
    assert modes("REQUEST") == modes("REJECT") == ("assist", "change", "yield", "meet")


def test_ontology_contexts_and_sectors():
    assert is_context("cyber") and is_context("military") and not is_context("refugees")
    assert normalize_context("humanitarian") == "human_security"
    assert normalize_context("Human Rights") == "human_rights"
    assert normalize_context("nonsense") is None
    assert len(ontology().contexts) == 37
    assert all(is_sector(s) for s in ("GOV", "MIL", "COP", "REB", "UAF", "JRN"))
    assert not is_sector("XYZ")


def test_ontology_validate_event_accepts_a_valid_event():
    validate_event("CONSULT", "phone", ["diplomatic"], "future")
    validate_event("AGREE")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("DEMAND",), "not a PLOVER event type"),  # old names are not valid on output
        (("CONSULT", "targeted"), "not a mode of CONSULT"),
        (("ASSAULT", None, ["refugees"]), "not a PLOVER context"),
        (("ASSAULT", None, (), "rumoured"), "not one of"),
    ],
)
def test_ontology_validate_event_rejects(args, fragment):
    with pytest.raises(InvalidEvent) as caught:
        validate_event(*args)
    assert fragment in caught.value.message
    assert caught.value.code == "E411"
    assert is_mode("CONSULT", "phone") and not is_mode("CONSULT", "targeted")


def test_ontology_validate_ontology_finds_problems_in_a_broken_file():
    text = """
quad_classes:
  verbal_cooperation: {code: 1, types: [AGREE]}
types:
  AGREE: {definition: x, modes: {}}
old_names:
  DEMAND: {type: REQUEST}
mode_aliases:
  AGREE: {foo: bar}
contexts: [military]
context_aliases: {war: combat}
"""
    problems = validate_ontology(load_ontology(text))
    joined = "\n".join(problems)
    assert "types are" in joined
    assert "DEMAND points at unknown type" in joined
    assert "AGREE/foo points at unknown mode" in joined
    assert "war points at unknown context" in joined


def test_ontology_load_rejects_a_type_without_quad_class():
    with pytest.raises(InvalidEvent):
        load_ontology("quad_classes: {}\ntypes:\n  AGREE: {definition: x}\n")
