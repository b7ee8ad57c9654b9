from __future__ import annotations

import dataclasses
import time
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import SEED, need
from sitrep import settings
from sitrep.analyze import places
from sitrep.analyze.places import Gazetteer, Place, PlaceMention, find_places, normalize_name


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load(settings.get("spacy_model"))
    except OSError as exc:  # pragma: no cover - the pipeline is a dependency
        pytest.skip(f"spaCy pipeline not installed: {exc}")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def seed_mentions(nlp):
    text = need(SEED).read_text("utf-8")
    return text, find_places(nlp(text), doc_id="seed")


# --- gazetteer -------------------------------------------------------------------------------


def test_places_gazetteer_loads_fast():
    places._load.cache_clear()
    t0 = time.perf_counter()
    gaz = Gazetteer.load()
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0, f"gazetteer load took {elapsed:.2f} s"
    assert Gazetteer.load() is gaz  # cached


def test_places_gazetteer_counts(gaz):
    kinds = [p.kind for p in gaz]
    assert len(kinds) == len(gaz)
    assert kinds.count("country") >= 240
    assert kinds.count("admin1") >= 3000
    assert kinds.count("city") >= 30000
    assert kinds.count("region") >= 20


def test_places_gazetteer_file_is_compact_and_attributed():
    data = resources.files("sitrep.data").joinpath("gazetteer")
    assert len(data.joinpath("places.tsv.gz").read_bytes()) < 2_000_000
    licence = data.joinpath("LICENSE.md").read_text("utf-8")
    assert "GeoNames, https://www.geonames.org, CC BY 4.0" in licence


@pytest.mark.parametrize(
    "query, name, country, kind",
    [
        ("Kiev", "Kyiv", "UKR", "city"),
        ("Kyiv", "Kyiv", "UKR", "city"),
        ("Moscow", "Moscow", "RUS", "city"),
        ("Washington", "Washington", "USA", "city"),
        ("the United States", "United States", "USA", "country"),
        ("U.S.", "United States", "USA", "country"),
        ("Britain", "United Kingdom", "GBR", "country"),
        ("Russian Federation", "Russia", "RUS", "country"),
        ("Georgia", "Georgia", "GEO", "country"),
        ("Donbas", "Donbas", "UKR", "region"),
        ("Donbass", "Donbas", "UKR", "region"),
        ("Donetsk", "Donetsk", "UKR", "city"),
        ("Donetsk region", "Donetsk Oblast", "UKR", "admin1"),
        ("Luhansk", "Luhansk", "UKR", "city"),
        ("Lugansk", "Luhansk", "UKR", "city"),
        ("Crimea", "Crimea", "UKR", "admin1"),
        ("Kharkiv", "Kharkiv", "UKR", "city"),
        ("Kharkov", "Kharkiv", "UKR", "city"),
        ("Mariupol", "Mariupol", "UKR", "city"),
        ("Odessa", "Odesa", "UKR", "city"),
        ("Gaza", "Gaza", "PSE", "city"),
        ("the Gaza Strip", "Gaza Strip", "PSE", "admin1"),
        ("West Bank", "West Bank", "PSE", "admin1"),
        ("Idlib", "Idlib", "SYR", "city"),
        ("Idlib province", "Idlib Governorate", "SYR", "admin1"),
        ("Aleppo", "Aleppo", "SYR", "city"),
        ("Raqqa", "Ar Raqqah", "SYR", "city"),
        ("Geneva", "Geneva", "CHE", "city"),
        ("Eastern Europe", "Eastern Europe", None, "region"),
        ("Asia", "Asia", None, "region"),
        ("Florida", "Florida", "USA", "admin1"),
        ("New York", "New York City", "USA", "city"),
        ("Tigray", "Tigray", "ETH", "admin1"),
        ("Ukraine's", "Ukraine", "UKR", "country"),
    ],
)
def test_places_lookup_ranks_best_first(gaz, query, name, country, kind):
    best = gaz.lookup(query)[0]
    assert (best.name, best.country, best.kind) == (name, country, kind)


def test_places_lookup_country_before_capital_before_population(gaz):
    washington = gaz.lookup("Washington")
    assert washington[0].capital and washington[0].country == "USA"
    assert len(washington) > 2  # the state and the smaller towns are still candidates
    assert [p.kind for p in gaz.lookup("Georgia")][:2] == ["country", "admin1"]
    moscows = [p for p in gaz.lookup("Moscow") if p.kind == "city"]
    assert moscows[0].population > moscows[1].population


@pytest.mark.parametrize("query", ["", "   ", "Xqzvbnmland", "the", "Leave a Reply"])
def test_places_lookup_unknown_is_empty(gaz, query):
    assert gaz.lookup(query) == []
    assert gaz.resolve(query) is None


@pytest.mark.parametrize(
    "a, b",
    [("U.S.", "US"), ("Nur-Sultan", "nur sultan"), ("Sana'a", "Sanaa"), ("Khān Yūnis", "Khan Yunis"),
     ("the Hague", "Hague"), ("Kharkivs’ka", "Kharkivska")],
)
def test_places_normalize_name_merges_spellings(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_places_place_coordinates_are_plausible(gaz):
    kyiv = gaz.resolve("Kyiv")
    assert 50 < kyiv.lat < 51 and 30 < kyiv.lon < 31
    ukraine = gaz.country("UKR")
    assert (ukraine.lat, ukraine.lon) == (kyiv.lat, kyiv.lon)  # a country sits at its capital
    for place in gaz:
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert place.kind in places.KINDS and place.population >= 0


def test_places_records_are_frozen(gaz):
    place = gaz.resolve("Geneva")
    with pytest.raises(dataclasses.FrozenInstanceError):
        place.name = "Bern"  # type: ignore[misc]
    mention = PlaceMention(doc_id="d", start=0, end=6, text="Geneva", place=place, reason="preposition:in")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.reason = "x"  # type: ignore[misc]
    assert isinstance(place, Place)


# --- locative use ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, text, country, reason",
    [
        ("Talks were held in Geneva on Friday.", "Geneva", "CHE", "preposition:in"),
        ("Shelling was reported near Kharkiv overnight.", "Kharkiv", "UKR", "preposition:near+gazetteer"),
        ("NATO deployed more troops to Latvia and Romania.", "Latvia", "LVA", "preposition:to"),
        ("NATO deployed more troops to Latvia and Romania.", "Romania", "ROU", "conjunct:preposition:to"),
        ("The Kremlin repeats that the army is on Russian soil.", "Russian", "RUS", "modifier:soil"),
        ("Washington will send soldiers, but not on Ukrainian territory.", "Ukrainian", "UKR", "modifier:territory"),
        ("Russian forces were massed along the Ukrainian border.", "Ukrainian", "UKR", "modifier:border"),
        ("Fighting continued in the Donbas region.", "Donbas", "UKR", "modifier:region"),
        ("Residents fled from Mariupol as the siege tightened.", "Mariupol", "UKR", "preposition:from+gazetteer"),
        ("Airstrikes hit targets outside Idlib.", "Idlib", "SYR", "preposition:outside"),
        ("An explosion hit a market in Aleppo, Syria.", "Syria", "SYR", "apposition:preposition:in"),
        ("The convoy stopped 30 km north of Kyiv.", "Kyiv", "UKR", "of:north+gazetteer"),
        ("A building collapsed in Magnitogorsk, a city in the Ural region of Russia.", "Russia", "RUS", "of:region"),
        ("Israeli jets struck targets in the Gaza Strip.", "the Gaza Strip", "PSE", "preposition:in"),
        ("Settlers clashed with villagers across the West Bank.", "the West Bank", "PSE", "preposition:across"),
        ("Russia annexed Crimea in 2014.", "Crimea", "UKR", "object:annex+gazetteer"),
        ("Troops withdrew from Kherson.", "Kherson", "UKR", "preposition:from+gazetteer"),
    ],
)
def test_places_find_places_locative(nlp, sentence, text, country, reason):
    found = {m.text: m for m in find_places(nlp(sentence), doc_id="t")}
    assert text in found, (sentence, list(found))
    mention = found[text]
    assert mention.reason == reason
    assert mention.place is not None and mention.place.country == country
    assert sentence[mention.start:mention.end] == text
    assert mention.doc_id == "t"


@pytest.mark.parametrize(
    "sentence, text",
    [
        ("Moscow said it had not yet sent a reply.", "Moscow"),
        ("Washington promised to send 8,500 soldiers.", "Washington"),
        ("Officials criticised Washington's proposals.", "Washington"),
        ("Moscow had not yet sent Washington a final response.", "Washington"),
        ("The document submitted by Moscow contains questions.", "Moscow"),
        ("He was commenting in response to the United States.", "the United States"),
        ("The West threatens to impose new sanctions on Russia.", "Russia"),
        ("Disagreements between Russia and the United States became critical.", "Russia"),
        ("A military invasion would be very costly for Russia.", "Russia"),
        ("Kyiv urges calm and reiterates that Moscow has not gathered enough forces.", "Kyiv"),
        ("It is not clear whether the document was delivered before the UN Security Council met.",
         "the UN Security Council"),
        ("Russian troops are massing.", "Russian"),
    ],
)
def test_places_find_places_skips_actors(nlp, sentence, text):
    texts = [m.text for m in find_places(nlp(sentence), doc_id="t")]
    assert text not in texts, (sentence, texts)


def test_places_find_places_unresolved_place_is_kept(nlp):
    sentence = "The ship was last known to be in the Java Sea."
    found = {m.text: m for m in find_places(nlp(sentence), doc_id="t")}
    assert "the Java Sea" in found
    assert found["the Java Sea"].place is None
    assert found["the Java Sea"].reason == "preposition:in"


def test_places_find_places_seed_locatives(seed_mentions):
    text, mentions = seed_mentions
    by_text: dict[str, list[PlaceMention]] = {}
    for m in mentions:
        assert text[m.start:m.end] == m.text
        by_text.setdefault(m.text, []).append(m)
    assert by_text["Geneva"][0].place.country == "CHE"
    assert by_text["Latvia"][0].place.country == "LVA"
    assert by_text["Romania"][0].place.country == "ROU"
    assert by_text["Kiev"][0].place.name == "Kyiv"
    assert by_text["Eastern Europe"][0].place.kind == "region"
    assert by_text["Russian"][0].reason == "modifier:soil"
    # Every Moscow and Washington of the seed is an actor (metonymy), never a place.
    assert "Moscow" not in by_text and "Washington" not in by_text


def test_places_find_places_seed_counts_metonymy(nlp, seed_mentions):
    text, mentions = seed_mentions
    doc = nlp(text)
    gpes = [e for e in doc.ents if e.label_ == "GPE"]
    assert len(mentions) < len(gpes)  # most GPEs of the seed are actors
    assert len(mentions) >= 8


def test_places_load_rules_from_text():
    r = places.load_rules("locative_prepositions: [in]\ndemonyms: {martian: MRS}\n")
    assert r.locative_prepositions == frozenset({"in"})
    assert r.demonyms == {"martian": "MRS"}
    assert r.motion_heads == frozenset()


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(list("abKMR ,.'-\n") + ["in ", "Moscow ", "Kiev ", "to Latvia ", "The ", "said ",
                                                     "near Kharkiv ", "Russian soil ", "\u00e9", "the "]),
             max_size=30).map("".join),
))
def test_places_find_places_never_crashes_and_offsets_slice(nlp, text):
    for m in find_places(nlp(text), doc_id="h"):
        assert text[m.start:m.end] == m.text
        assert 0 <= m.start < m.end <= len(text)
        assert m.reason
