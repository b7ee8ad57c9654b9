"""Linking parts on hand-built inputs: shingles, signatures, chains, stories, canonical events."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from conftest import SAMPLE


@pytest.fixture(scope="module")
def params():
    from sitrep.link.params import load_params

    return load_params()


@pytest.fixture(scope="module")
def articles():
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    docs = [d for d in documents_from([str(SAMPLE / "wikinews_2019.csv")]) if isinstance(d, Document)]
    return sorted(docs, key=lambda d: d.id)[:12]


def test_link_structure_tokens_keep_grammar_names_numbers():
    from sitrep.link.shingles import structure_tokens

    assert structure_tokens("Gold value hits record high in London, up 3.5%.") == [
        "gold", "_", "_", "_", "_", "in", "london", ",", "up", "3.5", "%", "."]


def test_link_signature_copy_spun_and_unrelated(articles, params):
    from sitrep.evaluate.duplicates import spin, syndicate
    from sitrep.link.duplicates import compare, signature

    base = articles[0]
    a = signature("a", base.text, params)
    copy = signature("b", syndicate(base.text, "wire.example"), params)
    spun = signature("c", spin(base.text, seed=1), params)
    other = signature("d", articles[1].text, params)
    m = compare(a, copy, params)
    assert m is not None and not m.spun and m.word_overlap >= params["duplicates"]["threshold"]
    s = compare(a, spun, params)
    assert s is not None and s.spun and s.similarity > s.word_overlap
    assert compare(a, other, params) is None


def test_link_short_text_not_indexed(params):
    from sitrep.link.duplicates import signature

    assert signature("x", "Too short to say anything about copies.", params) is None


def test_link_index_finds_copy_among_many(articles, params):
    from sitrep.evaluate.duplicates import syndicate
    from sitrep.link.duplicates import BandIndex, confirm, signature

    index = BandIndex(params)
    for s in (signature(d.id, d.text, params) for d in articles):
        if s:
            index.add(s)
    query = signature("copy", syndicate(articles[5].text, "wire.example"), params)
    candidates = [index.signatures[c] for c in index.candidates(query)]
    assert articles[5].id in {c.doc_id for c in candidates} and len(candidates) < len(articles)
    assert [m.other_id for m in confirm(query, candidates, params)] == [articles[5].id]


def test_link_band_keys_equal_bands_only():
    import numpy as np

    from sitrep.link.duplicates import band_keys

    a = np.arange(20, dtype=np.uint32)
    b = a.copy()
    b[7] = 999  # changes band 1 (rows 4-7) only
    ka, kb = band_keys(a, 5, 4)[0], band_keys(b, 5, 4)[0]
    assert [x == y for x, y in zip(ka, kb)] == [True, False, True, True, True]
    assert len(set(band_keys(np.zeros(20, dtype=np.uint32), 5, 4)[0])) == 5  # salted per band


def test_link_chain_original_is_earliest_and_delays(params):
    import numpy as np

    from sitrep.link.duplicates import Signature
    from sitrep.link.syndication import Member, chain_rows

    sig = lambda i: Signature(doc_id=i, words=np.arange(112, dtype=np.uint32), structure=np.arange(112, dtype=np.uint32))
    t = lambda h: datetime(2022, 2, 1, h, tzinfo=timezone.utc)
    members = [Member(id="late", source="b", published=t(12)), Member(id="first", source="a", published=t(9)),
               Member(id="undated", source="c", published=None)]
    rows = {r.doc_id: r for r in chain_rows(members, {m.id: sig(m.id) for m in members}, params)}
    assert set(rows) == {"late", "undated"}
    assert rows["late"].original_id == "first" and rows["late"].delay_seconds == 3 * 3600
    assert rows["undated"].delay_seconds is None


def test_link_timestamp_forms():
    from sitrep.link.syndication import timestamp

    assert timestamp("2022-02-01") == datetime(2022, 2, 1, tzinfo=timezone.utc)
    assert timestamp("2022-02-01T14:56:00Z").hour == 14
    assert timestamp("not a date") is None and timestamp(None) is None


def _sd(i, day, terms, **kw):
    from sitrep.link.stories import StoryDoc

    return StoryDoc(id=i, day=day, terms=terms, **kw)


def test_link_stories_join_within_window_only(params):
    from sitrep.link.stories import assign, story_id

    t = {"navalny": 3, "novichok": 2, "poisoned": 2, "berlin": 1}
    stored = [_sd("a" * 64, date(2020, 9, 2), t, story=story_id("a" * 64))]
    new = [_sd("b" * 64, date(2020, 9, 3), t), _sd("c" * 64, date(2020, 9, 30), t),
           _sd("d" * 64, date(2020, 9, 3), {"football": 3, "league": 2})]
    df = {"navalny": 3, "novichok": 3, "poisoned": 3, "berlin": 3, "football": 1, "league": 1}
    result = assign(new, stored, df, 100, params)
    assert result.story_of["b" * 64] == story_id("a" * 64)
    assert result.story_of["c" * 64] == story_id("c" * 64)  # same words, a month later: a new story
    assert result.story_of["d" * 64] == story_id("d" * 64)
    assert result.founded == [story_id("c" * 64), story_id("d" * 64)]


def test_link_stories_combined_bonus_from_shared_actors(params):
    from sitrep.link.stories import combined

    a = _sd("a", None, {}, actors=frozenset({"RUS:kremlin"}), places=frozenset({"moscow"}))
    b = _sd("b", None, {}, actors=frozenset({"RUS:kremlin"}), places=frozenset())
    w = params["stories"]["weights"]
    assert combined(0.1, a, b, w) == pytest.approx(w["text"] * 0.1 + w["actors"])


def _mention(i, **kw):
    from sitrep.link.canonical import Mention

    base = dict(id=i, doc_id="d" + i, type="ACCUSE", mode=None, factuality="asserted", actor_code="DEU",
                recipient_code="RUS", day=date(2020, 9, 2), precision="day", report_day=date(2020, 9, 2),
                location=None, story=None)
    base.update(kw)
    return Mention(**base)


@pytest.mark.parametrize("change, same", [
    ({}, True),
    ({"day": date(2020, 9, 3)}, True),                            # a day apart: time zones
    ({"day": date(2020, 9, 6)}, False),
    ({"day": date(2020, 9, 20), "precision": "month"}, True),      # "in September"
    ({"day": date(2020, 1, 1), "precision": "year"}, True),
    ({"recipient_code": None}, True),                             # unknown on one side
    ({"recipient_code": "UKR"}, False),
    ({"type": "THREATEN"}, False),
    ({"factuality": "reported"}, True),                           # both happened
    ({"factuality": "negated"}, False),
    ({"actor_code": None, "recipient_code": None}, False),        # nothing known in common
    ({"location": {"country": "DEU"}}, True),
])
def test_link_canonical_matches(params, change, same):
    from sitrep.link.canonical import Canonical, matches

    c = Canonical.found(_mention("1", location={"country": "DEU", "name": "Berlin"}))
    assert matches(c, _mention("2", **change), params) is same


def test_link_canonical_merge_keeps_finest_date_and_fills_codes(params):
    from sitrep.link.canonical import merge

    canonicals = []
    m1 = _mention("1", day=date(2020, 9, 1), precision="month", recipient_code=None, story="s1")
    m2 = _mention("2", day=date(2020, 9, 2), precision="day", story="s1")
    m3 = _mention("3", actor_code=None, recipient_code=None, story="s1")  # joins through its story
    attached = merge([m1, m2, m3], canonicals, params)
    assert len(canonicals) == 1 and len({c.id for c in attached.values()}) == 1
    c = canonicals[0]
    assert (c.day, c.precision, c.recipient_code) == (date(2020, 9, 2), "day", "RUS")


def test_meantime_topics_come_from_shared_centroid_instances_and_a_folder_without_listing_is_refused(tmp_path):
    from sitrep.errors import InputRejected
    from sitrep.evaluate.stories import centroid_instances, gold_topics

    listing = tmp_path / "list_instances.csv"
    listing.write_text(
        "#ID\tTYPE\tCLASS\tINSTANCE_NAME\tDESCR\tEXT_LINK\tCOMMENT\n"
        "A1\tENTITY\tORG\tAcme\t\t\tcentroid entity\n"
        "A2\tENTITY\tPER\tAcme's chief\t\t\tcentroid entity\n"
        "B1\tENTITY\tORG\tBeta\t\t\tcentroid entity\n"
        "X\tENTITY\tLOC\tParis\t\t\t\n",                      # not a centroid
        encoding="utf-8",
    )
    centroids = centroid_instances(tmp_path)
    assert centroids == {"A1", "A2", "B1"}
    instances = {
        "a": {"A1", "A2", "X"}, "b": {"A1", "A2"},   # two shared centroids: one topic
        "c": {"A1", "B1"},                            # alone, joins the topic it shares most with
        "d": {"B1", "X"}, "e": {"B1"},                # one shared centroid only: no topic of their own
        "f": {"X"},                                   # no centroid at all: no topic
    }
    topics = gold_topics(instances, centroids)
    assert topics["a"] == topics["b"] == topics["c"]
    assert topics["d"] == topics["e"] == topics["a"]  # share B1 with c, which is in a's topic
    assert "f" not in topics
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputRejected, match="list_instances.csv"):
        centroid_instances(empty)
