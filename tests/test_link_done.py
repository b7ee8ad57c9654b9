"""Done-when tests of linking: one happening reported by several outlets is one canonical event
with several sources, and a spun copy is flagged and linked to its original.

The outlets' copies are made at test time from a real article of the bundled Wikinews sample.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest

from conftest import SAMPLE

TITLE = "Germany says Alexei Navalny poisoned with Novichok"


@pytest.fixture(scope="module")
def article():
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    docs = [d for d in documents_from([str(p) for p in sorted(SAMPLE.glob("*.csv"))]) if isinstance(d, Document)]
    [doc] = [d for d in docs if d.title == TITLE]
    return doc


def _write_outlets(path, article, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "date", "title", "text", "source"])
        writer.writerows(rows)


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory, article):
    from sitrep.evaluate.duplicates import spin
    from sitrep.pipeline import ingest
    from sitrep.store import Store

    tmp = tmp_path_factory.mktemp("outlets")
    day = date.fromisoformat(article.published[:10])
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
    wire = "BERLIN (Wire) - " + "\n\n".join(paragraphs)
    daily = "\n\n".join(paragraphs) + "\n\nThis report first appeared on a news wire."
    first = tmp / "first.csv"
    _write_outlets(first, article, [
        ["https://en.wikinews.org/a", article.published, article.title, article.text, "en.wikinews.org"],
        ["https://wire.example/a", article.published, article.title, wire, "wire.example"],
    ])
    later = tmp / "later.csv"
    _write_outlets(later, article, [
        ["https://daily.example/a", (day + timedelta(days=1)).isoformat(), article.title, daily, "daily.example"],
        ["https://spinner.example/a", (day + timedelta(days=2)).isoformat(), "Germany states Navalny poisoned",
         spin(article.text, seed=3), "spinner.example"],
    ])
    db = tmp / "store.duckdb"
    with Store(db) as store:
        first_report = ingest([str(first)], store)
        later_report = ingest([str(later)], store)
    assert (first_report.linked, later_report.linked) == (2, 2)
    return db


def test_link_same_report_from_several_outlets_is_one_canonical_event(linked_store):
    from sitrep.link.queries import query_canonical_events
    from sitrep.store import Store

    with Store(linked_store, read_only=True) as store:
        found = query_canonical_events(store.con, type="ACCUSE", actor="DEU", recipient="RUS", limit=None)
        mentions = store.con.execute(
            "SELECT count(*) FROM events WHERE type = 'ACCUSE' AND actor_code = 'DEU' AND recipient_code = 'RUS'").fetchall()[0][0]
    assert len(found) == 1, found
    event = found[0]
    assert event["num_sources"] >= 3 and event["num_mentions"] == mentions >= 3
    sources = {m["source"] for m in event["mentions"]}
    assert {"en.wikinews.org", "wire.example", "daily.example"} <= sources
    # Every source's evidence is reachable, and points at its own document's sentence.
    assert all(m["evidence"]["sentence"] for m in event["mentions"])
    assert event["first_report"] < event["last_report"]


def test_link_spun_copy_flagged_and_linked_to_original(linked_store, article):
    from sitrep.store import Store

    with Store(linked_store, read_only=True) as store:
        rows = store.con.execute(
            "SELECT d.source, o.source, x.spun, x.similarity, x.exact_overlap, x.delay_seconds, d.quality "
            "FROM duplicates x JOIN documents d ON d.id = x.doc_id JOIN documents o ON o.id = x.original_id "
            "ORDER BY d.source").fetchall()
    by_source = {r[0]: r for r in rows}
    assert set(by_source) == {"daily.example", "spinner.example", "wire.example"}
    assert {r[1] for r in rows} == {"en.wikinews.org"}  # the earliest version is the original
    spun = by_source["spinner.example"]
    assert spun[2] is True and spun[3] > spun[4]
    assert spun[5] == 2 * 86400
    quality = json.loads(spun[6])
    assert quality["spun"] is True and quality["near_duplicate_of"] == article.id
    wire = by_source["wire.example"]
    assert wire[2] is False and wire[5] == 0
    assert "spun" not in json.loads(wire[6])


def test_link_stories_group_the_outlets(linked_store):
    from sitrep.link.queries import list_stories
    from sitrep.store import Store

    with Store(linked_store, read_only=True) as store:
        stories = list_stories(store.con, limit=None)
    assert len(stories) == 1
    assert stories[0]["documents"] == 4 and len(stories[0]["sources"]) == 4
