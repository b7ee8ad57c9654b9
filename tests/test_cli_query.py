"""Query commands (timeline, dyads, actors, events --csv) as a user runs them, checked against
the API's answers over the same store."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from sitrep.api import create_app
from sitrep.store.record_queries import EVENT_CSV_COLUMNS


def sitrep(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"sitrep {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def api(records_store):
    return TestClient(create_app(str(records_store)))


def test_cli_timeline_json_matches_api_and_table_prints(records_store, api):
    db = str(records_store)
    data = json.loads(sitrep("timeline", "--db", db, "--by", "month", "--group", "quad", "--all", "--json").stdout)
    assert data == api.get("/api/timeline", params={"by": "month", "group": "quad"}).json()
    happened = json.loads(sitrep("timeline", "--db", db, "--by", "month", "--json").stdout)
    expected = api.get("/api/timeline", params={"by": "month", "factuality": "asserted,reported"}).json()
    assert happened == expected
    table = sitrep("timeline", "--db", db, "--by", "month", "--group", "quad").stdout
    assert "events per month by quad" in table and expected["items"][0]["period"] in table


def test_cli_timeline_csv_and_plot(records_store, tmp_path):
    out = tmp_path / "chart.png"
    proc = sitrep("timeline", "--db", str(records_store), "--by", "week", "--csv", "--plot", str(out))
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows and tuple(rows[0]) == ("period", "group", "count")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000


def test_cli_dyads_by_month_matches_api(records_store, api):
    rows = list(csv.DictReader(io.StringIO(sitrep("dyads", "--db", str(records_store), "--by", "month", "--all",
                                                  "--csv", "--limit", "500").stdout)))
    expected = api.get("/api/dyads", params={"by": "month"}).json()["items"]
    assert [(r["period"], r["actor"], r["recipient"], int(r["count"])) for r in rows] == [
        (d["period"], d["actor"], d["recipient"], d["count"]) for d in expected]


def test_cli_actors_json_and_bad_input(records_store, api):
    items = json.loads(sitrep("actors", "--db", str(records_store), "--limit", "5", "--json").stdout)
    assert items == api.get("/api/actors", params={"limit": 5}).json()["items"]
    bad = sitrep("timeline", "--db", str(records_store), "--by", "year", check=False)
    assert bad.returncode == 2 and "by must be one of day, week, month" in bad.stderr
    both = sitrep("actors", "--db", str(records_store), "--json", "--csv", check=False)
    assert both.returncode == 2


def test_cli_events_csv(records_store, api):
    proc = sitrep("events", "--db", str(records_store), "--all", "--actor", "RUS", "--csv", "--limit", "500")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert tuple(rows[0]) == EVENT_CSV_COLUMNS
    expected = api.get("/api/events", params={"actor": "RUS", "limit": 500}).json()["items"]
    assert sorted(r["id"] for r in rows) == sorted(e["id"] for e in expected)
    assert all(r["actor_code"] == "RUS" and r["sentence"] for r in rows)
