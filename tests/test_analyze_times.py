from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from sitrep.analyze.times import PRECISIONS, find_times
from sitrep.records import TimeRef

# The seed article was published on Tuesday 1 February 2022.
SEED_DATE = "2022-02-01"


def _times(text: str, anchor=SEED_DATE, **kwargs) -> list[TimeRef]:
    return find_times(text, doc_id="d", anchor=anchor, **kwargs)


def _one(text: str, expression: str, anchor=SEED_DATE) -> TimeRef:
    found = [r for r in _times(text, anchor) if r.text == expression]
    assert found, f"{expression!r} not found in {text!r}: {_times(text, anchor)}"
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "expression", "value", "precision"),
    [
        # The seed's own expressions, in sentences like the seed's.
        ("On Tuesday, February 1, the Russian Foreign Ministry denied the latest information.",
         "Tuesday, February 1", "2022-02-01", "day"),
        ("The agency reported this on the same Tuesday, quoting the deputy minister.",
         "the same Tuesday", "2022-02-01", "day"),
        ("The document presented by the White House on January 26 was studied.",
         "January 26", "2022-01-26", "day"),
        ("These documents were delivered to Washington on December 15, 2021.",
         "December 15, 2021", "2021-12-15", "day"),
        ("They were posted on the ministerial website on December 17.",
         "December 17", "2021-12-17", "day"),
        ("The last face-to-face talks were held on January 21 in Geneva.",
         "January 21", "2022-01-21", "day"),
        ("The cyber attack that hit government websites on January 14.",
         "January 14", "2022-01-14", "day"),
        ("CNN explained that on January 31, officials confirmed the receipt.",
         "January 31", "2022-01-31", "day"),
        ("The Kremlin began deploying troops between November and December 2021, it said.",
         "between November and December 2021", "2021-11/2021-12", "interval"),
        ("Washington asserts that it will do so in February.", "February", "2022-02", "month"),
        ("Phone talks between the ministers are expected on February 1.",
         "February 1", "2022-02-01", "day"),
        ("Posted on Feb 1, 2022 at 14:56 in Russia", "Feb 1, 2022 at 14:56",
         "2022-02-01T14:56", "time"),
        # A bare month-day is placed in the past unless a cue says the future.
        ("It was published on December 15.", "December 15", "2021-12-15", "day"),
        ("The plant will open on December 15.", "December 15", "2022-12-15", "day"),
        ("The summit on February 10 is the next step.", "February 10", "2022-02-10", "day"),
        # Weekdays resolve within the reporting week.
        ("The ministry denied it on Tuesday.", "Tuesday", "2022-02-01", "day"),
        ("The ministers spoke on Monday.", "Monday", "2022-01-31", "day"),
        ("He will arrive next Monday.", "next Monday", "2022-02-07", "day"),
        ("They will meet on Friday.", "Friday", "2022-02-04", "day"),
        ("Officials said last Friday that talks had failed.", "last Friday", "2022-01-28", "day"),
        ("Late Sunday, the shelling resumed.", "Late Sunday", "2022-01-30", "day"),
        ("The blast happened on Friday morning.", "Friday morning", "2022-01-28TMO", "time"),
        # Days, weeks, months, years relative to the publication date.
        ("It happened yesterday.", "yesterday", "2022-01-31", "day"),
        ("The president speaks today.", "today", "2022-02-01", "day"),
        ("He arrives tomorrow.", "tomorrow", "2022-02-02", "day"),
        ("The troops moved last week.", "last week", "2022-W04", "week"),
        ("The talks resume next week.", "next week", "2022-W06", "week"),
        ("Prices rose last month.", "last month", "2022-01", "month"),
        ("Exports rose this year.", "this year", "2022", "year"),
        ("Exports fell last year.", "last year", "2021", "year"),
        ("The drills began two days ago.", "two days ago", "2022-01-30", "day"),
        ("The plan was announced earlier this month.", "earlier this month", "2022-02", "month"),
        ("The envoy arrived this morning.", "this morning", "2022-02-01TMO", "time"),
        ("Shelling continued overnight.", "overnight", "2022-01-31TNI", "time"),
        # Absolute expressions.
        ("Russia annexed Crimea in 2014.", "2014", "2014", "year"),
        ("Sanctions were imposed in March 2014.", "March 2014", "2014-03", "month"),
        ("The deal was signed on 26 January 2022.", "26 January 2022", "2022-01-26", "day"),
        ("The file is dated 2021-12-15.", "2021-12-15", "2021-12-15", "day"),
        ("The letter of 12/15/2021 was leaked.", "12/15/2021", "2021-12-15", "day"),
        ("The order of 2022/01/28 was leaked.", "2022/01/28", "2022-01-28", "day"),
        ("Tensions rose through the 1990s.", "the 1990s", "199", "decade"),
        ("Profits fell in the third quarter of 2021.", "the third quarter of 2021", "2021-Q3",
         "quarter"),
        ("Growth slowed in the first half of 2021.", "the first half of 2021", "2021-H1", "half"),
        ("The offensive is expected this spring.", "this spring", "2022-SP", "season"),
        ("The war of the 20th century.", "the 20th century", "19", "century"),
        # Durations, sets and references.
        ("The exercises will last for three days.", "three days", "P3D", "duration"),
        ("A 30-year bond was issued.", "30-year", "P30Y", "duration"),
        ("Troops have been there for the past two months.", "the past two months", "P2M",
         "duration"),
        ("The conflict has gone on for years.", "years", "PXY", "duration"),
        ("Talks lasted five hours.", "five hours", "PT5H", "duration"),
        ("The agency publishes daily.", "daily", "P1D", "set"),
        ("Protests are held every Monday.", "every Monday", "XXXX-WXX-1", "set"),
        ("The ministry is now studying the answer.", "now", "PRESENT_REF", "reference"),
        ("The border was recently reinforced.", "recently", "PAST_REF", "reference"),
    ],
)
def test_times_values_against_publication_date(sentence, expression, value, precision):
    ref = _one(sentence, expression)
    assert (ref.value, ref.precision) == (value, precision)
    assert sentence[ref.start:ref.end] == ref.text == expression
    assert ref.doc_id == "d"


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("The Kremlin began deploying around 100,000 troops along the border.", "100,000"),
        ("Washington promised to send 8,500 soldiers to Eastern Europe.", "8,500"),
        ("Boeing, $ 2.5 billion clearance deal for the two 737 MAX aircraft disasters",
         "$ 2.5 billion"),
        ("Boeing, $ 2.5 billion clearance deal for the two 737 MAX aircraft disasters", "737"),
        ("Some 2000 troops crossed the river.", "2000"),
        ("The fund paid $ 2021 in fees.", "2021"),
        ("Turnout was 1999 percent of nothing.", "1999"),
        ("The vote was 45 to 12.", "45"),
        ("He may go; she will march on.", "may"),
        ("A 45-year-old man was arrested.", "45-year-old"),
    ],
)
def test_times_numbers_are_not_dates(sentence, number):
    start = sentence.index(number)
    end = start + len(number)
    overlapping = [r for r in _times(sentence) if r.start < end and start < r.end]
    assert overlapping == []


def test_times_seed_article_expressions(seed_path):
    text = seed_path.read_text("utf-8")
    refs = _times(text)
    by_text: dict[str, set[str]] = {}
    for r in refs:
        assert text[r.start:r.end] == r.text
        by_text.setdefault(r.text, set()).add(r.value)
    expected = {
        "Tuesday, February 1": {"2022-02-01"},
        "the same Tuesday": {"2022-02-01"},
        "January 26": {"2022-01-26"},
        "December 15, 2021": {"2021-12-15"},
        "December 17": {"2021-12-17"},
        "January 21": {"2022-01-21"},
        "January 14": {"2022-01-14"},
        "January 31": {"2022-01-31"},
        "between November and December 2021": {"2021-11/2021-12"},
        "February": {"2022-02"},
    }
    for expression, values in expected.items():
        assert by_text.get(expression) == values, (expression, by_text)
    for number in ("100,000", "8,500", "2.5 billion", "737"):
        at = text.index(number)
        assert not [r for r in refs if r.start < at + len(number) and at < r.end], number


def test_times_without_anchor_keeps_only_absolute_values():
    text = "It was signed on December 15, 2021, revised on January 26 and again yesterday, in 2021."
    found = {(r.text, r.value) for r in _times(text, anchor=None)}
    assert found == {("December 15, 2021", "2021-12-15"), ("2021", "2021")}


@pytest.mark.parametrize("anchor", ["2022-02-01", "2022-02-01T14:56:00", dt.date(2022, 2, 1),
                                    dt.datetime(2022, 2, 1, 14, 56)])
def test_times_anchor_forms(anchor):
    assert _one("It happened yesterday.", "yesterday", anchor).value == "2022-01-31"


def test_times_anchor_rejects_garbage():
    with pytest.raises(ValueError, match="ISO 8601"):
        _times("yesterday", anchor="last Tuesday")


def test_times_anaphora_follow_the_date_in_question():
    text = ("Third-quarter profit rose to $5 million from $3 million a year earlier. "
            "In the year-ago quarter, sales were flat.")
    refs = {r.text: r.value for r in _times(text, anchor="1989-10-26")}
    assert refs["Third-quarter"] == "1989-Q3"
    assert refs["a year earlier"] == "1988-Q3"
    assert refs["the year-ago quarter"] == "1988-Q3"


def test_times_later_day_leans_on_the_last_date():
    text = "The fighting began on March 3, 2020. The next morning, the town fell."
    assert _one(text, "The next morning").value == "2020-03-04TMO"


def test_times_clock_joins_its_date():
    text = "The strike came at 5 p.m. EST, Nov. 6, officials said."
    assert _one(text, "5 p.m. EST, Nov. 6", anchor="1989-10-30").value == "1989-11-06T17:00"


def test_times_records_are_sorted_and_disjoint():
    text = ("On Tuesday, February 1, 2022 at 14:56 officials said that last week, two days "
            "ago and earlier this month the troops moved; they will leave next Monday.")
    refs = _times(text)
    assert len(refs) >= 5
    for a, b in zip(refs, refs[1:]):
        assert a.end <= b.start


def test_times_candidates_fall_back_to_dateparser():
    text = "The statement was dated 2022.01.28 by the ministry."
    assert _times(text) == []
    start = text.index("2022.01.28")
    refs = _times(text, candidates=[(start, start + len("2022.01.28")), (0, 3), (-5, 2)])
    assert [(r.text, r.value, r.precision) for r in refs] == [("2022.01.28", "2022-01-28", "day")]


def test_times_candidates_never_override_rules():
    text = "It happened on January 26."
    start = text.index("January")
    refs = _times(text, candidates=[(start - 3, start + 10)])
    assert [(r.text, r.value) for r in refs] == [("January 26", "2022-01-26")]


def test_times_precision_vocabulary_is_documented():
    import sitrep.analyze.times as times

    for precision in PRECISIONS:
        assert f"``{precision}``" in times.__doc__


_TIMEY = st.sampled_from(
    ["January", "may", "March", "Tuesday", "the", "same", "last", "next", "week", "year", "ago",
     "two", "a", "days", "2021", "1989", "15,", "26", "at", "14:56", "p.m.", "between", "and",
     "December", "quarter", "third-quarter", "year-earlier", "earlier", "this", "month", "now",
     "'82", "1990s", "Q3", "every", "half", "of", "spring", "Christmas", "100,000", "$",
     "8,500", "737", "-", "/", "12/15/2021", "2021-12-15", "on", "yesterday", "morning", "ſ"]
)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_TIMEY, max_size=25), seps=st.lists(st.sampled_from([" ", ", ", ". ", "\n"]),
                                                          min_size=25, max_size=25))
def test_times_property_timey_text_never_crashes(words, seps):
    text = "".join(w + s for w, s in zip(words, seps))
    _check_invariants(text)


@hsettings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_times_property_random_text_never_crashes(text):
    _check_invariants(text)


def _check_invariants(text: str) -> None:
    for anchor in (SEED_DATE, None):
        refs = find_times(text, doc_id="p", anchor=anchor)
        previous_end = 0
        for r in refs:
            assert 0 <= r.start < r.end <= len(text)
            assert r.text == text[r.start:r.end]
            assert r.value
            assert r.precision in PRECISIONS
            assert r.start >= previous_end
            previous_end = r.end


# ---------------------------------------------------------------------------------------------
# The parse: the tense of the governing verb decides the direction of a bare month or weekday


@pytest.fixture(scope="module")
def nlp():
    from sitrep.analyze.nlp import PipelineUnavailable, load_pipeline

    try:
        return load_pipeline()
    except PipelineUnavailable as exc:  # pragma: no cover - the pipeline ships with the venv
        pytest.skip(str(exc))


@pytest.mark.parametrize(
    ("sentence", "expression", "anchor", "plain", "parsed"),
    [
        # A past tense settles the past, even when the month lies close ahead.
        ("In January, American Medical brought in a new chief executive.", "January",
         "1989-10-27", "1990-01", "1989-01"),
        # "will" settles the future.
        ("The monarch will meet Bush on Thursday in Maine.", "Thursday", "1990-08-15",
         "1990-08-16", "1990-08-16"),
        # The verb of the main clause, not the nearest word ("vacation plans" leans ahead).
        ("On Friday, when Albright set aside vacation plans to attend the service, the crowd "
         "was quiet.", "Friday", "1998-08-17", "1998-08-21", "1998-08-14"),
        ("The company changed from a fiscal year to a calendar year in December.", "December",
         "1989-10-27", "1989-12", "1988-12"),
    ],
)
def test_times_parse_tense_decides_direction(nlp, sentence, expression, anchor, plain, parsed):
    assert _one(sentence, expression, anchor=anchor).value == plain
    refs = _times(sentence, anchor=anchor, doc=nlp(sentence))
    assert [r.value for r in refs if r.text == expression] == [parsed]


def test_times_parse_leaves_noun_attached_dates_to_the_cues(nlp):
    # "payable Dec. 15" hangs off a noun: the past tense of "declared" says nothing about it.
    text = "Oneida declared a 10% stock dividend, payable Dec. 15 to stock of record Nov. 17."
    refs = {r.text: r.value for r in _times(text, anchor="1989-10-26", doc=nlp(text))}
    assert refs == {"Dec. 15": "1989-12-15", "Nov. 17": "1989-11-17"}


def test_times_doc_of_another_text_does_not_break(nlp):
    text = "Officials met on Friday."
    other = nlp("Short.")
    assert [r.value for r in _times(text, doc=other)] == [r.value for r in _times(text)]


def test_times_analyze_stage_passes_its_parse():
    from sitrep.analyze import analyze_text

    analysis = analyze_text("In January, American Medical brought in a new chief executive.",
                            published="1989-10-27", steps=("times",))
    assert [t.value for t in analysis.times] == ["1989-01"]


@pytest.mark.parametrize(
    ("sentence", "expression", "anchor", "value"),
    [
        ("Car sales rebounded in the last week of March.", "the last week of March",
         "2009-04-01", "2009-W13"),
        ("Sales rose in the first week of June 2021.", "the first week of June 2021",
         "2022-02-01", "2021-W23"),
        # A fiscal quarter is named by the calendar quarter holding most of it.
        ("In the quarter ended July 31, Jayark had an average of 100 stores.", "the quarter",
         "1989-10-30", "1989-Q2"),
        ("Revenue was $980 million in the year ended March 31.", "the year", "1989-10-31",
         "P1Y"),
        ("Ford cut its costs to $118.3 billion last year, $19.8 billion less than the year "
         "previous.", "the year previous", "2010-01-28", "2008"),
        # "a.m." does not end a sentence: "until" still reaches the weekday.
        ("INS extended its deadline until 9 a.m. EST Tuesday.", "9 a.m. EST Tuesday",
         "2000-04-03", "2000-04-04T09:00"),
        ("Apple's CEO gives the opening keynote to WWDC 2005 in June.", "2005", "2005-06-01",
         "2005"),
    ],
)
def test_times_periods_and_names(sentence, expression, anchor, value):
    assert _one(sentence, expression, anchor=anchor).value == value


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("This is VOA Today.", "Today"),
        ('James Baker said on ABC\'s "This Week With David Brinkley" that it would end.',
         "This Week"),
        ("The Russell 2000 Index of smaller companies dropped by four percent.", "2000"),
        ("He spoke against the now-cancelled deal to lease tankers.", "now"),
        ("He was last seen Nov. 3, the day before authorities issued a warrant.", "the day"),
        ("A poster showed Gary Cooper in High Noon.", "Noon"),
        ("Three quarters of the budget goes to the army.", "quarters"),
        ("In the days before the attack, he fled.", "days"),
        ("Police arrested him in the early hours of Thursday.", "hours"),
        ("He hosted Imus in the Morning for decades.", "Morning"),
        ("The index was averaged over the years 2005-2015.", "the years"),
    ],
)
def test_times_names_and_prefixes_are_not_times(sentence, words):
    start = sentence.index(words)
    end = start + len(words)
    assert [r for r in _times(sentence) if r.start < end and start < r.end] == []


# ---------------------------------------------------------------------------------------------
# Fractions, seasons across the new year, parts of the day, sets and fiscal-year codes


@pytest.mark.parametrize(
    ("sentence", "expression", "anchor", "value", "precision"),
    [
        # A fraction goes into the next smaller unit, after the whole units.
        ("The refugees lived in the camps for 3 1/2 years.", "3 1/2 years", SEED_DATE,
         "P3Y6M", "duration"),
        ("The envoy spent about 4 1/2 hours in the capital.", "4 1/2 hours", SEED_DATE,
         "PT4H30M", "duration"),
        ("The blockade lasted two and a half days.", "two and a half days", SEED_DATE,
         "P2DT12H", "duration"),
        ("The siege went on for a year and a half.", "a year and a half", SEED_DATE,
         "P1Y6M", "duration"),
        ("The shelling stopped for half an hour.", "half an hour", SEED_DATE, "PT30M",
         "duration"),
        ("A minute and a half later, the second blast came.", "A minute and a half", SEED_DATE,
         "PT1M30S", "duration"),
        ("The rebels took the town a year and a half ago.", "a year and a half ago",
         "2022-02-01", "2020", "year"),
        # "last" as a verb is no part of the duration.
        ("Officials expect the truce to last two more weeks.", "two more weeks", SEED_DATE,
         "P2W", "duration"),
        # A winter runs into the next year: in February, "last winter" began two Decembers
        # ago, and "this winter" is the one under way.
        ("Gas ran short last winter.", "last winter", "2022-02-10", "2020-WI", "season"),
        ("Gas is short this winter.", "this winter", "2022-02-10", "2021-WI", "season"),
        ("Gas ran short last winter.", "last winter", "2022-07-10", "2021-WI", "season"),
        # Parts of the day lean on the day last mentioned.
        ("The ceasefire began on Monday. Shelling resumed in the evening.", "the evening",
         SEED_DATE, "2022-01-31TEV", "time"),
        ("Shares of the arms maker fell in morning trading.", "morning", SEED_DATE,
         "2022-02-01TMO", "time"),
        ("The envoy left on Sunday, and talks ended later in the day.", "later in the day",
         SEED_DATE, "2022-01-30", "day"),
        ("The convoy will leave at 4 in the morning.", "4 in the morning", SEED_DATE,
         "2022-02-01T04:00", "time"),
        ("The curfew starts at 10 in the evening.", "10 in the evening", SEED_DATE,
         "2022-02-01T22:00", "time"),
        ("At mid-afternoon yesterday the shares were up.", "mid-afternoon yesterday",
         SEED_DATE, "2022-01-31TAF", "time"),
        # A week named by one of its days.
        ("A hearing is set for the week of March 7.", "the week of March 7", SEED_DATE,
         "2022-W10", "week"),
        # Recurrences.
        ("Flights leave on Monday and Wednesday nights.", "Wednesday nights", SEED_DATE,
         "XXXX-WXX-3TNI", "set"),
        ("Flights leave on Monday and Wednesday nights.", "Monday", SEED_DATE,
         "XXXX-WXX-1TNI", "set"),
        ("The border market opens on weekends.", "weekends", SEED_DATE, "XXXX-WXX-WE", "set"),
        # Half a month is the month; the second of two days is a date of its own.
        ("Talks resume in the second half of February.", "the second half of February",
         SEED_DATE, "2022-02", "month"),
        ("Sales fell in the first half of March 2021.", "the first half of March 2021",
         SEED_DATE, "2021-03", "month"),
        ("The envoys met on January 24 and 25.", "25", SEED_DATE, "2022-01-25", "day"),
        ("The summit was held on April 3-4, 2019.", "4, 2019", SEED_DATE, "2019-04-04", "day"),
        ("The summit was held on April 3-4, 2019.", "April 3", SEED_DATE, "2019-04-03", "day"),
        # Approximators and bounds belong to the expression.
        ("Talks have been frozen for nearly two years.", "nearly two years", SEED_DATE, "P2Y",
         "duration"),
        ("The banks must wait at least 30 days.", "at least 30 days", SEED_DATE, "P30D",
         "duration"),
        ("The rebels seized the town more than four decades ago.",
         "more than four decades ago", SEED_DATE, "1982", "year"),
        ("Oil hit its lowest level in over a decade.", "over a decade", SEED_DATE, "P10Y",
         "duration"),
        ("The blast came around 7:15 p.m.", "around 7:15 p.m.", SEED_DATE, "2022-02-01T19:15",
         "time"),
        # Halves of a decade and pairs of quarters.
        ("Arms sales boomed in the last half of the '80s.", "the last half of the '80s",
         "1991-03-01", "198", "decade"),
        ("Losses will last through the first two quarters of 2023.",
         "the first two quarters of 2023", SEED_DATE, "2023-H1", "half"),
        # A vague count from a moment of the story is a length only.
        ("A few days later, the rebels withdrew.", "A few days later", SEED_DATE, "PXD",
         "duration"),
        ("Several years ago, the rebels withdrew.", "Several years ago", SEED_DATE,
         "PAST_REF", "reference"),
        # Bare plurals: "over the years", the first hours of something, "several quarters of".
        ("Over the years, the border moved.", "the years", SEED_DATE, "PXY", "duration"),
        ("Hundreds were taken prisoner in the first hours of the offensive.", "the first hours",
         SEED_DATE, "PTXH", "duration"),
        ("Profits returned after several quarters of losses.", "several quarters", SEED_DATE,
         "PXQ", "duration"),
        # A superlative names the period in question.
        ("Stock markets had their best week since November.", "week", "2022-02-04",
         "2022-W05", "week"),
        ("Shelling resumed on Sunday, the deadliest day of the war.", "day", SEED_DATE,
         "2022-01-30", "day"),
        # References: "one day" ahead, "then current".
        ("The republic will one day join the alliance.", "one day", SEED_DATE, "FUTURE_REF",
         "reference"),
        ("The ceasefire lasted one day.", "one day", SEED_DATE, "P1D", "duration"),
        ("Holders may buy at half the then current price.", "then current", SEED_DATE,
         "PAST_REF", "reference"),
        # Fiscal-year codes.
        ("The ministry cut its FY2023 budget.", "FY2023", SEED_DATE, "2023", "year"),
        ("Defence spending rose in FY21.", "FY21", SEED_DATE, "2021", "year"),
    ],
)
def test_times_fractions_seasons_parts_of_day_sets(sentence, expression, anchor, value,
                                                    precision):
    ref = _one(sentence, expression, anchor=anchor)
    assert (ref.value, ref.precision) == (value, precision)
    assert sentence[ref.start:ref.end] == expression


@pytest.mark.parametrize(
    ("sentence", "expression"),
    [
        # "about" and a bare "over" are as often prepositions: left out.
        ("They talked about three days of fighting.", "three days"),
        ("The cost is spread over three years.", "three years"),
    ],
)
def test_times_prepositions_are_not_approximators(sentence, expression):
    assert _one(sentence, expression).text == expression


def test_times_year_ago_leans_on_the_last_reported_period_not_a_forecast():
    text = ("The shipyard posted a drop in third-quarter profit. Analysts expect losses "
            "through the third quarter of 2023. In the year-ago period, it earned $10 "
            "million. In the year-earlier quarter, it earned $9 million.")
    refs = {r.text: r.value for r in _times(text, anchor="2022-10-26")}
    assert refs["the year-ago period"] == "2021-Q3"
    assert refs["the year-earlier quarter"] == "2021-Q3"


def test_times_dateline_date_does_not_join_the_first_clock_time():
    text = "Saturday, June 1, 2019\n\n\nAt around 12:20 p.m. local time, a plane crashed."
    refs = [(r.text, r.value) for r in _times(text, anchor="2019-06-01")]
    assert refs[:2] == [("Saturday, June 1, 2019", "2019-06-01"),
                        ("around 12:20 p.m.", "2019-06-01T12:20")]


def test_times_fraction_of_a_second_rounds():
    assert _one("The record stands at 46.78 seconds.", "46.78 seconds").value == "PT47S"


def test_times_last_year_compared_with_a_quarter_is_that_quarter_a_year_before():
    text = ("The shipyard earned $40 million in the third quarter, compared with $33 million "
            "last year. Exports rose last year.")
    refs = [(r.text, r.value) for r in _times(text, anchor="2022-10-26")]
    assert refs == [("the third quarter", "2022-Q3"), ("last year", "2021-Q3"),
                    ("last year", "2021")]


def test_times_second_day_needs_a_day_number():
    # "25 percent", "4 votes": numbers after a date that count something are not days.
    refs = _times("The vote on January 24 and 25 percent abstained; on May 3 or 4 votes more.")
    assert [r.text for r in refs] == ["January 24", "May 3"]


def test_times_part_of_day_without_a_near_day_takes_the_anchor():
    text = ("The ceasefire began on Monday. It held. It held again. Few believed it. "
            "Nobody expected it. Shelling resumed in the evening.")
    assert _one(text, "the evening").value == "2022-02-01TEV"


@pytest.mark.parametrize(
    ("sentence", "expression", "value"),
    [
        # A present tense of a plan lies ahead (the anchor is a Friday)...
        ("The two leaders meet separately Monday with the envoy.", "Monday", "1998-05-04"),
        ("The minister is meeting his counterpart on Monday.", "Monday", "1998-05-04"),
        # ... a present of reporting says nothing, and the past of the clause decides.
        ("Officials say the talks collapsed on Monday.", "Monday", "1998-04-27"),
    ],
)
def test_times_parse_present_tense_of_a_plan_leans_ahead(nlp, sentence, expression, value):
    refs = _times(sentence, anchor="1998-05-01", doc=nlp(sentence))
    assert [r.value for r in refs if r.text == expression] == [value]


def test_times_parse_keeps_adjectives_out_of_the_tense(nlp):
    # "unspecified" is an adjective, not a past tense: "would be paid ... in January" lies
    # ahead of an October publication date.
    text = ("The dividend would be paid on a still unspecified date in January to holders "
            "of record Dec. 21.")
    refs = {r.text: r.value for r in _times(text, anchor="1989-10-26", doc=nlp(text))}
    assert refs["January"] == "1990-01"
    # A participle is still a past: "shares issued July 1".
    text = "It holds shares issued July 1, which will receive only partial dividends."
    refs = {r.text: r.value for r in _times(text, anchor="1989-10-27", doc=nlp(text))}
    assert refs["July 1"] == "1989-07-01"


# ---------------------------------------------------------------------------------------------
# Holidays by rule, possessive days, the past perfect, rates, clock times restated in another
# zone, names with a year, counted pasts. The sentences are made up; anchors are given.

@pytest.mark.parametrize(
    ("sentence", "expression", "anchor", "value"),
    [
        # US holidays on the nth weekday of a month: the Tuesday after the first Monday of
        # November, the first Monday of September, the last Monday of May.
        ("The candidates campaigned hard until Election Day.", "Election Day", "2002-10-20",
         "2002-11-05"),
        ("Shops close on Labor Day.", "Labor Day", "2021-08-01", "2021-09-06"),
        ("The parade was held on Memorial Day 2019.", "Memorial Day 2019", "2021-01-01",
         "2019-05-27"),
        # "Easter week" is the week that holds the holiday.
        ("Pilgrims arrived as Easter week began.", "Easter week", "2003-04-14", "2003-W16"),
    ],
)
def test_times_holidays_by_rule_and_their_weeks(sentence, expression, anchor, value):
    assert _one(sentence, expression, anchor).value == value


def test_times_holiday_by_rule_needs_its_name():
    # "the election day" of another country is no US Election Day.
    assert _times("Turnout on the election day in Kenya was high.", anchor="2002-10-20") == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # A day named as the owner of an event is one already reported, whatever the verb of
        # the clause (the anchor is a Friday)...
        ("The family said it would find a way around Wednesday's ruling.", "2003-01-08"),
        ("Lawyers will appeal Tuesday's verdict.", "2003-01-07"),
        ("Few read Thursday's editorial.", "2003-01-09"),
        # ... unless the event is awaited.
        ("Crowds gathered ahead of Sunday's vote.", "2003-01-12"),
        ("Voters will cast ballots in Sunday's election.", "2003-01-12"),
    ],
)
def test_times_possessive_weekday_is_a_reported_day(sentence, value):
    refs = [r for r in _times(sentence, anchor="2003-01-10") if r.precision == "day"]
    assert [r.value for r in refs] == [value]


def test_times_parse_past_perfect_lies_before_the_publication_date(nlp):
    # "Until Thursday, they had not ...": the fronted "until" is no deadline ahead (the anchor
    # is a Tuesday).
    text = "Until Thursday, investigators had not named a suspect."
    refs = _times(text, anchor="2003-01-14", doc=nlp(text))
    assert [(r.text, r.value) for r in refs] == [("Thursday", "2003-01-09")]
    # A deadline after the verb is left to the other cues: "had been extended until Friday".
    text = "The deadline had been extended until Friday, officials said."
    refs = _times(text, anchor="2003-01-14", doc=nlp(text))
    assert [(r.text, r.value) for r in refs] == [("Friday", "2003-01-17")]
    # So is a date that modifies a noun ("the November 13 deadline").
    text = "Two weeks before the November 13 deadline, he had reached only 2 percent."
    refs = _times(text, anchor="2019-11-05", doc=nlp(text))
    assert [r.value for r in refs if r.text == "November 13"] == ["2019-11-13"]
    # A date the past perfect governs lies before the publication date, a year back if need be.
    text = "The treaty had been signed on November 13."
    refs = _times(text, anchor="2019-11-05", doc=nlp(text))
    assert [(r.text, r.value) for r in refs] == [("November 13", "2018-11-13")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The plant will save $3 million a year in costs.",
        "The airline adds 500 seats a week on the route.",
        "Employers created jobs at a pace of 200,000 a month.",
        "Rooms cost between $40 and $60 a night.",
        "The chip runs 20 million instructions per second.",
    ],
)
def test_times_rates_are_not_times(sentence):
    # A quantity per unit of time is a rate or a speed, which TimeML leaves unmarked.
    assert _times(sentence) == []


def test_times_frequencies_and_lengths_are_still_times():
    refs = _times("The board meets twice a week; the trial lasted a week. Three times a year.")
    assert [(r.text, r.value) for r in refs] == [("a week", "P1W"), ("a week", "P1W"),
                                                ("a year", "P1Y")]
    # After a preposition, or after a year and a comma, the unit is a length again.
    refs = _times("Gunmen killed 10 people in a week. By 2010, a decade had passed. He will "
                  "be back in 2 days or a week.")
    assert [(r.text, r.value) for r in refs] == [("a week", "P1W"), ("2010", "2010"),
                                                ("a decade", "P10Y"), ("2 days", "P2D"),
                                                ("a week", "P1W")]


def test_times_clock_restated_in_parentheses_takes_the_day_after_it():
    text = "The blast occurred at 9:15 a.m. (0615 GMT) Friday, officials said."
    refs = {r.text: r.value for r in _times(text, anchor="2003-01-14")}
    assert refs == {"9:15 a.m.": "2003-01-10T09:15", "0615 GMT": "2003-01-10T06:15Z",
                    "Friday": "2003-01-10"}


def test_times_year_in_a_name_after_called_is_not_a_year():
    assert _times("He founded a firm called Vega 1990, which makes parts.") == []
    assert _one("The firm was founded in 1990.", "1990").value == "1990"


def test_times_counted_past_periods_are_not_the_past():
    # "the past three summers" counts periods; "in the past" alone is PAST_REF.
    refs = _times("Riots broke out for the past three summers. In the past, it was calm.")
    assert [(r.text, r.value) for r in refs] == [("the past", "PAST_REF")]
    assert refs[0].start > 40


def test_times_bare_plural_after_just_or_only():
    refs = _times("Prices fell in just minutes and recovered within only days.")
    assert [(r.text, r.value) for r in refs] == [("minutes", "PTXM"), ("days", "PXD")]
