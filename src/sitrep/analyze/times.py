"""Time expressions: find them in plain text and normalise them against the publication date.

``find_times(text, doc_id=..., anchor=...)`` returns :class:`~sitrep.records.TimeRef` records
whose ``value`` is a TIMEX3 value. ``anchor`` is the publication date: relative expressions
("yesterday", "on Tuesday", "January 26", "last month") are resolved against it, and news
mostly reports the past, so an expression without a year or a direction is placed in the past
unless a cue near it ("will", "next", "scheduled") says the future. Given the spaCy parse
(``doc=``), the tense of the verb the expression modifies settles the direction first. Without an anchor only
expressions whose value does not depend on it are returned: absolute dates ("December 15,
2021", "in 2021"), durations, sets and the ``*_REF`` references.

``precision`` says what kind of value a record carries:

- ``time``: a date with a clock time or a part of day, ``2022-02-01T14:56``,
  ``2022-01-28TMO`` (``Z`` after the time for UTC/GMT): "Feb 1, 2022 at 14:56", "Friday
  morning".
- ``day``: ``2022-02-01``: "on Tuesday", "January 26".
- ``week``: ``2022-W05``, a weekend ``2022-W05-WE``: "last week", "the weekend".
- ``month``: ``2022-01``: "last month", "in February".
- ``quarter``: ``2022-Q1``: "the third quarter". ``half``: ``2022-H1``: "the first half".
- ``season``: ``2022-SU`` (``SP``, ``SU``, ``FA``, ``WI``): "this summer".
- ``year``: ``2021``: "in 2021", "last year".
- ``decade``: ``199`` (the 1990s). ``century``: ``19`` (the 20th century).
- ``interval``: ``2021-11/2021-12``, start and end each a value of its own: "between November
  and December 2021" (only when one end borrows its year from the other; two full dates stay
  two records).
- ``duration``: ``P3D``, ``P2Y``, ``PT5H``, ``PXY`` when the number is vague: "three days",
  "a 30-year bond", "for years".
- ``set``: a recurrence, ``P1D``, ``P1W``, ``XXXX-WXX-2``, ``XXXX-07``: "daily", "every
  month", "on Tuesdays".
- ``reference``: ``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``: "now", "recently", "the
  future".

How it works, and why: candidate spans come from the compiled regular expressions of
``data/time_rules.yaml`` (the vocabulary and the patterns are data), taken leftmost-longest;
each pattern names a handler here that computes the value. Expressions that lean on an earlier
one ("a year earlier", "the quarter", "the following day") are resolved against the last date
mentioned, as news writing uses them; "in the morning" and "later in the day" against the last
day mentioned a few sentences before, and "the year-ago period" against the last period already
over (not a forecast). Words of approximation or bound before a duration, an "ago" or a clock
time belong to the expression ("nearly two years", "at least 30 days", "around 7:15 p.m."), as
TIMEX3 has them. A quantity per unit of time ("$2 million a year", "700 seats a week") is a
rate, which TimeML leaves unmarked; a weekday named as the owner of an event ("Wednesday's
ruling") is a day already reported; and, given the parse, a verb in the past perfect ("Until
Thursday, they had not ...") places its time before the publication date. dateparser is only
a fallback, for odd numeric dates and
for extra candidate spans a caller passes (spaCy's DATE entities, say), because calling it on
every sentence would cost more than the parse itself. For the same reason each pattern runs
only on the text around its trigger words (a month name, a weekday, a number, a unit...): one
pass over the words finds them, and most of a news article triggers nothing. The result is
about a million characters a second on one core, some 3% of the time spaCy's small English
pipeline takes to parse the same text.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Sequence

import yaml

from sitrep.records import TimeRef

__all__ = ["find_times", "PRECISIONS"]

#: Every ``precision`` value :func:`find_times` produces.
PRECISIONS = (
    "time",
    "day",
    "week",
    "month",
    "quarter",
    "half",
    "season",
    "year",
    "decade",
    "century",
    "interval",
    "duration",
    "set",
    "reference",
)

_GRAN_PRECISION = {
    "time": "time",
    "pod": "time",
    "day": "day",
    "week": "week",
    "weekend": "week",
    "month": "month",
    "quarter": "quarter",
    "half": "half",
    "season": "season",
    "year": "year",
    "decade": "decade",
    "century": "century",
}
# Coarse to fine, for choosing the granularity of a shifted date.
_GRAN_ORDER = ["century", "decade", "year", "half", "season", "quarter", "month", "week",
               "weekend", "day", "pod", "time"]
_GRAN_RANK = {g: i for i, g in enumerate(_GRAN_ORDER)}

_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


# ---------------------------------------------------------------------------------------------
# Points in time

@dataclass(frozen=True, slots=True)
class _Pt:
    """A calendar period: its granularity, its first day, and a code (season, part of day,
    clock time) where the granularity needs one."""

    gran: str
    d: dt.date
    code: str = ""

    def value(self) -> str:
        g, d = self.gran, self.d
        if g == "day":
            return d.isoformat()
        if g in ("week", "weekend"):
            y, w, _ = d.isocalendar()
            return f"{y:04d}-W{w:02d}" + ("-WE" if g == "weekend" else "")
        if g == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if g == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if g == "half":
            return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
        if g == "season":
            return f"{d.year:04d}-{self.code}"
        if g == "year":
            return f"{d.year:04d}"
        if g == "decade":
            return f"{d.year // 10:03d}"
        if g == "century":
            return f"{d.year // 100:02d}"
        if g in ("pod", "time"):
            return f"{d.isoformat()}T{self.code}"
        raise ValueError(g)

    @property
    def precision(self) -> str:
        return _GRAN_PRECISION[self.gran]


def _add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    if not 1 <= y <= 9999:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _floor(d: dt.date, gran: str, code: str = "") -> dt.date:
    """The first day of the period of granularity ``gran`` that contains ``d``."""
    if gran in ("day", "pod", "time"):
        return d
    if gran in ("week", "weekend"):
        return d - dt.timedelta(days=d.weekday())
    if gran == "month":
        return d.replace(day=1)
    if gran == "quarter":
        return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    if gran == "half":
        return dt.date(d.year, 1 if d.month <= 6 else 7, 1)
    if gran == "season":
        return dt.date(d.year, _SEASON_START.get(code, 1) if code != "WI" else 1, 1)
    if gran == "year":
        return dt.date(d.year, 1, 1)
    if gran == "decade":
        return dt.date(d.year // 10 * 10 or 1, 1, 1)
    if gran == "century":
        return dt.date(d.year // 100 * 100 or 1, 1, 1)
    raise ValueError(gran)


def _period_end(p: _Pt) -> dt.date:
    """The last day of the period ``p``."""
    g, d = p.gran, p.d
    if g in ("day", "pod", "time"):
        return d
    if g == "week":
        return d + dt.timedelta(days=6)
    if g == "weekend":
        return d + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "half": 6, "season": 3, "year": 12, "decade": 120,
              "century": 1200}[g]
    start = d if g != "season" else dt.date(d.year, _SEASON_START[p.code] % 12 or 12, 1)
    try:
        return _add_months(start, months) - dt.timedelta(days=1)
    except (ValueError, OverflowError):
        return dt.date(9999, 12, 31)


def _shift(p: _Pt, n: int | float, unit: str) -> _Pt | None:
    """``p`` moved by ``n`` units (negative: back in time), keeping its granularity."""
    try:
        if unit == "day":
            d = p.d + dt.timedelta(days=n)
        elif unit == "week":
            d = p.d + dt.timedelta(days=7 * n)
        elif unit == "weekend":
            d = p.d + dt.timedelta(days=7 * n)
        elif unit == "month":
            d = _add_months(p.d, int(n))
        elif unit == "quarter":
            d = _add_months(p.d, int(3 * n))
        elif unit == "half":
            d = _add_months(p.d, int(6 * n))
        elif unit == "season":
            d = _add_months(p.d, int(3 * n))
        elif unit == "year":
            d = _add_months(p.d, int(12 * n))
        elif unit == "decade":
            d = _add_months(p.d, int(120 * n))
        elif unit == "century":
            d = _add_months(p.d, int(1200 * n))
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return _Pt(p.gran, d, p.code)


def _at(anchor: dt.date, gran: str, code: str = "") -> _Pt:
    return _Pt(gran, _floor(anchor, gran, code), code)


# ---------------------------------------------------------------------------------------------
# Rules: vocabulary and compiled patterns

def _alternation(words) -> str:
    """A regex alternation of ``words``, longest first (so "weekend" is tried before "week"),
    with inner spaces matching any whitespace."""
    parts = sorted({w for w in words}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts) + ")"


@dataclass(frozen=True, slots=True)
class _Pattern:
    name: str
    handler: str
    regex: re.Pattern[str]
    needs: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Rules:
    months: dict[str, int]
    ambiguous: frozenset[str]
    month_cues: frozenset[str]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    vague: frozenset[str]
    units: dict[str, str]
    time_units: frozenset[str]
    ordinals: dict[str, int]
    seasons: dict[str, str]
    pods: dict[str, str]
    refs: dict[str, str]
    holidays: dict[str, Any]
    zones: dict[str, str]
    count_nouns: frozenset[str]
    approx_regex: re.Pattern[str]  # an approximator ending right before an expression
    reporting_verbs: frozenset[str]
    reported_nouns: frozenset[str]  # "Wednesday's ruling": events over once named
    awaited_regex: re.Pattern[str]  # "ahead of" right before a possessive day
    rate_breakers: frozenset[str]  # "in a week" after a quantity is no rate
    cue_regex: re.Pattern[str]
    patterns: tuple[_Pattern, ...]
    triggers: dict[str, frozenset[str]]  # lower-case word -> trigger classes
    by_class: dict[str, tuple[int, ...]]  # trigger class -> indexes of the patterns needing it


_DAY_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_UNITS_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_PLURAL_UNITS = {"centuries": "century", "millennia": "millennium"}


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = yaml.safe_load(
        resources.files("sitrep").joinpath("data/time_rules.yaml").read_text(encoding="utf-8")
    )
    months = {k.lower(): int(v) for k, v in raw["months"].items()}
    weekdays = {k.lower(): int(v) for k, v in raw["weekdays"].items()}
    numbers = {k.lower(): int(v) for k, v in raw["number_words"].items()}
    units = {k.lower(): str(v) for k, v in raw["units"].items()}
    seasons = {k.lower(): str(v) for k, v in raw["seasons"].items()}
    pods = {k.lower(): str(v) for k, v in raw["parts_of_day"].items()}
    refs = {k.lower(): str(v) for k, v in raw["reference_words"].items()}
    zones = {k.lower(): str(v) for k, v in raw["zones"].items()}
    holidays = {k.lower(): v for k, v in raw["holidays"].items()}

    full = [m for m in months if m in {n.lower() for n in calendar.month_name if n}]
    abbrev = [m for m in months if m not in full]
    tens_alt = "|".join(_TENS)
    ones_alt = "|".join(_UNITS_ONES)
    day_word = (
        "(?:(?:twenty|thirty)[-\\s](?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
        "ninth)|" + _alternation(_DAY_WORDS)[3:-1] + ")"
    )
    unit_words = list(units) + [u + "s" for u in units] + list(_PLURAL_UNITS)
    year_words = (
        "(?:(?:nineteen|twenty)\\s+(?:" + tens_alt + ")(?:[-\\s](?:" + ones_alt + "))?"
        "|(?:nineteen|twenty)\\s+(?:oh\\s+(?:" + ones_alt + ")|ten|eleven|twelve)"
        "|two\\s+thousand(?:\\s+(?:and\\s+)?(?:" + ones_alt + "|ten|eleven|twelve|" + tens_alt
        + "))?)\\b"
    )
    macros = {
        "MONTH": "(?:" + _alternation(full) + r"\b|" + _alternation(abbrev) + r"(?:\.|\b))",
        # A month standing alone is spelt out: "Oct." needs its day.
        "MONTHFULL": _alternation(full) + r"\b",
        "WEEKDAY": _alternation(weekdays) + r"\b",
        "WEEKDAYPL": "(?:" + "|".join(w + "s" for w in weekdays) + ")",
        "DAYNUM": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b",
        "DAY": r"(?:(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?![.,]\d)|" + day_word + r"\b)",
        "YEAR": r"(?<![\w,.$£€#/])(?:1[5-9]\d\d|20\d\d)\b(?![,./]\d)",
        "YEARWORDS": year_words,
        "NUM": (
            r"(?:(?<![\d,.$£€])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:\s+1/2)?(?![\d,]\d)"
            "|(?:" + tens_alt + ")(?:[-\\s](?:" + ones_alt + "))?\\b"
            "|" + _alternation([w for w in numbers if w not in _TENS]) + r"\b)"
        ),
        "VAGUE": _alternation(raw["vague_numbers"]) + r"\b",
        "UNIT": _alternation(unit_words) + r"\b",
        "UNITPL": _alternation([u + "s" for u in units if u not in ("second", "night")]
                               + list(_PLURAL_UNITS)),
        "SEASON": _alternation(seasons) + r"\b",
        "POD": _alternation([p for p in pods if p != "overnight"]) + r"\b",
        "ZONE": r"(?:" + _alternation(zones) + r"\b)",
        "REF": _alternation(refs),
        "HOLIDAY": _alternation(holidays).replace("'", "['’]"),
        "QORD": r"(?:first|second|third|fourth|final|1st|2nd|3rd|4th)",
        # The word before an expression, kept as context ("in" before a bare "May"); never
        # a word that belongs to the expression itself ("this", "the end of").
        "CUE": (r"(?:\b(?P<cue>(?!(?:this|last|next|past|coming|previous|the|early|late|mid|"
                r"earlier|later|sometime|end|beginning|start|middle|close|turn|very|fiscal|"
                r"calendar|model)\b)\w+)\s+)?"),
        "MOD": (
            r"(?P<mod>(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|turn)\s+of\s+"
            r"(?:the\s+)?|(?:early|late|mid|earlier|later|sometime)(?:\s+|-))?"
        ),
    }

    def expand(pattern: str) -> str:
        return re.sub(r"\{([A-Z]+)\}", lambda m: macros[m.group(1)], pattern)

    patterns = tuple(
        _Pattern(p["name"], p["handler"], re.compile(expand(p["pattern"]), re.IGNORECASE),
                 frozenset(p["needs"]))
        for p in raw["patterns"]
    )
    triggers = _trigger_words(raw, months, weekdays, units, seasons, pods, refs, holidays)
    by_class: dict[str, list[int]] = {}
    for i, pat in enumerate(patterns):
        for cls in pat.needs:
            by_class.setdefault(cls, []).append(i)
    missing = {pat.handler for pat in patterns} - set(_HANDLERS)
    if missing:
        raise ValueError(f"time_rules.yaml: patterns name unknown handlers {missing}")
    known = set().union(*triggers.values()) | {"number", "year4"}
    unknown = set(by_class) - known
    if unknown:
        raise ValueError(f"time_rules.yaml: patterns need unknown trigger classes {unknown}")

    def cue_alt(words) -> str:
        return "|".join(
            re.escape(w).replace(r"\ ", r"\s+")
            for w in sorted(words, key=lambda w: (-len(w), w))
        )

    cue_regex = re.compile(
        r"(?i:\b(?P<f>" + cue_alt(raw["future_cues"]) + r")\b)"
        r"|(?i:\b(?P<p>" + cue_alt(raw["past_cues"]) + r")\b)"
        # A regular past tense ("issued a statement Friday"); lower-case only, so that
        # names ("United") are not taken for verbs. Weaker than a listed cue: see tense().
        r"|\b(?P<ed>[a-z]{2,}[^e\W]ed)\b"
    )
    return _Rules(
        months=months,
        ambiguous=frozenset(w.lower() for w in raw["ambiguous_words"]),
        month_cues=frozenset(w.lower() for w in raw["month_cues"]),
        weekdays=weekdays,
        numbers=numbers,
        vague=frozenset(w.lower() for w in raw["vague_numbers"]),
        units=units,
        time_units=frozenset(raw["time_units"]),
        ordinals={k.lower(): int(v) for k, v in raw["ordinals"].items()},
        seasons=seasons,
        pods=pods,
        refs=refs,
        holidays=holidays,
        zones=zones,
        count_nouns=frozenset(w.lower() for w in raw["count_nouns"]),
        reporting_verbs=frozenset(w.lower() for w in raw["reporting_verbs"]),
        reported_nouns=frozenset(w.lower() for w in raw["reported_nouns"]),
        awaited_regex=re.compile(r"\b(?:" + cue_alt(raw["awaited_cues"]) + r")\s+$",
                                 re.IGNORECASE),
        rate_breakers=frozenset(w.lower() for w in raw["rate_breakers"]),
        approx_regex=re.compile(
            r"(?i:\b(?:" + cue_alt(raw["approximators"]) + "|(?:"
            + "|".join(rf"(?<=\b{re.escape(w)}\s)" for w in raw["over_after"])
            + r")over)[^\S\n]+)$"),
        cue_regex=cue_regex,
        patterns=patterns,
        triggers=triggers,
        by_class={k: tuple(v) for k, v in by_class.items()},
    )


_STOP = {"the", "a", "an", "at", "as", "of", "in", "to", "on", "and", "s"}


def _trigger_words(raw, months, weekdays, units, seasons, pods, refs, holidays
                   ) -> dict[str, frozenset[str]]:
    """Word -> the trigger classes it belongs to (see ``needs`` in ``time_rules.yaml``)."""
    classes: dict[str, set[str]] = {}

    def add(cls: str, words) -> None:
        for w in words:
            for part in re.findall(r"[a-z]+\d*", w.lower()):
                if part not in _STOP:
                    classes.setdefault(part, set()).add(cls)

    add("month", months)
    add("weekday", list(weekdays) + [w + "s" for w in weekdays])
    add("unit", list(units) + [u + "s" for u in units] + list(_PLURAL_UNITS))
    add("season", seasons)
    add("pod", pods)
    add("relday", ["today", "yesterday", "tomorrow", "tonight"])
    add("ref", refs)
    add("set", ["daily", "weekly", "monthly", "hourly", "nightly", "fortnightly", "biweekly",
                "every", "each", "per"])
    add("clockword", ["noon", "midnight", "midday", "clock"])
    add("quarter", ["quarter", "quarters", "period", "q1", "q2", "q3", "q4"])
    add("half", ["half"])
    add("fiscal", ["fy"])
    add("century", ["century"])
    add("same", ["same", "comparable", "corresponding", "like"])
    add("yearword", ["nineteen", "twenty", "thousand"])
    add("decadeword", ["twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                       "eighties", "nineties"])
    # A holiday is triggered by its longest word ("thanksgiving", not "day").
    add("holiday", [max(re.findall(r"[a-z]+", h), key=len) for h in holidays])
    return {w: frozenset(c) for w, c in classes.items()}


# ---------------------------------------------------------------------------------------------
# Parsing pieces of a match

_WS = re.compile(r"\s+")


def _norm(s: str) -> str:
    return _WS.sub(" ", s.strip().lower()).replace("’", "'")


def _month(rules: _Rules, s: str) -> int:
    return rules.months[_norm(s).rstrip(".")]


def _number(rules: _Rules, s: str) -> float | None:
    s = _norm(s)
    half = s.endswith(" 1/2")
    if half:
        s = s[:-4].strip()
    s = s.replace(",", "")
    try:
        n = float(s)
        return n + (0.5 if half else 0)
    except ValueError:
        pass
    if s in rules.numbers:
        return rules.numbers[s]
    parts = re.split(r"[-\s]+", s)
    total = 0
    for p in parts:
        if p in _TENS:
            total += _TENS[p]
        elif p in _UNITS_ONES:
            total += _UNITS_ONES.index(p) + 1
        elif p in _TEENS:
            total += _TEENS[p]
        else:
            return None
    return total or None


def _year_words(s: str) -> int | None:
    s = _norm(s).replace("-", " ")
    words = s.split()
    ones = {w: i + 1 for i, w in enumerate(_UNITS_ONES)} | _TEENS | _TENS
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + sum(ones.get(w, 0) for w in rest)
    if words[0] in ("nineteen", "twenty"):
        century = 1900 if words[0] == "nineteen" else 2000
        rest = [w for w in words[1:] if w != "oh"]
        return century + sum(ones.get(w, 0) for w in rest)
    return None


def _day(s: str) -> int | None:
    s = _norm(s)
    m = re.match(r"\d+", s)
    if m:
        return int(m.group())
    s = s.replace("-", " ")
    parts = s.split()
    if len(parts) == 2 and parts[0] in ("twenty", "thirty"):
        return _TENS[parts[0]] + _DAY_WORDS.get(parts[1], 0)
    return _DAY_WORDS.get(s)


def _two_digit_year(yy: int, anchor: dt.date | None) -> int:
    # Read "10/30/89" as 1989 and "02/01/22" as 2022: the century that puts the year no more
    # than ten years after the publication date (or today).
    ref = (anchor or dt.date.today()).year
    year = ref // 100 * 100 + yy
    if year > ref + 10:
        year -= 100
    return year


# ---------------------------------------------------------------------------------------------
# The per-document context a handler sees

@dataclass(slots=True)
class _Found:
    start: int
    end: int
    value: str
    precision: str
    point: _Pt | None = None
    clock: str | None = None  # "14:56" when a time of day was found without its own date
    # A comparison ("a year earlier", "the year-ago quarter") leans on the date in question
    # without replacing it as the date later expressions lean on.
    comparison: bool = False


class _Context:
    """What a handler may look at: the text, the anchor, the sentence bounds, and the last
    date mentioned (for "a year earlier", "the quarter", "the following day")."""

    def __init__(self, text: str, anchor: dt.date | None, rules: _Rules, doc: Any = None) -> None:
        self.text = text
        self.anchor = anchor
        self.rules = rules
        self.doc = doc
        self.last: _Pt | None = None
        self.last_pos = -1
        # The last day mentioned (for "in the morning", "later in the day"), which a later
        # month or year ("a year ago") does not replace.
        self.last_day: _Pt | None = None
        self.last_day_pos = -1
        self.last_past: _Pt | None = None  # the last one over by the anchor
        self._bounds: list[int] | None = None

    # Sentences are only needed for tense cues; they are computed on first use.
    # A stop ends a sentence unless it ends an initial, "a.m.", a title or a month ("Oct. 23").
    _SENT_END = re.compile(
        r"[.!?](?<!\b[A-Za-z]\.)(?<!\b[ap]\.m\.)"
        + "".join(f"(?<!\\b{w}\\.)" for w in ("Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Gov", "Sen",
                                              "Rep", "Lt", "Col", "Jan", "Feb", "Mar", "Apr",
                                              "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No"))
        + r"[\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n\s*")

    def sentence(self, pos: int) -> tuple[int, int]:
        if self._bounds is None:
            self._bounds = [0] + [m.end() for m in self._SENT_END.finditer(self.text)]
        i = bisect.bisect_right(self._bounds, pos) - 1
        start = self._bounds[i]
        end = self._bounds[i + 1] if i + 1 < len(self._bounds) else len(self.text)
        return start, end

    def sentence_index(self, pos: int) -> int:
        self.sentence(pos)
        assert self._bounds is not None
        return bisect.bisect_right(self._bounds, pos) - 1

    def tense(self, start: int, end: int) -> str | None:
        """``"future"``, ``"past"`` or None: the kind of the cue word nearest the expression
        (see :meth:`cue`)."""
        return self.cue(start, end)[0]

    def cue(self, start: int, end: int) -> tuple[str | None, bool]:
        """The tense cue nearest the expression within its sentence, as ``(kind, strong)``.

        The left side reaches further, because English puts the verb before its time
        adverbial; a future cue right before the expression ("will open on December 15") is
        strong: it settles the direction. A farther one, or a past one, only leans."""
        if self.doc is not None:
            found = _parse_tense(self.doc, start, end)
            if found is not None:
                return found
        s_start, s_end = self.sentence(start)
        lo = max(s_start, start - 120)
        hi = min(s_end, end + 80)
        best: tuple[int, str, bool] | None = None
        for m in self.rules.cue_regex.finditer(self.text, lo, hi):
            if start <= m.start() < end:
                continue
            left = m.end() <= start
            if left:
                dist = start - m.end()
            else:
                # A cue after the expression more often belongs to the next clause.
                dist = 2 * (m.start() - end) + 1
            kind = "future" if m.group("f") else "past"
            if kind == "past" and re.search(r"\bbe\s+$", self.text[max(0, m.start() - 4):m.start()]):
                continue  # "may be signed": a passive infinitive says nothing of the past
            if m.group("ed"):
                # "-ed" is also an adjective or a participle ("the planned talks", "were
                # expected"): it counts only right before the expression, and, given the
                # parse, only as a past tense ("a still unspecified date" is no verb).
                if not left or dist > 30:
                    continue
                if self.doc is not None and not self._past_tense_at(m.start(), m.end()):
                    continue
            if best is None or dist < best[0]:
                # Only a future cue is strong: the past is the default anyway.
                best = (dist, kind, kind == "future" and left and dist <= 25)
        return (best[1], best[2]) if best else (None, False)

    def _past_tense_at(self, start: int, end: int) -> bool:
        """Whether the parse tags the word at ``start:end`` as a past tense (or cannot say)."""
        try:
            span = self.doc.char_span(start, end, alignment_mode="expand")
        except Exception:  # noqa: BLE001 - a Doc of another text: the word counts
            return True
        if span is None or len(span) == 0:
            return True
        return span[0].tag_ in ("VBD", "VBN") and span[0].pos_ in ("VERB", "AUX") and \
            span[0].dep_ not in ("amod", "compound")

    _NAME_BEFORE = re.compile(r"(?:\b([A-Z][A-Za-z]*)|([\"“]))[^\S\n]*$")

    def in_name(self, start: int) -> bool:
        """Whether the words at ``start`` continue a name or a title: right after a
        capitalised word that neither begins its sentence nor is a word of time ("VOA
        Today", "Orion 1980"), or after an opening quote inside a sentence (ABC's "This
        Week")."""
        m = self._NAME_BEFORE.search(self.text, max(0, start - 40), start)
        if m is None:
            return False
        s_start, _ = self.sentence(start)
        if not self.text[s_start:m.start()].strip(" \t\"'`“‘(["):
            return False  # the first word of its sentence, or a quote opening it
        word = m.group(1)
        if word is None:
            return True
        low = word.lower()
        return low not in self.rules.triggers and low not in self.rules.month_cues and \
            low not in ("fiscal", "fy", "calendar", "model", "year", "circa", "about",
                        "around", "early", "late", "mid")

    def near_day(self, pos: int) -> dt.date | None:
        """The day last mentioned, if it lies within a few sentences before ``pos``."""
        if self.last_day is None or \
                self.sentence_index(self.last_day_pos) < self.sentence_index(pos) - _ANAPHOR_REACH:
            return None
        return self.last_day.d

    def prev_word(self, pos: int) -> str:
        m = re.search(r"([A-Za-z']+)[\s,]*$", self.text[max(0, pos - 30):pos])
        return m.group(1).lower() if m else ""

    def next_word(self, pos: int) -> str:
        m = re.match(r"\s*([A-Za-z%$']+)", self.text[pos:pos + 30])
        return m.group(1).lower() if m else ""


# Verbs whose infinitive complement lies ahead: "plans to visit in May", "is due to open".
_FUTURE_HEADS = frozenset({"go", "plan", "expect", "schedule", "set", "intend", "due", "aim",
                           "hope", "want", "prepare", "agree", "promise", "threaten", "seek",
                           "decide", "vow", "pledge", "propose", "likely", "able", "ready"})
_MODALS_FUTURE = frozenset({"will", "'ll", "shall", "wo", "’ll"})
_PAST_AUX = frozenset({"VBD"})
_END_PREPS = frozenset({"until", "till", "til", "to", "through", "by", "before", "after",
                        "since"})


def _governing_verb(root: Any) -> Any:
    """The verb an expression modifies as an adverbial ("met Monday", "in January,
    ... brought in"), or None when it hangs off a noun ("payable Dec. 15", "the June
    agreement") or is an argument ("set Nov. 10 as the deadline")."""
    dep = root.dep_
    head = root.head
    if dep == "pobj" and head.dep_ == "prep":
        if head.lower_ in _END_PREPS:
            return None  # "extended to Nov. 16": a deadline lies after the verb
        dep, head = "prep", head.head
    if dep not in ("npadvmod", "advmod", "tmod", "obl", "prep") or head.i == root.i:
        return None
    if head.pos_ not in ("VERB", "AUX"):
        return None
    return head


def _past_clause(tok: Any) -> bool:
    """Whether ``tok`` or the verb it complements ("had been due to", "was set to") is in a
    past tense: then what it planned may lie on either side of the publication date."""
    for t in (tok, tok.head):
        if t.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD"
                                  for c in t.children):
            return True
    return False


def _parse_tense(doc: Any, start: int, end: int) -> tuple[str | None, bool] | None:
    """The tense of the verb that governs the expression at ``start:end`` in the spaCy parse
    ``doc``, as ``(kind, strong)``; None when the parse says nothing (no verb above it, a
    modal other than "will", a present tense), and the word cues decide.

    A past tense (VBD, a past auxiliary, a present perfect) and "will", "going to", "plans
    to" settle the direction; a present tense with a time expression in news leans to the
    future ("meets Monday", "is meeting Monday")."""
    try:
        span = doc.char_span(start, end, alignment_mode="expand")
    except Exception:  # a Doc of another text: the word cues decide
        return None
    if span is None or len(span) == 0:
        return None
    if _pluperfect(span.root):
        return "past", True
    tok = _governing_verb(span.root)
    if tok is None or tok.lemma_.lower() in _FUTURE_HEADS:
        return None  # not an adverbial of a verb; or "planned a rally on Saturday"
    if tok.i < span.start and any(t.pos_ == "VERB" for t in doc[tok.i + 1:span.start]):
        # Another verb stands between ("will put on the table the response it received,
        # on January 26"): the attachment is a guess, and the word cues decide. (A fronted
        # adverbial, "On Friday, when ..., the crowd was quiet", belongs to the main verb.)
        return None
    for _ in range(3):
        auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
        words = {c.lower_ for c in auxes}
        if words & _MODALS_FUTURE:
            return "future", True
        if any(c.tag_ == "MD" for c in auxes):
            return None  # "would", "could", "may": the word cues decide
        if "to" in words:
            # "plans to meet on Monday" lies ahead; "asked him to testify on Feb. 10" lies
            # after a past it says nothing about.
            head = tok.head
            if head.i != tok.i and head.lemma_.lower() in _FUTURE_HEADS and \
                    not _past_clause(head):
                return "future", True
            return None
        if tok.tag_ == "VBD" or any(c.tag_ in _PAST_AUX for c in auxes):
            return "past", True
        if tok.tag_ == "VBN" and any(c.lemma_ == "have" for c in auxes):
            return "past", True  # present perfect
        if _present_of_plan(tok, auxes):
            return "future", False  # "the ministers meet Monday", "is meeting on Monday"
        return None
    return None


def _pluperfect(root: Any) -> bool:
    """Whether the verb an expression belongs to is in the past perfect ("Until Thursday,
    they had not called him a suspect", "the talks had ended on Friday"): what it
    places lies before a past time, so before the publication date. The verb is reached
    through prepositions ("at midnight on Friday"), not through the noun a date modifies
    ("had reached it two weeks before the November 13 deadline"); a deadline after the verb
    ("had been extended until Friday") counts only when fronted ("Until Thursday, they had
    not ...")."""
    tok, end_prep = root, None
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX"):
            break
        if tok.dep_ == "pobj" and tok.head.lower_ in _END_PREPS:
            end_prep = tok.head
        if tok.dep_ not in ("pobj", "prep", "npadvmod", "appos", "tmod", "obl") or \
                tok.head.i == tok.i:
            return False  # not "the November 13 deadline": a noun's modifier has no tense
        tok = tok.head
    else:
        return False
    if tok.pos_ not in ("VERB", "AUX") or (end_prep is not None and end_prep.i > tok.i):
        return False
    # Only the verb itself: "had been set to expire Nov. 6" says nothing of the deadline.
    return tok.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("had", "'d")
                                     for c in tok.children)


def _present_of_plan(tok: Any, auxes: list) -> bool:
    """A simple present ("meet Monday") or a present progressive ("is meeting Monday") of a
    verb that is not one of reporting: in news, a plan. (A reporting verb in the present,
    "Netanyahu says", says nothing of when.)"""
    if tok.lemma_.lower() in _rules().reporting_verbs:
        return False
    if tok.tag_ in ("VBP", "VBZ") and not auxes:
        return True
    return tok.tag_ == "VBG" and any(c.tag_ in ("VBP", "VBZ") for c in auxes)


def _choose(cands: list[_Pt], anchor: dt.date, tense: str | None,
            strong: bool = False) -> _Pt | None:
    """Of candidate periods, the one a news report most likely means: the one containing the
    anchor, else the nearest. A strong tense cue keeps only the candidates on its side (when
    there are any); a weak one makes distances on the other side count four times (a cue from
    another clause should not push "Aug. 7" eleven months away); without a cue, future
    distances count double, because news mostly reports the past."""
    if strong and tense:
        side = [p for p in cands if (p.d > anchor) == (tense == "future") or
                p.d <= anchor <= _period_end(p)]
        cands = side or cands
    best: tuple[float, _Pt] | None = None
    for p in cands:
        start, end = p.d, _period_end(p)
        if start <= anchor <= end:
            return p
        if start > anchor:
            dist = (start - anchor).days * (4 if tense == "past" else 1 if tense == "future"
                                            else 2)
        else:
            dist = (anchor - end).days * (4 if tense == "future" else 1)
        if best is None or dist < best[0]:
            best = (dist, p)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Handlers: each takes the match and the context and returns a _Found or None (not a time)

Handler = Callable[[re.Match[str], "_Context", int, int], "_Found | None"]
_HANDLERS: dict[str, Handler] = {}


def _handler(name: str):
    def register(fn):
        _HANDLERS[name] = fn
        return fn

    return register


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _point(start: int, end: int, p: _Pt, comparison: bool = False) -> _Found:
    return _Found(start, end, p.value(), p.precision, p, comparison=comparison)


def _month_ok(ctx: _Context, m: re.Match[str], group: str, bare: bool) -> bool:
    """Whether the month word of ``group`` is really a month: "may" and "march" must be
    capitalised, and a bare one needs a cue ("in May", "last March")."""
    word = m.group(group)
    key = _norm(word).rstrip(".")
    if key not in ctx.rules.ambiguous:
        return True
    if not word[:1].isupper():
        return False
    if bare:
        if word.isupper() and len(word) > 1:
            return False
        if _g(m, "rel") or _g(m, "mod"):
            return True
        cue = _g(m, "cue")
        prev = cue.lower() if cue else ctx.prev_word(m.start(group))
        return prev in ctx.rules.month_cues
    return True


_NAMED_BEFORE = re.compile(r"\b(?:called|named|dubbed|titled|entitled)[^\S\n]+(?:[A-Z][\w-]*"
                           r"[^\S\n]+){1,3}$")


def _year_ok(ctx: _Context, m: re.Match[str], start: int, end: int, year: int) -> bool:
    """A four-digit number is a year unless it counts something ("2000 troops"), is money
    ("$ 2000") or part of a bigger number."""
    text = ctx.text
    before = text[max(0, start - 3):start]
    if re.search(r"[$£€#]\s*$|No\.\s*$", before):
        return False
    if ctx.next_word(end) in ctx.rules.count_nouns:
        return False
    if ctx.in_name(start) and (re.match(r"[^\S\n]+[A-Z][a-z]", text[end:end + 3]) or
                               _NAMED_BEFORE.search(text, max(0, start - 60), start)):
        # "the Russell 2000 Index", "a venture called Orion 1980" (but "WWDC 2005" is a
        # year)
        return False
    if re.match(r"\s*(?:%|percent\b|per\s+cent\b)", text[end:end + 12], re.IGNORECASE):
        return False
    if year < 1900:
        cue = _g(m, "cue")
        if not (cue and cue.lower() in ("in", "since", "of", "from", "until", "by", "to",
                                        "and", "year", "circa", "around", "before", "after")):
            return False
    return True


@_handler("date")
def _h_date(m, ctx: _Context, start: int, end: int) -> _Found | None:
    rules = ctx.rules
    if _g(m, "month"):
        if not _month_ok(ctx, m, "month", bare=False):
            return None
        month = _month(rules, m.group("month"))
    else:
        month = int(m.group("month_num"))
    day = _day(m.group("day"))
    if not day:
        return None
    year = None
    if _g(m, "year_words"):
        year = _year_words(m.group("year_words"))
    elif _g(m, "yy"):
        year = _two_digit_year(int(m.group("yy")), ctx.anchor)
    elif _g(m, "year"):
        year = int(m.group("year"))
    if year is None and _g(m, "second") is not None and ctx.last is not None and \
            ctx.last.gran == "day" and ctx.last.d.month == month:
        year = ctx.last.d.year  # "8" in "February 7 and 8": the first day's year
    weekday = _g(m, "weekday")
    wd = rules.weekdays[_norm(weekday)] if weekday else None
    if year is not None:
        d = _safe_date(year, month, day)
        if d is None:
            return None
        p = _Pt("day", d)
    else:
        if ctx.anchor is None:
            return None
        cands = [
            _Pt("day", d) for y in (ctx.anchor.year - 1, ctx.anchor.year, ctx.anchor.year + 1)
            if (d := _safe_date(y, month, day)) is not None
        ]
        if wd is not None:
            # "Tuesday, February 1": the year in which the weekday fits, when one does.
            fitting = [c for c in cands if c.d.isoweekday() == wd]
            cands = fitting or cands
        if not cands:
            return None
        chosen = _choose(cands, ctx.anchor, *ctx.cue(start, end))
        if chosen is None:
            return None
        p = chosen
    if _g(m, "hour"):
        zone = "Z" if _g(m, "zone") else ""
        p = _Pt("time", p.d, f"{int(m.group('hour')):02d}:{m.group('minute')}{zone}")
    return _point(start, end, p)


def _year_from(m: re.Match[str], ctx: _Context) -> int | None:
    if _g(m, "year"):
        return int(m.group("year"))
    if _g(m, "year_words"):
        return _year_words(m.group("year_words"))
    if _g(m, "yrel") and ctx.anchor:
        return ctx.anchor.year + {"this": 0, "last": -1, "next": 1}[_norm(m.group("yrel"))]
    return None


_REL_STEP = {
    "this": 0, "current": 0, "the current": 0, "this past": -1, "this coming": 1, "last": -1,
    "past": -1, "previous": -1, "the previous": -1, "the past": -1, "the last": -1,
    "the preceding": -1, "the prior": -1, "the latest": -1, "next": 1, "coming": 1,
    "the coming": 1, "the next": 1, "the following": 1, "the same": 0, "same": 0, "that": 0,
    "that same": 0,
    "the full": 0, "the": 0,
}


@_handler("month")
def _h_month(m, ctx: _Context, start: int, end: int) -> _Found | None:
    year = _year_from(m, ctx)
    bare = year is None
    if not _month_ok(ctx, m, "month", bare=bare):
        return None
    month = _month(ctx.rules, m.group("month"))
    if year is not None:
        return _point(start, end, _Pt("month", dt.date(year, month, 1)))
    if ctx.anchor is None:
        return None
    a = ctx.anchor
    cands = [_Pt("month", dt.date(y, month, 1)) for y in (a.year - 1, a.year, a.year + 1)]
    rel = _norm(_g(m, "rel") or "")
    strong = True
    if rel in ("last", "past", "previous", "this past"):
        tense = "past"
        # "last May" in May means a year ago, not this month; and in June too, because the
        # writer would have said "last month".
        cands = [c for c in cands if _period_end(c) < a and
                 not (rel == "last" and _add_months(c.d, 1) == a.replace(day=1))]
    elif rel in ("next", "coming", "this coming"):
        tense = "future"
        cands = [c for c in cands if c.d > a]
    elif rel == "this":
        cands = [c for c in cands if c.d.year == a.year]
        tense = None
    else:
        tense, strong = ctx.cue(start, end)
    chosen = _choose(cands, a, tense, strong)
    return _point(start, end, chosen) if chosen else None


@_handler("week_of")
def _h_week_of(m, ctx: _Context, start: int, end: int) -> _Found | None:
    if not _month_ok(ctx, m, "month", bare=False):
        return None
    month = _month(ctx.rules, m.group("month"))
    a = ctx.anchor
    if _g(m, "day"):
        day = _day(m.group("day"))
        if not day:
            return None
        if _g(m, "year"):
            d = _safe_date(int(m.group("year")), month, day)
        elif a is not None:
            cands = [_Pt("day", x) for y in (a.year - 1, a.year, a.year + 1)
                     if (x := _safe_date(y, month, day)) is not None]
            chosen = _choose(cands, a, *ctx.cue(start, end))
            d = chosen.d if chosen else None
        else:
            return None
        return _point(start, end, _at(d, "week")) if d else None
    if _g(m, "year"):
        first = dt.date(int(m.group("year")), month, 1)
    elif a is not None:
        cands = [_Pt("month", dt.date(y, month, 1)) for y in (a.year - 1, a.year, a.year + 1)]
        chosen = _choose(cands, a, *ctx.cue(start, end))
        if chosen is None:
            return None
        first = chosen.d
    else:
        return None
    last = _add_months(first, 1) - dt.timedelta(days=1)
    word = _norm(m.group("word"))
    if word in ("last", "final"):
        monday = last - dt.timedelta(days=(last.isoweekday() % 7))  # the last whole week
        monday -= dt.timedelta(days=6)
    else:
        monday = first + dt.timedelta(days=(8 - first.isoweekday()) % 7)
        monday += dt.timedelta(days=7 * ({"first": 1, "second": 2, "third": 3,
                                           "fourth": 4}[word] - 1))
    if monday.month != month:
        return None
    return _point(start, end, _Pt("week", monday))


@_handler("year")
def _h_year(m, ctx: _Context, start: int, end: int) -> _Found | None:
    if _g(m, "yy"):
        year = _two_digit_year(int(m.group("yy")), ctx.anchor)
    elif _g(m, "year_words"):
        year = _year_words(m.group("year_words"))
        if year is None:
            return None
    else:
        year = int(m.group("year"))
        if not _year_ok(ctx, m, m.start("year"), m.end("year"), year):
            return None
    return _point(start, end, _Pt("year", dt.date(year, 1, 1)))


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}


@_handler("decade")
def _h_decade(m, ctx: _Context, start: int, end: int) -> _Found | None:
    if _g(m, "decade"):
        year = int(m.group("decade"))
    elif _g(m, "decade_yy"):
        year = _two_digit_year(int(m.group("decade_yy")), ctx.anchor)
        if ctx.anchor and year > ctx.anchor.year:
            year -= 100
    else:
        cue = (_g(m, "cue") or "").lower()
        # "in his nineties" is an age; "the nineties" needs the article.
        if cue in ("his", "her", "their", "its", "my", "your", "our") or \
                not _norm(m.group("t")).startswith("the"):
            return None
        base = (ctx.anchor or dt.date.today()).year // 100 * 100
        year = base + 10 * _DECADE_WORDS[_norm(m.group("decade_word"))]
        if ctx.anchor and year > ctx.anchor.year:
            year -= 100
    return _point(start, end, _Pt("decade", dt.date(year, 1, 1)))


_CENTURY_WORDS = {"fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                  "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21}


@_handler("century")
def _h_century(m, ctx: _Context, start: int, end: int) -> _Found | None:
    c = int(m.group("cent")) if _g(m, "cent") else _CENTURY_WORDS[_norm(m.group("cent_word"))]
    if not 1 <= c <= 30:
        return None
    return _point(start, end, _Pt("century", dt.date(max(1, (c - 1) * 100), 1, 1)))


_QORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
         "4th": 4, "final": 4}


@_handler("quarter")
def _h_quarter(m, ctx: _Context, start: int, end: int) -> _Found | None:
    if _g(m, "qnum"):
        q = int(m.group("qnum")[1])
    else:
        q = _QORD[_norm(m.group("qord"))]
        head = m.group(0)[m.start("qord") - m.start():]
        if re.match(r"\w+-quarter", head, re.IGNORECASE) and not _g(m, "qrel") and \
                re.match(r"the\s", m.group(0), re.IGNORECASE) and not _g(m, "year"):
            start = m.start("qord")  # "the third-quarter loss": "the" goes with "loss"
    if _g(m, "plural"):
        return _Found(start, end, f"XXXX-Q{q}", "set")
    a = ctx.anchor
    year = _year_from(m, ctx)
    if year is None and _g(m, "qyear"):
        year = int(m.group("qyear"))
    if year is None and _g(m, "ypos"):
        year = int(m.group("ypos"))
    if year is None and _g(m, "yposrel") and a:
        year = a.year + {"this": 0, "last": -1, "next": 1}[_norm(m.group("yposrel"))]
    if year is None and _g(m, "yprev"):
        base = ctx.last.d.year if ctx.last else (a.year if a else None)
        if base is None:
            return None
        year = base + {"previous": -1, "prior": -1, "following": 1}.get(_norm(m.group("yprev")), 0)
    qrel = _norm(_g(m, "qrel") or "")
    if year is None:
        if a is None:
            return None
        if qrel in ("year-earlier", "year-ago"):
            base = ctx.last if ctx.last and ctx.last.gran == "quarter" else _at(a, "quarter")
            return _point(start, end, _Pt("quarter", dt.date(base.d.year - 1, 3 * q - 2, 1)),
                          comparison=True)
        else:
            # Quarterly figures are reported after the quarter, in future tense as often as
            # in past ("expects to report a third-quarter loss"): a quarter is this year's
            # when it has begun, else last year's, whatever the tense.
            year = a.year if 3 * q - 2 <= a.month else a.year - 1
            if qrel in ("next", "coming"):
                year = a.year if 3 * q - 2 > a.month else a.year + 1
    return _point(start, end, _Pt("quarter", dt.date(year, 3 * q - 2, 1)))


# "... ended Sept. 30", "... ending June 30, 1990" right after a period.
_ENDED = re.compile(r"[^\S\n]+(?:ended|ending)[^\S\n]+(?P<month>[A-Z][a-z]{2,8}\.?)[^\S\n]+\d")


@_handler("quarter_ref")
def _h_quarter_ref(m, ctx: _Context, start: int, end: int) -> _Found | None:
    a = ctx.anchor
    det = _norm(m.group("det"))
    qrel = _norm(m.group("qrel") or "")
    unit = _norm(m.group("unit"))
    if unit == "period" and not (qrel or _g(m, "ypos")):
        return None  # "the period" alone says nothing about which one
    last = ctx.last
    if last is not None and a is not None and last.d > a and \
            re.search(r"year-(?:ago|earlier)|last\s+year|latest|previous", qrel + " " + det):
        # A comparison leans on the last quarter reported, not on a forecast.
        last = ctx.last_past
    last_q = last if last and last.gran == "quarter" else None
    if a is None and last_q is None:
        return None
    ended = _ENDED.match(ctx.text, end)
    if ended and a is not None and not qrel:
        month = ctx.rules.months.get(ended.group("month").lower().rstrip("."))
        if month:
            # "the quarter ended July 31": a fiscal quarter, named by the calendar quarter
            # that holds most of it (the one holding its middle month), in the latest year
            # that ended by the publication date.
            year = a.year if month <= a.month else a.year - 1
            middle = _add_months(dt.date(year, month, 1), -1)
            return _point(start, end, _at(middle, "quarter"))
    if det == "this" or "current" in qrel:
        if a is None:
            return None
        return _point(start, end, _at(a, "quarter"))
    if _g(m, "ypos"):
        # "the 1988 period" next to this year's figures: the same quarter that year, as a
        # comparison that does not move the quarter in question.
        year = int(m.group("ypos"))
        q = last_q.d.month if last_q else (_shift(_at(a, "quarter"), -1, "quarter").d.month if a else 1)
        return _point(start, end, _Pt("quarter", dt.date(year, q, 1)), comparison=True)
    base = last_q or (_shift(_at(a, "quarter"), -1, "quarter") if a else None)
    if base is None:
        return None
    if "year-earlier" in qrel or "year-ago" in qrel or det == "last year's":
        shifted = _shift(base, -1, "year")
        return _point(start, end, shifted, comparison=True) if shifted else None
    if "previous" in qrel and last_q:
        shifted = _shift(base, -1, "quarter")
        return _point(start, end, shifted) if shifted else None
    return _point(start, end, base)


@_handler("half")
def _h_half(m, ctx: _Context, start: int, end: int) -> _Found | None:
    if _g(m, "hdecade") or _g(m, "hdecade_yy"):
        if _g(m, "hdecade"):
            year = int(m.group("hdecade"))
        else:
            year = _two_digit_year(int(m.group("hdecade_yy")), ctx.anchor)
            if ctx.anchor and year > ctx.anchor.year:
                year -= 100
        return _point(start, end, _Pt("decade", dt.date(year, 1, 1)))
    if _g(m, "hmonth"):
        # Half a month has no value of its own: the month ("the second half of February").
        if not _month_ok(ctx, m, "hmonth", bare=False):
            return None
        month = _month(ctx.rules, m.group("hmonth"))
        if _g(m, "hmyear"):
            return _point(start, end, _Pt("month", dt.date(int(m.group("hmyear")), month, 1)))
        a = ctx.anchor
        if a is None:
            return None
        cands = [_Pt("month", dt.date(y, month, 1)) for y in (a.year - 1, a.year, a.year + 1)]
        chosen = _choose(cands, a, *ctx.cue(start, end))
        return _point(start, end, chosen) if chosen else None
    h = 1 if _norm(m.group("hord")) in ("first", "front") else 2
    year = _year_from(m, ctx)
    if year is None:
        base = ctx.last if ctx.last and _GRAN_RANK[ctx.last.gran] >= _GRAN_RANK["year"] else None
        if base is not None:
            year = base.d.year
        elif ctx.anchor:
            year = ctx.anchor.year
        else:
            return None
    return _point(start, end, _Pt("half", dt.date(year, 1 if h == 1 else 7, 1)))


@_handler("season")
def _h_season(m, ctx: _Context, start: int, end: int) -> _Found | None:
    code = ctx.rules.seasons[_norm(m.group("season"))]
    rel = _norm(_g(m, "rel") or "")
    year = _year_from(m, ctx)
    cue = (_g(m, "cue") or "").lower()
    word = m.group("season")
    # "fall" and "spring" are also a verb and a noun: a season needs a determiner, a year or
    # a preposition of time.
    if not (rel or year or _g(m, "mod") or cue in ("in", "during", "by", "until", "since",
                                                     "over", "through", "throughout",
                                                     "before", "after", "this", "last",
                                                     "next", "each", "every")):
        return None
    if word.isupper() and len(word) > 2 and not year:
        return None
    if year is not None:
        return _point(start, end, _Pt("season", dt.date(year, _SEASON_START[code], 1), code))
    a = ctx.anchor
    if a is None:
        return None
    # A winter runs into the next year (2021-WI is December 2021 to February 2022), so in
    # February "last winter" is the one that began two years before.
    cands = [_Pt("season", dt.date(y, _SEASON_START[code], 1), code)
             for y in (a.year - 2, a.year - 1, a.year, a.year + 1)]
    strong = True
    if rel in ("last", "past", "previous", "this past"):
        tense = "past"
        cands = [c for c in cands if _period_end(c) < a]
    elif rel in ("next", "coming", "this coming"):
        tense = "future"
        cands = [c for c in cands if c.d > a]
    elif rel == "this":
        tense = None
        # The season under way, else this year's.
        current = [c for c in cands if c.d <= a <= _period_end(c)]
        cands = current or [c for c in cands if c.d.year == a.year]
    else:
        tense, strong = ctx.cue(start, end)
    chosen = _choose(cands, a, tense, strong)
    return _point(start, end, chosen) if chosen else None


_RELDAY = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
           "the day before yesterday": -2, "the day after tomorrow": 2}


@_handler("relday")
def _h_relday(m, ctx: _Context, start: int, end: int) -> _Found | None:
    a = ctx.anchor
    if a is None:
        return None
    if _g(m, "podlast"):
        # "in the morning": of the day last mentioned, when it is near; else of the anchor.
        if m.group("podlast")[:1].isupper():
            return None  # never first in its sentence: a title, "Imus in the Morning"
        day = ctx.near_day(start) or a
        return _point(start, end, _Pt("pod", day, ctx.rules.pods[_norm(m.group("podlast"))]))
    pod = _g(m, "pod")
    rel = _g(m, "relday") or _g(m, "podrel")
    rel_n = _norm(rel) if rel else ""
    if rel and rel[:1].isupper() and ctx.in_name(start):
        return None  # "This is VOA Today."
    if rel_n in ("the next", "the following", "the previous", "that"):
        # Leans on the day last mentioned: "the next morning".
        base = ctx.last.d if ctx.last is not None and ctx.last.gran in ("day", "pod", "time") else a
        step = {"the next": 1, "the following": 1, "the previous": -1}.get(rel_n, 0)
        return _point(start, end, _Pt("pod", base + dt.timedelta(days=step),
                                      ctx.rules.pods[_norm(pod)]))
    if rel_n in ("this",):
        offset = 0
    elif rel_n == "last":
        offset = -1 if _norm(pod or "") in ("night", "evening") else 0
    elif pod and _norm(pod) == "overnight":
        offset = -1
    else:
        offset = _RELDAY.get(rel_n, 0)
    d = a + dt.timedelta(days=offset)
    if rel_n == "tonight":
        return _point(start, end, _Pt("pod", d, "NI"))
    if pod:
        return _point(start, end, _Pt("pod", d, ctx.rules.pods[_norm(pod)]))
    return _point(start, end, _Pt("day", d))


_POSSESSIVE = re.compile(r"['’]s\b")
# Before a possessive day: "for Friday's meeting" may go either way (the tense decides).
_POSSESSIVE_BEFORE = re.compile(r"\b(?:for|on)\s+$", re.IGNORECASE)


@_handler("weekday")
def _h_weekday(m, ctx: _Context, start: int, end: int) -> _Found | None:
    a = ctx.anchor
    if a is None:
        return None
    wd = ctx.rules.weekdays[_norm(m.group("weekday"))]
    rel = _norm(_g(m, "rel") or "")
    back = (a.isoweekday() - wd) % 7
    past = a - dt.timedelta(days=back)
    future = a + dt.timedelta(days=(wd - a.isoweekday()) % 7)
    if rel in ("last", "past", "previous", "this past"):
        d = past if back else a - dt.timedelta(days=7)
    elif rel in ("next", "coming", "this coming"):
        d = future if future != a else a + dt.timedelta(days=7)
    elif rel in ("the previous",):
        base = ctx.last.d if ctx.last and ctx.last.gran == "day" else a
        d = base - dt.timedelta(days=((base.isoweekday() - wd) % 7) or 7)
    elif rel in ("the following", "the next"):
        base = ctx.last.d if ctx.last and ctx.last.gran == "day" else a
        d = base + dt.timedelta(days=((wd - base.isoweekday()) % 7) or 7)
    elif rel == "this":
        d = a + dt.timedelta(days=wd - a.isoweekday())
    else:
        if back == 0:
            d = a
        elif _POSSESSIVE.match(ctx.text, end) and not _POSSESSIVE_BEFORE.search(
                ctx.text, max(0, start - 30), start):
            # "Wednesday's ruling": the verb of the clause governs the noun, not the day. A
            # day named as the owner of an event is one already reported ("would find a way
            # around Wednesday's ruling"), unless the event is awaited ("ahead of Sunday's
            # vote", "will vote in Sunday's election"); an outcome ("ruling", "attack") is
            # over even then ("will appeal Tuesday's verdict").
            kind, strong = ctx.cue(start, end)
            if ctx.rules.awaited_regex.search(ctx.text, max(0, start - 30), start):
                d = future
            elif ctx.next_word(_POSSESSIVE.match(ctx.text, end).end()) in \
                    ctx.rules.reported_nouns:
                d = past
            else:
                d = future if kind == "future" and strong else past
        else:
            tense = ctx.tense(start, end)
            d = future if tense == "future" else past
    pod = _g(m, "pod")
    if pod:
        return _point(start, end, _Pt("pod", d, ctx.rules.pods[_norm(pod)]))
    return _point(start, end, _Pt("day", d))


_COMPARED = re.compile(r"\b(?:compared\s+(?:with|to)|from|than|versus|vs\.?|against)\b[^.;]*$",
                       re.IGNORECASE)


@_handler("relunit")
def _h_relunit(m, ctx: _Context, start: int, end: int) -> _Found | None:
    unit = _norm(m.group("unit"))
    rel = _norm(_g(m, "rel") or "this")
    mod = _g(m, "mod")
    a = ctx.anchor
    if m.group(0)[:1].isupper() and m.group("unit")[:1].isupper() and ctx.in_name(start):
        return None  # ABC's "This Week"
    if rel == "the" and not mod:
        # "the year" alone: a whole year ("for the year") or the year in question; "the
        # weekend" is the nearest one. "The week", "the month" are too often not a time.
        if unit not in ("year", "weekend"):
            return None
        if _ENDED.match(ctx.text, end) or (ctx.prev_word(start) == "for" and re.match(
                r"[^\S\n]+(?:ended|ending)\b", ctx.text[end:end + 10])):
            # "in the year ended March 31", "for the year ending tomorrow": a year's span,
            # not a calendar year (a fiscal year has no calendar value of its own). "For the
            # year, volume was flat", "a high for the year" are the year in question.
            return _Found(start, end, "P1Y", "duration")
    if unit == "weekend" and rel in ("the", "the past", "this past", "the last", "this",
                                     "the coming", "this coming"):
        if a is None:
            return None
        this_weekend = _at(a, "weekend")
        if a.isoweekday() >= 6 or rel in ("this", "this coming", "the coming"):
            return _point(start, end, this_weekend)
        future = rel == "the" and ctx.tense(start, end) == "future"
        shifted = this_weekend if future else _shift(this_weekend, -1, "week")
        return _point(start, end, shifted) if shifted else None
    if unit in ("decade", "century") and rel in ("the past", "the last", "past", "last",
                                                 "the next", "next", "the coming", "coming"):
        years = 10 if unit == "decade" else 100
        return _Found(start, end, f"P{years}Y", "duration")
    gran = unit
    if unit == "day":
        gran = "day"
    anaphoric = rel in ("that", "that same", "the same", "the following", "the preceding",
                        "the prior") or \
        (rel == "the" and not re.match(r"(?:earl|lat)", _norm(mod or ""))) or \
        (rel in ("the next", "the previous") and unit in ("day",))
    if unit == "year" and rel == "last" and not mod and ctx.last is not None and \
            ctx.last.gran == "quarter" and \
            ctx.sentence_index(ctx.last_pos) >= ctx.sentence_index(start) - 1 and \
            _COMPARED.search(ctx.text, max(ctx.sentence(start)[0], start - 80), start):
        # "earnings of $33 million, compared with $40 million last year" next to a quarterly
        # figure: that quarter a year before.
        shifted = _shift(ctx.last, -1, "year")
        return _point(start, end, shifted, comparison=True) if shifted else None
    if _g(m, "superl"):
        day = ctx.near_day(start) if unit == "day" else None
        if day is not None:
            return _point(start, end, _Pt("day", day))
        return _point(start, end, _at(a, unit)) if a is not None else None
    if rel == "the" and unit == "day" and re.match(r"(?:earl|lat)", _norm(mod or "")):
        # "later in the day" after "on Tuesday": that day; with no day near, the anchor.
        # ("Earlier in the year" stays the anchor's year: news means the current one.)
        day = ctx.near_day(start)
        if day is not None:
            return _point(start, end, _Pt("day", day))
    if anaphoric and ctx.last is not None:
        base_pt = ctx.last
        if _GRAN_RANK[base_pt.gran] < _GRAN_RANK.get(gran, 0):
            # the last date is coarser than the unit ("that day" after "in 2020"): the
            # anchor is the better guess.
            if a is None:
                return None
            base = _at(a, gran)
        else:
            base = _Pt(gran, _floor(base_pt.d, gran))
    elif a is not None:
        base = _at(a, gran)
    else:
        return None
    step = _REL_STEP.get(rel, 0)
    if rel in ("the last", "the past") and unit in ("day",):
        step = -1
    shifted = _shift(base, step, unit) if step else base
    if shifted is None:
        return None
    return _point(start, end, shifted)


@_handler("unit_before")
def _h_unit_before(m, ctx: _Context, start: int, end: int) -> _Found | None:
    unit = _norm(m.group("unit"))
    last = ctx.last
    if last is not None and _GRAN_RANK[last.gran] >= _GRAN_RANK[unit]:
        base = _Pt(unit, _floor(last.d, unit))
    elif ctx.anchor is not None:
        base = _at(ctx.anchor, unit)
    else:
        return None
    shifted = _shift(base, -1, unit)
    return _point(start, end, shifted, comparison=True) if shifted else None


_UNIT_GRAN = {"day": "day", "night": "day", "week": "week", "weekend": "weekend",
              "fortnight": "week", "month": "month", "quarter": "quarter", "year": "year",
              "decade": "year", "century": "year", "millennium": "year"}
_UNIT_STEP = {"fortnight": ("week", 2), "decade": ("year", 10), "century": ("year", 100),
              "millennium": ("year", 1000), "night": ("day", 1), "weekend": ("week", 1)}


def _unit_key(rules: _Rules, s: str) -> str:
    s = _norm(s)
    if s in _PLURAL_UNITS:
        return _PLURAL_UNITS[s]
    if s in rules.units:
        return s
    if s.endswith("s") and s[:-1] in rules.units:
        return s[:-1]
    raise KeyError(s)


# How many sentences back "a year earlier", "two days later" look for the date they lean
# on; past that, the story has moved on and the publication date is the better guess.
_ANAPHOR_REACH = 3


@_handler("ago")
def _h_ago(m, ctx: _Context, start: int, end: int) -> _Found | None:
    rules = ctx.rules
    unit = _unit_key(rules, m.group("unit"))
    direction = _norm(m.group("dir"))
    # "two days after the attack", "three years before the war": the expression is the
    # duration; the point needs the event, which is not a time.
    if direction in ("before", "after", "prior", "on", "back"):
        nxt = ctx.text[end:end + 2]
        if not re.match(r"\s*(?:[.,;:!?)\"”]|$)", nxt):
            return None
    if unit in rules.time_units:
        return None
    a = ctx.anchor
    if a is None:
        return None
    backward = direction in ("ago", "earlier", "before", "previously", "back", "prior")
    if _g(m, "vague"):
        if direction in ("ago", "back", "from now", "hence"):
            return _Found(start, end, "PAST_REF" if backward else "FUTURE_REF", "reference")
        # "a few days later" counts from a moment of the story, which may lie in the past:
        # only its length is known.
        letter = rules.units[unit]
        return _Found(start, end, _duration_value(None, letter, unit), "duration")
    n = 0.0 if _g(m, "halfw") else _number(rules, m.group("num"))
    if n is None:
        return None
    if _g(m, "halfw") or _g(m, "half1") or _g(m, "half2"):
        n += 0.5  # "a year and a half ago", "half an hour earlier"
    base_unit, mult = _UNIT_STEP.get(unit, (unit, 1))
    steps = n * mult * (-1 if backward else 1)
    gran = _UNIT_GRAN.get(unit, "day")
    relative_to_text = direction in ("earlier", "later", "before", "after", "on", "previously",
                                     "prior")
    last = ctx.last
    comparison = False
    if relative_to_text and last is not None and \
            ctx.sentence_index(ctx.last_pos) >= ctx.sentence_index(start) - _ANAPHOR_REACH:
        base = last
        comparison = True
        if _GRAN_RANK[base.gran] < _GRAN_RANK[gran]:
            base = _Pt(gran, _floor(base.d, gran))
    else:
        base = _at(a, gran)
        # "a year ago" next to a quarterly figure means that quarter a year ago.
        if unit == "year" and last is not None and last.gran == "quarter" and \
                ctx.sentence_index(ctx.last_pos) >= ctx.sentence_index(start) - 1:
            base = last
            comparison = True
    if base.gran in ("pod", "time"):
        base = _Pt("day", base.d)
    if steps != int(steps):
        if base_unit == "year":
            base_unit, steps = "month", steps * 12
        elif base_unit == "month":
            base_unit, steps = "day", steps * 30
        else:
            return None
    shifted = _shift(base, int(steps), base_unit)
    if shifted is None:
        return None
    return _point(start, end, shifted, comparison)


def _duration_value(n: float | None, unit_letter: str, unit: str) -> str:
    """TIMEX3 duration for ``n`` units; ``None`` means a vague number (``X``)."""
    if unit == "weekend":
        return "PXD" if n is None else f"P{_fmt_num(2 * n)}D"
    if unit == "decade":
        return "PXDE" if n is None else f"P{_fmt_num(10 * n)}Y"
    if unit == "century":
        return "PXCE" if n is None else f"P{_fmt_num(100 * n)}Y"
    if unit == "millennium":
        return "PXML" if n is None else f"P{_fmt_num(1000 * n)}Y"
    if unit == "fortnight":
        return "PXW" if n is None else f"P{_fmt_num(2 * n)}W"
    if unit == "quarter":
        return "PXQ" if n is None else f"P{_fmt_num(3 * n)}M"
    t = "T" if unit in ("hour", "minute", "second") else ""
    if n is None:
        return f"P{t}X{unit_letter}"
    if n != int(n):
        # TIMEX3 numbers are whole: the fraction goes into the next smaller unit, after the
        # whole units ("2 1/2 years" is P2Y6M, "5 1/2 hours" PT5H30M, "half a day" PT12H).
        whole = int(n)
        if unit == "minute":
            rest = f"{round((n - whole) * 60)}S"
            return f"PT{whole}M{rest}" if whole else f"PT{rest}"
        smaller = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "H"), "H": (60, "M")}
        if unit_letter not in smaller:
            return f"P{t}{round(n)}{unit_letter}"  # "46.78 seconds": PT47S
        factor, letter = smaller[unit_letter]
        rest = f"{round((n - whole) * factor)}{letter}"
        if unit_letter == "D":
            return f"P{whole}DT{rest}" if whole else f"PT{rest}"
        return f"P{t}{whole}{unit_letter}{rest}" if whole else f"P{t}{rest}"
    return f"P{t}{int(n)}{unit_letter}"


def _fmt_num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


# Words after which "last" is the verb ("will last two weeks", "expected to last a year").
_VERB_LAST_BEFORE = frozenset({"will", "would", "could", "can", "may", "might", "must", "should",
                               "to", "'ll", "not", "also", "only", "still", "did", "does", "do"})


@_handler("duration")
def _h_duration(m, ctx: _Context, start: int, end: int) -> _Found | None:
    rules = ctx.rules
    unit = _unit_key(rules, m.group("unit"))
    letter = rules.units[unit]
    num = _g(m, "num")
    vague = _g(m, "vague")
    rel = _norm(_g(m, "rel") or "")
    text = ctx.text
    after = text[end:end + 12]
    if re.match(r"[\s-]+old\b", after):
        return None  # an age ("a 45-year-old man", "52 years old")
    unit_word = m.group("unit")
    if unit == "quarter" and not vague and (re.match(r"\s+of\b", after) or "-" in m.group(0)):
        return None  # a fraction: "three-quarters of its food", "a quarter of the market"
    if rel == "last" and not _g(m, "det") and ctx.prev_word(start) in _VERB_LAST_BEFORE:
        # "will last two weeks": the verb is no part of the expression.
        after_rel = text[m.end("rel"):end]
        start = m.end("rel") + len(after_rel) - len(after_rel.lstrip())
        rel = ""
    if _g(m, "halfw"):
        return _Found(start, end, _duration_value(0.5, letter, unit), "duration")
    if num is not None:
        nk = _norm(num)
        if unit == "second" and nk in ("a", "an"):
            return None  # "a second term" is an ordinal
        if nk in ("a", "an") and not _g(m, "det") and not rel and _is_rate(ctx, start):
            return None  # "$2 million a year", "four flights a week": a rate
        if unit_word[:1].isupper() and (nk in ("a", "an") or nk[:1].isdigit()) and \
                not unit_word.isupper():
            return None  # part of a name: "Sandra Day O'Connor", "60 Minutes"
        n = _number(rules, num)
        if n is None:
            return None
        if _g(m, "half1") or _g(m, "half2"):
            n += 0.5
        if n > 10000:
            return None
        if _g(m, "det") and not rel and "-" in text[m.end("num"):m.start("unit")]:
            # "the 30-year bond": the hyphenated duration modifies the noun, and "the" goes
            # with the noun.
            start = m.start("num")
        return _Found(start, end, _duration_value(n, letter, unit), "duration")
    if vague is not None:
        if unit == "night":
            unit, letter = "day", "D"
        return _Found(start, end, _duration_value(None, letter, unit), "duration")
    # A bare plural ("years") is a time only with a cue: "for years", "in recent months".
    cue = (_g(m, "cue") or "").lower()
    ahead = _norm(_g(m, "ahead") or "")
    if ahead == "ago":
        return _Found(start, end, "PAST_REF", "reference")  # "months ago"
    if unit == "hour" and (rel == "early" or (rel == "first" and re.match(
            r"\s+of\s+(?:[A-Z\d]|today|yesterday|tomorrow|this|last)", after))):
        return None  # "in the early hours of Thursday": a part of that day, not a length
    if re.match(r"\s+(?:1[5-9]|20)\d\d\b", after):
        return None  # "over the years 2005-2015": the years are named
    if not (rel or ahead or cue in ("for", "within", "in", "over") or _g(m, "long")):
        return None
    if not (rel or ahead) and re.match(r"the\s", text[start:end], re.IGNORECASE) and \
            cue != "over":
        # "in the days before the attack": a span of the story, not a duration ("over the
        # years" is one).
        return None
    return _Found(start, end, _duration_value(None, letter, unit), "duration")


@_handler("anaphor")
def _h_anaphor(m, ctx: _Context, start: int, end: int) -> _Found | None:
    a = ctx.anchor
    what = _norm(_g(m, "what") or "")
    last = ctx.last
    if _g(m, "yago"):
        if last is not None and a is not None and last.d > a:
            # "the year-ago period" compares reported results: it leans on the last period
            # reported, not on a forecast ("losses through the third quarter of 1990").
            last = ctx.last_past
        if what in ("nine months", "six months", "three months"):
            return _Found(start, end, f"P{_number(ctx.rules, what.split()[0]):.0f}M", "duration")
        if _g(m, "qord"):
            q = _QORD[_norm(m.group("qord"))]
            base_year = (last.d.year if last else a.year if a else None)
            if base_year is None:
                return None
            return _point(start, end, _Pt("quarter", dt.date(base_year - 1, 3 * q - 2, 1)),
                          comparison=True)
        if last is not None and (what in ("", "period") or
                                 (what == "quarter" and last.gran == "quarter")):
            base = last if last.gran not in ("pod", "time") else _Pt("day", last.d)
        elif what in ("quarter", "month", "week", "year"):
            if a is None:
                return None
            base = _at(a, what) if what != "quarter" else _shift(_at(a, "quarter"), -1, "quarter")
        elif a is not None:
            base = _at(a, "year")
        else:
            return None
        shifted = _shift(base, -1, "year") if base else None
        return _point(start, end, shifted, comparison=True) if shifted else None
    if what == "the day":
        if last is not None and last.gran in ("day", "pod", "time"):
            return _point(start, end, _Pt("day", last.d))
        if a is None:
            return None
        return _point(start, end, _Pt("day", a))
    # "the same period (a year earlier)"
    year = _g(m, "year")
    if last is not None:
        base = last
    elif a is not None:
        base = _at(a, {"day": "day", "week": "week", "month": "month"}.get(what, "quarter"))
    else:
        return None
    if year:
        base = _Pt(base.gran, base.d.replace(year=int(year), day=1) if base.gran != "day"
                   else base.d.replace(year=int(year)), base.code)
    elif _g(m, "shift"):
        shifted = _shift(base, -1, "year")
        if shifted is None:
            return None
        base = shifted
    elif what == "time":
        return None
    return _point(start, end, base, comparison=True)


_COUNTED_AFTER = re.compile(r"[^\S\n]+(?:\d|(?:few|several|many|two|three|four|five|six|seven|"
                            r"eight|nine|ten|dozen|couple)\b)", re.IGNORECASE)


@_handler("reference")
def _h_reference(m, ctx: _Context, start: int, end: int) -> _Found | None:
    key = _norm(m.group("ref"))
    if key == "one day":
        return _Found(start, end, "FUTURE_REF", "reference")  # "will one day be"
    value = ctx.rules.refs.get(key)
    if value is None:
        return None
    if key == "current":
        # "current" is a time only as an attribute of something ("the current account" is
        # not); a capitalised mid-sentence "Current" belongs to a name.
        if m.group("ref")[0].isupper() and start > 0 and ctx.text[start - 2:start] != ". ":
            return None
    if key == "now" and ctx.text[end:end + 1] == "-":
        return None  # "the now-cancelled deal": an adjective's prefix
    if key == "the past" and re.match(r"\s+(?:tense|participle)", ctx.text[end:end + 12]):
        return None
    if key == "the past" and _COUNTED_AFTER.match(ctx.text, end):
        return None  # "the past three summers": a count of periods, not the past at large
    return _Found(start, end, value, "reference")


# A quantity right before "a year", "per second": a number or an amount of money, with up to
# two words after it ("$2 million", "700 seats", "four flights"); "twice", "three times"
# make a frequency (a SET), not a rate.
_RATE_BEFORE = re.compile(
    r"(?:[$£€#][^\S\n]*\d(?:[\d,.]*\d)?|(?<![\w.,-])\d(?:[\d,.]*\d)?(?:[^\S\n]*%)?|"
    r"\b(?:one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|dozen))(?:[^\S\n]+(?!times\b|twice\b|once\b)[a-z][\w-]*){0,2}[^\S\n]+$")


def _is_rate(ctx: _Context, start: int) -> bool:
    """Whether the unit at ``start`` ("a year", "per second") divides a quantity before it:
    a rate or a speed, which TimeML does not mark ("$2 million a year", "700 seats a week",
    "15 million instructions per second"), unlike a frequency ("twice a week")."""
    text = ctx.text
    m = _RATE_BEFORE.search(text, max(0, start - 40), start)
    if m is None:
        return False
    # "killed 10 people in a week": after a preposition the unit is a length again.
    last = re.search(r"([A-Za-z]+)[^\S\n]*$", text[m.start():start])
    return last is None or last.group(1).lower() not in ctx.rules.rate_breakers


_SET_ADVERBS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M",
                "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H", "nightly": "P1D",
                "fortnightly": "P2W", "biweekly": "P2W", "bimonthly": "P2M",
                "semiannually": "P6M"}


@_handler("set")
def _h_set(m, ctx: _Context, start: int, end: int) -> _Found | None:
    rules = ctx.rules
    if _norm(_g(m, "every") or "") == "per" and not _g(m, "num") and \
            _is_rate(ctx, start):
        return None  # "15 million instructions per second": a speed
    if _g(m, "adverb"):
        return _Found(start, end, _SET_ADVERBS[_norm(m.group("adverb"))], "set")
    if _g(m, "weekends"):
        return _Found(m.start("weekends"), end, "XXXX-WXX-WE", "set")
    if _g(m, "pods") or _g(m, "pods_lead"):
        wd = rules.weekdays[_norm(_g(m, "weekday_pod") or m.group("weekday_lead"))]
        pod = rules.pods[_norm(_g(m, "pods") or m.group("pods_lead"))]
        return _Found(start, end, f"XXXX-WXX-{wd}T{pod}", "set")
    if _g(m, "weekdays"):
        wd = rules.weekdays[_norm(m.group("weekdays"))[:-1]]
        pod = _g(m, "pod")
        value = f"XXXX-WXX-{wd}" + (f"T{rules.pods[_norm(pod)]}" if pod else "")
        return _Found(start, end, value, "set")
    if _g(m, "weekday"):
        return _Found(start, end, f"XXXX-WXX-{rules.weekdays[_norm(m.group('weekday'))]}", "set")
    if _g(m, "month"):
        if not _month_ok(ctx, m, "month", bare=False):
            return None
        return _Found(start, end, f"XXXX-{_month(rules, m.group('month')):02d}", "set")
    unit = _unit_key(rules, m.group("unit"))
    n = _number(rules, m.group("num")) if _g(m, "num") else 1
    if n is None:
        return None
    return _Found(start, end, _duration_value(n, rules.units[unit], unit), "set")


@_handler("clock")
def _h_clock(m, ctx: _Context, start: int, end: int) -> _Found | None:
    minute = 0
    if _g(m, "noon"):
        key = _norm(m.group("noon"))
        if key == "noon" and ctx.prev_word(start) == "high":
            return None  # "High Noon", "high noon comes today": an idiom, not a clock time
        hour = 24 if key == "midnight" else 12
    elif _g(m, "hour_word"):
        hour = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve"].index(_norm(m.group("hour_word"))) + 1
    elif _g(m, "hhmm"):
        hour, minute = int(m.group("hhmm")[:2]), int(m.group("hhmm")[2:])
    else:
        hour = int(m.group("hour"))
        minute = int(m.group("minute") or 0)
        ampm = _g(m, "ampm")
        if ampm:
            pm = ampm.lower().startswith("p")
            if hour == 12:
                hour = 12 if pm else 0
            elif pm:
                hour += 12
        elif not _g(m, "zone") and not _g(m, "daypart"):
            # "14:56" alone is a time only with something that says so nearby: "at",
            # a date before it, or a 24-hour reading that cannot be a ratio or a score.
            prev = ctx.prev_word(start)
            if prev not in ("at", "by", "until", "before", "after", "from", "to", "around",
                            "about", "since", "till"):
                return None
    daypart = _norm(_g(m, "daypart") or "")
    if daypart:
        # "4 in the morning", "8 in the evening", "11 at night" ("12 in the morning" is 00).
        if _g(m, "minute"):
            minute = int(m.group("minute"))
        if daypart == "morning":
            hour = 0 if hour == 12 else hour
        elif daypart in ("afternoon", "evening") or (daypart == "night" and hour >= 6):
            hour = hour if hour == 12 else hour + 12
        elif daypart == "night" and hour == 12:
            hour = 0
    zone = _g(m, "zone")
    z = ctx.rules.zones.get(_norm(zone), "") if zone else ""
    clock = f"{hour:02d}:{minute:02d}{z}"
    a = ctx.anchor
    last = ctx.last
    # A clock time belongs to the day last mentioned in this or the previous sentence
    # ("shot on Oct. 23 ... at 10 p.m."), else to the publication date.
    if last is not None and last.gran in ("day", "pod", "time") and \
            ctx.sentence_index(ctx.last_pos) >= ctx.sentence_index(start) - 1:
        day = last.d
    elif a is not None:
        day = a
    else:
        return _Found(start, end, "", "time", None, clock)  # needs a date next to it
    p = _Pt("time", day, clock)
    found = _point(start, end, p)
    found.clock = clock
    return found


def _easter(year: int) -> dt.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holiday_date(spec: Any, year: int) -> dt.date | None:
    if spec == "thanksgiving":
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    if spec == "easter":
        return _easter(year)
    if isinstance(spec, dict):
        # The nth weekday of a month (the last when nth is -1), from day `from` on.
        month, wd, nth = int(spec["month"]), int(spec["weekday"]), int(spec.get("nth", 1))
        if nth < 0:
            last = _add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
            return last - dt.timedelta(days=(last.isoweekday() - wd) % 7)
        first = dt.date(year, month, int(spec.get("from", 1)))
        return first + dt.timedelta(days=(wd - first.isoweekday()) % 7 + 7 * (nth - 1))
    return _safe_date(year, int(spec[0]), int(spec[1]))


@_handler("holiday")
def _h_holiday(m, ctx: _Context, start: int, end: int) -> _Found | None:
    key = _norm(m.group("holiday")).replace("’", "'")
    spec = ctx.rules.holidays.get(key)
    if spec is None:
        return None
    if isinstance(spec, dict) and not m.group("holiday")[:1].isupper():
        return None  # "the election day" of some other country: only the name counts
    gran = "week" if _g(m, "hweek") else "day"  # "Easter week"
    if _g(m, "year"):
        d = _holiday_date(spec, int(m.group("year")))
        return _point(start, end, _at(d, gran)) if d else None
    a = ctx.anchor
    if a is None:
        return None
    cands = [_Pt("day", d) for y in (a.year - 1, a.year, a.year + 1)
             if (d := _holiday_date(spec, y)) is not None]
    rel = _norm(_g(m, "rel") or "")
    tense, strong = ctx.cue(start, end)
    if rel in ("last", "this past", "next"):
        tense, strong = ("future" if rel == "next" else "past"), True
    chosen = _choose(cands, a, tense, strong)
    if chosen is None:
        return None
    return _point(start, end, _at(chosen.d, gran) if gran != "day" else chosen)


@_handler("interval")
def _h_interval(m, ctx: _Context, start: int, end: int) -> _Found | None:
    rules = ctx.rules
    y1 = _g(m, "y1") or _g(m, "y1only")
    y2 = _g(m, "y2") or _g(m, "y2only")
    if _g(m, "y1only") and _g(m, "y2only"):
        a_, b_ = int(y1), int(y2)
        if b_ < a_:
            return None
        return _Found(start, end, f"{a_:04d}/{b_:04d}", "interval")
    for grp in ("m1", "m2"):
        if _g(m, grp) and not _month_ok(ctx, m, grp, bare=False):
            return None
    if not (_g(m, "m1") and _g(m, "m2")):
        return None
    m1, m2 = _month(rules, m.group("m1")), _month(rules, m.group("m2"))
    if y2 is None:
        if ctx.anchor is None:
            return None
        # Without a year, the pair is placed like a single month: its end decides.
        cands = [_Pt("month", dt.date(y, m2, 1)) for y in
                 (ctx.anchor.year - 1, ctx.anchor.year, ctx.anchor.year + 1)]
        chosen = _choose(cands, ctx.anchor, *ctx.cue(start, end))
        if chosen is None:
            return None
        year2 = chosen.d.year
    else:
        year2 = int(y2)
    year1 = int(y1) if y1 else (year2 if m1 <= m2 else year2 - 1)
    first = _Pt("month", dt.date(year1, m1, 1))
    last = _Pt("month", dt.date(year2, m2, 1))
    if last.d < first.d:
        return None
    found = _Found(start, end, f"{first.value()}/{last.value()}", "interval", last)
    return found


@_handler("dateparser")
def _h_dateparser(m, ctx: _Context, start: int, end: int) -> _Found | None:
    return _parse_with_dateparser(ctx.text[start:end], ctx.anchor, start, end)


def _parse_with_dateparser(s: str, anchor: dt.date | None, start: int, end: int) -> _Found | None:
    """The fallback for strings the rules do not cover; dateparser is imported on first use
    because importing it costs more than tagging a long article."""

    base = dt.datetime.combine(anchor, dt.time(12)) if anchor else None
    if anchor is None and not re.search(r"\b(?:1[5-9]|20)\d\d\b", s):
        return None  # relative to nothing: no value can be right
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past"}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    try:
        data = _date_data_parser(tuple(sorted(settings.items()))).get_date_data(s)
    except Exception:  # dateparser raises a variety of errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    gran = {"day": "day", "week": "week", "month": "month", "year": "year",
            "time": "day"}.get(period, "day")
    return _point(start, end, _Pt(gran, _floor(d, gran)))


@lru_cache(maxsize=8)
def _date_data_parser(settings: tuple[tuple[str, Any], ...]):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings=dict(settings))


# ---------------------------------------------------------------------------------------------
# Putting it together

# Within a line: a dateline's date does not join the clock time of the first sentence.
_JOIN_TIME_AFTER_DATE = re.compile(r"[^\S\n]*,?[^\S\n]*(?:at\s+|@\s*)?$", re.IGNORECASE)
_JOIN_DATE_AFTER_TIME = re.compile(r"[^\S\n]*,?[^\S\n]*(?:on\s+)?$", re.IGNORECASE)


_PAREN_OPEN = re.compile(r"[^\S\n]*\($")
_PAREN_CLOSE = re.compile(r"\)[^\S\n]*,?[^\S\n]*(?:on\s+)?$", re.IGNORECASE)


def _merge_clock(found: list[_Found], text: str) -> list[_Found]:
    """Join a clock time with the date right before or after it ("Feb 1, 2022 at 14:56",
    "5 p.m. EST, Nov. 9") into one expression of precision ``time``."""
    out: list[_Found] = []
    i = 0
    while i < len(found):
        f = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        day_after = found[i + 2] if i + 2 < len(found) else None
        if f.clock is not None and nxt is not None and nxt.clock is not None and \
                day_after is not None and day_after.point is not None and \
                day_after.point.gran == "day" and _PAREN_OPEN.match(text[f.end:nxt.start]) \
                and _PAREN_CLOSE.match(text[nxt.end:day_after.start]):
            # "10:35 a.m. (0735 GMT) Friday": both clock times fall on the day after them.
            for c in (f, nxt):
                p = _Pt("time", day_after.point.d, c.clock or "")
                out.append(_Found(c.start, c.end, p.value(), "time", p))
            i += 2
            continue
        if nxt is not None:
            gap = text[f.end:nxt.start]
            date_first = f.point is not None and f.point.gran in ("day", "pod") and \
                nxt.clock is not None and _JOIN_TIME_AFTER_DATE.match(gap) and len(gap) < 8
            time_first = f.clock is not None and nxt.point is not None and \
                nxt.point.gran == "day" and _JOIN_DATE_AFTER_TIME.match(gap) and len(gap) < 6
            if date_first or time_first:
                day = f.point.d if date_first else nxt.point.d  # type: ignore[union-attr]
                clock = nxt.clock if date_first else f.clock
                p = _Pt("time", day, clock or "")
                out.append(_Found(f.start, nxt.end, p.value(), "time", p))
                i += 2
                continue
        if f.value:
            out.append(f)
        i += 1
    return out


def _as_date(anchor: str | dt.date | None) -> dt.date | None:
    if anchor is None or anchor == "":
        return None
    if isinstance(anchor, dt.datetime):
        return anchor.date()
    if isinstance(anchor, dt.date):
        return anchor
    s = str(anchor).strip()
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError as exc:
        raise ValueError(f"anchor {anchor!r} is not an ISO 8601 date") from exc


_WORD = re.compile(r"[A-Za-z]+\d*|\d+")
# An expression an approximator may go with begins with a number ("two", "30", "a", "an").
_APPROX_HEAD = re.compile(r"(?i:\d|an?\b|one|two|three|four|five|six|seven|eight|nine|ten|"
                          r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|"
                          r"eighty|ninety|hundred|half|several|a\s+few|a\s+couple|"
                          r"(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s*[ap]\.?m|noon|midnight)")
# How far around a trigger word a pattern may reach: "the very beginning of this coming"
# before a month, "15, 2021 at 14:56 UTC" after it.
_REACH = 60


def _windows(text: str, rules: _Rules) -> dict[int, list[tuple[int, int]]]:
    """For each pattern, the stretches of text around its trigger words, merged. Running the
    patterns only there (instead of over the whole text) is what makes tagging cheap: most
    words trigger nothing, and each pattern then scans a few hundred characters."""
    lut = rules.triggers
    by_class = rules.by_class
    hits: dict[int, list[tuple[int, int]]] = {}
    n = len(text)
    for m in _WORD.finditer(text):
        w = m.group()
        if w[0].isdigit():
            classes: frozenset[str] | tuple[str, ...] = (
                ("number", "year4") if len(w) == 4 and 1500 <= int(w) <= 2099 else ("number",))
        else:
            found = lut.get(w.lower())
            if not found and w[-1].isdigit():
                found = lut.get(w.rstrip("0123456789").lower())  # "FY2022", "Q3"
            if not found:
                continue
            classes = found
        start, end = m.start(), m.end()
        lo = max(0, start - _REACH)
        # Never start a window inside a word: patterns assume they see whole words.
        while lo > 0 and text[lo - 1].isalnum():
            lo -= 1
        hi = min(n, end + _REACH)
        for cls in classes:
            for order in by_class.get(cls, ()):
                hits.setdefault(order, []).append((lo, hi))
    merged: dict[int, list[tuple[int, int]]] = {}
    for order, spans in hits.items():
        spans.sort()
        out = [spans[0]]
        for lo, hi in spans[1:]:
            if lo <= out[-1][1]:
                if hi > out[-1][1]:
                    out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        merged[order] = out
    return merged


def find_times(
    text: str,
    *,
    doc_id: str,
    anchor: str | dt.date | None,
    candidates: Sequence[tuple[int, int]] = (),
    doc: Any = None,
) -> list[TimeRef]:
    """Time expressions in ``text`` as :class:`TimeRef` records, in text order.

    ``anchor`` is the publication date (ISO 8601 string, ``date`` or ``datetime``); relative
    expressions are resolved against it, and without it they are left out (absolute dates,
    durations, sets and references are still returned). Records do not overlap.
    ``candidates`` are extra ``(start, end)`` spans to try (spaCy DATE entities, say): one
    that overlaps nothing the rules found is normalised with dateparser and kept when it
    parses. ``doc`` is an optional spaCy ``Doc`` of the same ``text`` (the analyze stage
    passes its parse): when an expression without a year or a direction is an adverbial of a
    verb, that verb's tense decides whether it lies before or after the publication date
    (a past tense or a present perfect: before; "will", "plans to": after), instead of the
    words near it. Without it the words decide, as they do wherever the parse says nothing.
    Offsets are character offsets into ``text``.
    """
    rules = _rules()
    a = _as_date(anchor)
    if not text:
        return []
    spans: list[tuple[int, int, int, re.Match[str] | None]] = []
    for order, windows in _windows(text, rules).items():
        pat = rules.patterns[order]
        has_t = "t" in pat.regex.groupindex
        for w_start, w_end in windows:
            for m in pat.regex.finditer(text, w_start, w_end):
                if has_t and m.group("t") is not None:
                    s, e = m.span("t")
                else:
                    s, e = m.span()
                # Trailing spaces are not part of an expression.
                while e > s and text[e - 1].isspace():
                    e -= 1
                if e <= s:
                    continue
                spans.append((s, e, order, m))
    spans.sort(key=lambda x: (x[0], -(x[1] - x[0]), x[2]))
    ctx = _Context(text, a, rules, doc)
    found: list[_Found] = []
    pos = 0
    for s, e, order, m in spans:
        if s < pos:
            continue
        pat = rules.patterns[order]
        try:
            result = _HANDLERS[pat.handler](m, ctx, s, e)
        except (KeyError, ValueError, OverflowError):
            # A match the vocabulary cannot read (a Unicode case-fold of a month name, a
            # date past year 9999): not a time expression, whatever else it is.
            result = None
        if result is None:
            continue
        if result.precision in ("duration", "time") or pat.handler == "ago":
            # "nearly two years", "at least 30 days ago", "around 7:15 p.m."
            approx = rules.approx_regex.search(text, max(pos, result.start - 24), result.start)
            if approx is not None and _APPROX_HEAD.match(text, result.start):
                result.start = approx.start()
        if re.search(r"\b(?:ended|ending|ends)\s+$", text[max(0, s - 10):s]):
            # "the quarter ended Sept. 30": the date bounds the period in question; later
            # comparisons lean on the period, not on its last day.
            result.comparison = True
        found.append(result)
        pos = e
        p = result.point
        if p is not None and not result.comparison and \
                result.precision not in ("duration", "set", "reference"):
            ctx.last = p
            ctx.last_pos = s
            if p.gran in ("day", "pod", "time"):
                ctx.last_day = p
                ctx.last_day_pos = s
            if a is None or _period_end(p) <= a:
                ctx.last_past = p
    found = _merge_clock(found, text)
    if candidates:
        found = _add_candidates(found, candidates, text, a)
    return [
        TimeRef(doc_id=doc_id, start=f.start, end=f.end, text=text[f.start:f.end],
                value=f.value, precision=f.precision)
        for f in found
        if f.value
    ]


def _add_candidates(found: list[_Found], candidates: Sequence[tuple[int, int]], text: str,
                    anchor: dt.date | None) -> list[_Found]:
    taken = [(f.start, f.end) for f in found]
    extra: list[_Found] = []
    for s, e in candidates:
        if not (0 <= s < e <= len(text)):
            continue
        if any(s < te and ts < e for ts, te in taken):
            continue
        span = text[s:e]
        # dateparser reads bare numbers as days of the month; a span without a word or a
        # four-digit year is not worth asking about.
        if not re.search(r"[A-Za-z]{3,}|\b\d{4}\b", span):
            continue
        f = _parse_with_dateparser(span, anchor, s, e)
        if f is not None:
            extra.append(f)
            taken.append((s, e))
    return sorted(found + extra, key=lambda f: f.start)
