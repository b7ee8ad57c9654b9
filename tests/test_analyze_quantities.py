from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import SEED, need
from sitrep import settings
from sitrep.analyze import quantities
from sitrep.analyze.quantities import Quantity, find_quantities


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load(settings.get("spacy_model"))
    except OSError as exc:  # pragma: no cover - the pipeline is a dependency
        pytest.skip(f"spaCy pipeline not installed: {exc}")


@pytest.fixture(scope="module")
def seed_quantities(nlp):
    text = need(SEED).read_text("utf-8")
    return text, find_quantities(nlp(text))


def _by_value(found: list[Quantity]) -> dict:
    return {q.value: q for q in found}


@pytest.mark.parametrize(
    "sentence, text, value, unit, approximate, head",
    [
        # The seed's own phrasings.
        ("The Kremlin began deploying around 100,000 troops along its neighbor's eastern border.",
         "around 100,000 troops", 100000, "troops", True, "troops"),
        ("Washington promised to send 8,500 soldiers to Eastern Europe.", "8,500 soldiers", 8500, "soldiers", False,
         "soldiers"),
        ("Boeing, $ 2.5 billion clearance deal for the two 737 MAX aircraft disasters",
         "$ 2.5 billion", 2500000000, "USD", False, "$"),
        ("Boeing, $ 2.5 billion clearance deal for the two 737 MAX aircraft disasters",
         "two 737 MAX aircraft", 2, "aircraft", False, "aircraft"),
        # Wikinews sample sentences (data/sample/wikinews, CC BY 2.5).
        ("A total of 39 are confirmed dead, officials told state media.", "39", 39, "dead", False, "dead"),
        ("The 1973 building was home to over 1,000 people; 48 apartments were damaged.",
         "over 1,000 people", 1000, "people", True, "people"),
        ("The 1973 building was home to over 1,000 people; 48 apartments were damaged.",
         "48 apartments", 48, "apartments", False, "apartments"),
        ("Rescuers recovered at least ten survivors from the debris on Monday.",
         "at least ten survivors", 10, "survivors", True, "survivors"),
        ("Chelyabinsk regional Deputy Governor Oleg Klimov indicated 68 people were missing.",
         "68 people", 68, "people", False, "people"),
        # Hand-written news-like sentences.
        ("39 are confirmed dead.", "39", 39, "dead", False, "dead"),
        ("At least 12 were killed in the strike.", "At least 12", 12, "killed", True, "killed"),
        ("Dozens of people were killed in the shelling.", "Dozens of people", 24, "people", True, "people"),
        ("Tens of thousands of protesters marched in the capital.", "Tens of thousands of protesters", 20000,
         "protesters", True, "protesters"),
        ("Nearly two million people have fled the country.", "Nearly two million people", 2000000, "people", True,
         "people"),
        ("Up to 300 missiles were fired overnight.", "Up to 300 missiles", 300, "missiles", True, "missiles"),
        ("The army fired more than 5,000 rounds.", "more than 5,000 rounds", 5000, "rounds", True, "rounds"),
        ("Russia has massed some 130,000 troops near the border.", "some 130,000 troops", 130000, "troops", True,
         "troops"),
        ("The EU pledged €1.2bn in aid.", "€1.2bn", 1200000000, "EUR", False, "€"),
        ("The US$5bn package was approved.", "US$5bn", 5000000000, "USD", False, "US$"),
        ("Congress approved 40 billion dollars in aid.", "40 billion dollars", 40000000000, "USD", False, "dollars"),
        ("Prices rose by about 3 percent in March.", "about 3 percent", 3, "percent", True, "percent"),
        ("Turnout was 67%.", "67%", 67, "percent", False, "%"),
        ("The navy lost a dozen tanks and two F-16 jets.", "a dozen tanks", 12, "tanks", False, "tanks"),
        ("The navy lost a dozen tanks and two F-16 jets.", "two F-16 jets", 2, "jets", False, "jets"),
        ("Half a million people fled the fighting.", "Half a million people", 500000, "people", False, "people"),
        ("Twenty-five soldiers were captured.", "Twenty-five soldiers", 25, "soldiers", False, "soldiers"),
        ("Some 40 Patriot missiles were delivered.", "Some 40 Patriot missiles", 40, "missiles", True, "missiles"),
        ("The convoy stretched for 64 km.", "64 km", 64, "km", False, "km"),
        ("The shelling left 1.5 million displaced.", "1.5 million", 1500000, "displaced", False, "displaced"),
    ],
)
def test_quantities_find_quantities_values_units(nlp, sentence, text, value, unit, approximate, head):
    found = find_quantities(nlp(sentence))
    match = [q for q in found if q.text == text]
    assert match, (sentence, [(q.text, q.value, q.unit) for q in found])
    q = match[0]
    assert q.value == value and type(q.value) is type(value)
    assert q.unit == unit
    assert q.approximate is approximate
    assert sentence[q.head_start:q.head_end] == head
    assert sentence[q.start:q.end] == q.text


@pytest.mark.parametrize(
    "sentence, not_values",
    [
        ("Troops were deployed between November and December 2021.", {2021}),
        ("The documents were delivered on December 15, 2021.", {15, 2021}),
        ("Posted on Feb 1, 2022 at 14:56.", {1, 2022, 14, 56}),
        ("The second convoy arrived after the third attempt.", {2, 3}),
        ("Flight 752 crashed shortly after take-off.", {752}),
        ("Resolution 2231 and Article 5 still apply.", {2231, 5}),
        ("The new Boeing 737 Max was not airworthy.", {737}),
        ("A 45-year-old man was detained.", {45}),
        ("The talks lasted three days.", {3}),
        ("One of them was a child.", {1}),
        ("The 1973 building collapsed.", {1973}),
        ("He visited five times.", {5}),
    ],
)
def test_quantities_find_quantities_skips_dates_ranks_names(nlp, sentence, not_values):
    found = find_quantities(nlp(sentence))
    assert not {q.value for q in found} & not_values, [(q.text, q.value, q.unit) for q in found]


def test_quantities_find_quantities_range_is_approximate(nlp):
    sentence = "He was told of presumably between 36 and 40 people under the rubble."
    found = _by_value(find_quantities(nlp(sentence)))
    assert found[36].approximate and found[40].approximate
    assert found[36].unit == found[40].unit == "people"
    assert "40" not in found[36].text  # each number keeps its own span


def test_quantities_find_quantities_keeps_counts_with_acronyms(nlp):
    found = _by_value(find_quantities(nlp("The alliance sent 500 NATO soldiers and 300 US troops.")))
    assert found[500].unit == "soldiers"
    assert found[300].unit == "troops"


def test_quantities_find_quantities_seed(seed_quantities):
    text, found = seed_quantities
    values = _by_value(found)
    assert values[100000].unit == "troops" and values[100000].approximate
    assert values[8500].unit == "soldiers" and not values[8500].approximate
    assert values[2500000000].unit == "USD"
    assert values[2].unit == "aircraft"
    # Dates, times and the aircraft model are not quantities.
    for value in (2021, 2022, 26, 15, 17, 14, 31, 737):
        assert value not in values, value
    for q in found:
        assert text[q.start:q.end] == q.text
        assert q.start <= q.head_start < q.head_end <= len(text)


def test_quantities_quantity_is_frozen():
    q = Quantity(start=0, end=2, text="39", value=39, unit="dead", approximate=False, head_start=0, head_end=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.value = 40  # type: ignore[misc]


def test_quantities_load_lexicon_from_text():
    lex = quantities.load_lexicon("approximators: [up to, about]\nnumber_words: {two: 2}\n")
    assert lex.approximators == {"to": (("up", "to"),), "about": (("about",),)}
    assert lex.number_words == {"two": 2}
    assert lex.multipliers == {}


def test_quantities_lexicon_has_no_ordinals():
    lex = quantities.lexicon()
    for word in ("first", "second", "third", "tenth"):
        assert word not in lex.number_words


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(list("0123456789,.$%- \n") + ["around ", "troops ", "million ", "two ", "of ",
                                                          "dozens ", "people ", "up to ", "2021 ", "€", "bn "]),
             max_size=30).map("".join),
))
def test_quantities_find_quantities_never_crashes_and_offsets_slice(nlp, text):
    for q in find_quantities(nlp(text)):
        assert text[q.start:q.end] == q.text
        assert 0 <= q.start < q.end <= len(text)
        assert 0 <= q.head_start < q.head_end <= len(text)
        assert q.unit
        assert isinstance(q.value, (int, float))
