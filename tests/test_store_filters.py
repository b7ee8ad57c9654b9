"""The shared filter builder: one set of filters for documents, events and statements."""

from __future__ import annotations

import pytest

from sitrep.errors import InputRejected
from sitrep.events.ontology import ontology
from sitrep.store.filters import Filters, quad_types, where


def test_filters_of_parses_lists_and_drops_empty_values():
    f = Filters.of(type="ASSAULT, MOBILIZE", quad="", actor=None, q="troops", factuality=("asserted",))
    assert f.type == ("ASSAULT", "MOBILIZE") and f.quad is None and f.actor is None
    assert f.as_params() == {"type": "ASSAULT,MOBILIZE", "q": "troops", "factuality": "asserted"}
    assert Filters.of(**f.as_params()) == f
    assert f.without("type", "kind").type is None


@pytest.mark.parametrize("quad", sorted({t.quad_class for t in ontology().types.values()}))
def test_quad_types_cover_the_ontology(quad):
    types = quad_types([quad])
    assert types and all(ontology().types[t].quad_class == quad for t in types)


def test_where_ignores_filters_a_table_has_no_column_for():
    clauses, params = where("documents", Filters.of(actor="RUS", stance="deny", type="ASSAULT", source="bbc"))
    assert clauses == ["upper(d.source) = upper(?)"] and params == ["bbc"]
    clauses, _ = where("statements", Filters.of(stance="deny", type="ASSAULT"))
    assert clauses == ["upper(s.stance) = upper(?)"]


def test_where_intersects_type_and_quad():
    clauses, params = where("events", Filters.of(type="ASSAULT,AGREE", quad="material_conflict"))
    assert params == ["ASSAULT"]
    clauses, params = where("events", Filters.of(type="AGREE", quad="material_conflict"))
    assert "FALSE" in clauses


@pytest.mark.parametrize("filters, where_input", [
    (Filters.of(quad="sideways"), "sideways"),
    (Filters.of(since="2020-13-01"), "2020-13-01"),
    (Filters.of(doc_id="abc"), "abc"),
])
def test_where_rejects_bad_values_naming_the_input(filters, where_input):
    with pytest.raises(InputRejected) as info:
        where("events", filters)
    assert info.value.input == where_input and info.value.code == "E422"
