"""Export writers: Parquet keeps one schema across batches, GEXF escapes labels, CSV cells."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pyarrow.parquet as pq

from sitrep.formats import csv_text, gexf, stream_parquet


def test_parquet_schema_fixed_when_first_batch_is_empty_in_a_column():
    rows = [{"name": "a", "lat": None, "start": None}] * 3 + [{"name": {"k": 1}, "lat": 1.5, "start": "7"}]
    data = b"".join(stream_parquet(rows, ("name", "lat", "start"), numeric={"lat": "float", "start": "int"}, batch=2))
    table = pq.read_table(io.BytesIO(data))
    assert [str(t) for t in table.schema.types] == ["string", "double", "int64"]
    assert table.to_pylist()[-1] == {"name": '{"k": 1}', "lat": 1.5, "start": 7}
    assert pq.read_table(io.BytesIO(b"".join(stream_parquet([], ("name",))))).num_rows == 0


def test_gexf_escapes_labels_and_keeps_weights():
    network = {
        "nodes": [{"id": "A&B", "label": '<script>"x"</script>', "weight": 3}, {"id": "C", "label": "C", "weight": 3}],
        "edges": [{"source": "A&B", "target": "C", "weight": 3, "types": {"ASSAULT": 2, "AGREE": 1}}],
    }
    root = ET.fromstring(gexf(network))
    ns = {"g": "http://gexf.net/1.3"}
    assert root.find(".//g:node", ns).get("label") == '<script>"x"</script>'
    edge = root.find(".//g:edge", ns)
    assert (edge.get("source"), edge.get("weight")) == ("A&B", "3")
    assert edge.find(".//g:attvalue", ns).get("value") == "AGREE:1;ASSAULT:2"


def test_csv_cells_null_and_nested():
    text = csv_text([{"a": None, "b": [1, 2], "c": "x,y"}], ("a", "b", "c"))
    assert text.splitlines() == ["a,b,c", ',"[1, 2]","x,y"']
