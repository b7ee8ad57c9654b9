"""Tests of the CAMEO ↔ PLOVER crosswalk."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.events.cameo import (
    UnknownCameoCode,
    cameo_entry,
    cameo_to_plover,
    crosswalk,
    load_crosswalk,
    normalize_code,
    parse_crosswalk,
    plover_to_cameo,
)
from sitrep.events.ontology import EVENT_TYPES, is_context, is_mode, modes


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("040", ("CONSULT", None)),
        ("041", ("CONSULT", "phone")),
        ("042", ("CONSULT", "visit")),
        ("0841", ("RETREAT", "release")),
        ("1123", ("ACCUSE", "allege")),
        ("090", ("ACCUSE", "investigate")),
        ("100", ("REQUEST", None)),
        ("1312", ("THREATEN", "restrict")),
        ("154", ("MOBILIZE", "troops")),
        ("173", ("COERCE", "arrest")),
        ("186", ("ASSAULT", "assassinate")),
        ("193", ("ASSAULT", "firearms")),
        ("2042", ("ASSAULT", "unconventional")),
        (42, ("CONSULT", "visit")),  # ints are zero-padded
    ],
)
def test_cameo_to_plover_reads_the_crosswalk(code, expected):
    assert cameo_to_plover(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("163", ("SANCTION", "discontinue")),  # manual 2.0: sanctions are SANCTION
        ("1712", ("ASSAULT", "destroy")),  # "destroy property"; the table had the mode seize
        ("175", ("ASSAULT", None)),  # the table put a context in the mode column
        ("085", ("RETREAT", None)),  # "ease" is no longer a mode
        ("0231", ("REQUEST", "assist")),  # CAMEO 02 appeals are requests
        ("176", ("COERCE", "cyber")),
        ("112", ("ACCUSE", "allege")),
    ],
)
def test_cameo_to_plover_applies_the_corrections(code, expected):
    assert cameo_to_plover(code) == expected
    assert cameo_entry(code).source == "correction"


def test_cameo_statements_have_no_plover_event():
    assert cameo_to_plover("010") is None
    assert cameo_to_plover("016") is None


def test_cameo_unlisted_code_takes_its_longest_prefix():
    assert cameo_to_plover("0459") == cameo_to_plover("045")
    assert cameo_to_plover("1959") == ("ASSAULT", "aerial")


def test_cameo_entry_carries_contexts_and_description():
    entry = cameo_entry("0332")
    assert entry.type == "AGREE" and "military" in entry.context
    assert "military aid" in entry.description
    assert all(is_context(c) for e in crosswalk().entries.values() for c in e.context)


@pytest.mark.parametrize("code", ["", "4", "12345", "04a", "174K", None])
def test_cameo_rejects_malformed_codes(code):
    with pytest.raises(UnknownCameoCode) as caught:
        normalize_code(code)
    assert caught.value.code == "E412"


def test_cameo_every_reading_is_a_valid_type_and_mode():
    for entry in crosswalk().entries.values():
        if entry.type is None:
            continue
        assert entry.type in EVENT_TYPES, entry
        assert entry.mode is None or is_mode(entry.type, entry.mode), entry


@pytest.mark.parametrize(
    ("event_type", "mode", "code"),
    [
        ("CONSULT", None, "040"),
        ("CONSULT", "phone", "041"),
        ("ASSAULT", None, "190"),
        ("ASSAULT", "heavy-weapons", "194"),
        ("MOBILIZE", "troops", "154"),
        ("ACCUSE", "investigate", "090"),
        ("FIGHT", None, "190"),  # older names work
        ("DEMAND", None, "100"),
    ],
)
def test_cameo_plover_to_cameo_exports_the_general_code(event_type, mode, code):
    assert plover_to_cameo(event_type, mode) == code


def test_cameo_round_trip_for_every_type_and_every_mode_with_a_code():
    for event_type in EVENT_TYPES:
        code = plover_to_cameo(event_type)
        assert cameo_to_plover(code)[0] == event_type
        for mode in modes(event_type):
            code = plover_to_cameo(event_type, mode)
            back = cameo_to_plover(code)
            assert back[0] == event_type
            # A mode without its own CAMEO code exports the type's general code.
            assert back[1] in (mode, None, "disapprove")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(c for c, e in crosswalk().entries.items() if e.type is not None and len(c) > 2)))
def test_cameo_export_of_a_reading_reads_back_as_the_same_type(code):
    event_type, mode = cameo_to_plover(code)
    assert cameo_to_plover(plover_to_cameo(event_type, mode))[0] == event_type


def test_cameo_parse_crosswalk_format():
    text = """# comment
04: CONSULT
041: CONSULT, phone,   # Discuss by telephone
091: ACCUSE, investigate, crime; corruption # Investigate crime, corruption
175: ASSAULT, pro_autocracy , military # first wins
175: ASSAULT, , # second
0813: RETREAT, ,   legal # Ease curfew
~~~~~
999: AGREE
"""
    table = parse_crosswalk(text)
    assert table["04"].type == "CONSULT"
    assert table["041"].mode == "phone" and table["041"].description == "Discuss by telephone"
    assert table["091"].context == ("crime", "corruption")
    assert table["175"].mode is None and table["175"].context == ("military",)  # unknown mode dropped
    assert "999" not in table  # after the end marker


def test_cameo_load_crosswalk_with_custom_corrections():
    table = load_crosswalk("040: CONSULT, ,  # Consult\n", "overrides:\n  '041': {type: CONSULT, mode: phone}\n")
    assert table.lookup("041").mode == "phone"
    assert table.lookup("0411").code == "041"
    assert table.lookup("05") is None
