"""Quantities: counts of troops, casualties, weapons and money in a parsed document.

"around 100,000 troops" becomes ``Quantity(value=100000, unit="troops", approximate=True)``;
"$ 2.5 billion" becomes ``value=2500000000, unit="USD"``. A number counts only when the parse
tells what it counts:

- a noun it modifies ("8,500 soldiers": ``nummod``), or the noun after "of" ("dozens of
  people", "tens of thousands of protesters");
- a currency symbol or word (unit: ISO 4217 code) or a percent sign or word (unit:
  ``percent``);
- when the noun is left out, the predicate: "39 are confirmed dead" → unit ``dead``, "12 were
  killed" → ``killed``, "1.5 million displaced" → ``displaced``. The predicate is the unit
  because it says what was counted, which "people" would lose.

Not quantities: years and other dates, times and durations (the time layer's), ordinals,
numbers that are part of a name ("Flight 752", "Resolution 2231", the "737" of "two 737 MAX
aircraft"), hyphenated attributes ("a 45-year-old man"), and numbers whose counted thing the
parse does not show. Word lists live in ``data/quantities.yaml``.

``unit`` is the counted noun lower-cased in its plural form ("troops", "soldiers", "people",
"aircraft"), so that "one soldier" and "8,500 soldiers" aggregate together.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from sitrep.analyze.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass(frozen=True, kw_only=True, slots=True)
class Quantity:
    """A count in a document.

    ``start``/``end`` are character offsets of the whole phrase (approximator, currency sign,
    number and counted noun when they are contiguous) and ``text`` is that slice; ``value`` is an
    int when whole, else a float; ``unit`` is the counted noun (plural, lower-case), an ISO 4217
    code for money, ``percent``, or the predicate for elided nouns ("dead"); ``approximate``
    is True for "around", "up to", "more than", ranges and vague plurals ("dozens");
    ``head_start``/``head_end`` are the character offsets of the word that gave the unit.
    """

    start: int
    end: int
    text: str
    value: int | float
    unit: str
    approximate: bool
    head_start: int
    head_end: int


# --------------------------------------------------------------------------------------------
# Lexicon

@dataclass(frozen=True, slots=True)
class QuantityLexicon:
    """The lists of ``data/quantities.yaml`` in lookup-ready form."""

    number_words: dict[str, int]
    multipliers: dict[str, int]
    suffix_multipliers: dict[str, int]
    vague_counts: dict[str, int]
    approximators: dict[str, tuple[tuple[str, ...], ...]]  # last word -> phrases, longest first
    post_approximators: tuple[tuple[str, ...], ...]
    aggregate_nouns: frozenset[str]
    currencies: dict[str, str]
    ambiguous_currencies: frozenset[str]
    percent_words: frozenset[str]
    elliptic_predicates: dict[str, str]
    preferred_units: frozenset[str]
    irregular_plurals: dict[str, str]
    time_units: frozenset[str]


def _phrases(items: list[Any]) -> list[tuple[str, ...]]:
    return [tuple(str(x).lower().split()) for x in items]


def load_lexicon(text: str | None = None) -> QuantityLexicon:
    """Parse the word lists from YAML ``text`` (default: the packaged ``quantities.yaml``)."""
    if text is None:
        text = resources.files("sitrep.data").joinpath("quantities.yaml").read_text("utf-8")
    d: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    approximators: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _phrases(d.get("approximators", [])):
        approximators.setdefault(phrase[-1], []).append(phrase)
    return QuantityLexicon(
        number_words={str(k).lower(): int(v) for k, v in d.get("number_words", {}).items()},
        multipliers={str(k).lower(): int(v) for k, v in d.get("multipliers", {}).items()},
        suffix_multipliers={str(k).lower(): int(v) for k, v in d.get("suffix_multipliers", {}).items()},
        vague_counts={str(k).lower(): int(v) for k, v in d.get("vague_counts", {}).items()},
        approximators={k: tuple(sorted(v, key=len, reverse=True)) for k, v in approximators.items()},
        post_approximators=tuple(sorted(_phrases(d.get("post_approximators", [])), key=len, reverse=True)),
        aggregate_nouns=frozenset(str(x).lower() for x in d.get("aggregate_nouns", [])),
        currencies={str(k).lower(): str(v).upper() for k, v in d.get("currencies", {}).items()},
        ambiguous_currencies=frozenset(str(x).lower() for x in d.get("ambiguous_currencies", [])),
        percent_words=frozenset(str(x).lower() for x in d.get("percent_words", [])),
        elliptic_predicates={str(k).lower(): str(v) for k, v in d.get("elliptic_predicates", {}).items()},
        preferred_units=frozenset(str(x).lower() for x in d.get("preferred_units", [])),
        irregular_plurals={str(k).lower(): str(v) for k, v in d.get("irregular_plurals", {}).items()},
        time_units=frozenset(str(x).lower() for x in d.get("time_units", [])),
    )


@lru_cache(maxsize=1)
def lexicon() -> QuantityLexicon:
    """The packaged word lists, parsed once per process."""
    return load_lexicon()


# --------------------------------------------------------------------------------------------
# Reading numbers

_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_GLUED = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)([a-z]+)$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d|2100)$")
# Entity labels whose numbers are not counts: the time layer's, ranks, names of laws/products.
_SKIP_ENTS = frozenset({"DATE", "TIME", "ORDINAL", "LAW", "PRODUCT", "WORK_OF_ART", "EVENT", "FAC"})
_NOUNS = frozenset({"NOUN", "PROPN"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_MODIFIER_DEPS = frozenset({"nummod", "quantmod", "compound", "amod", "nmod", "npadvmod", "appos", "det"})


@dataclass(slots=True)
class _Chunk:
    start: int  # token indices, end exclusive
    end: int
    value: float
    vague: bool


def _number_value(text: str) -> float:
    return float(text.replace(",", ""))


def _read_number(doc: Doc, i: int, lex: QuantityLexicon) -> _Chunk | None:
    """The number phrase starting at token ``i`` ("2.5 billion", "twenty - five", "hundreds of
    thousands", "a dozen", "5 m"), or None."""
    n = len(doc)
    low = doc[i].lower_
    vague = False
    j = i + 1
    glued = _GLUED.match(low)
    if _DIGITS.match(low):
        value = _number_value(low)
        if j < n and not doc[i].whitespace_ and doc[j].lower_ in lex.suffix_multipliers:
            value *= lex.suffix_multipliers[doc[j].lower_]  # "$5m" is split as "$ 5 m"
            return _Chunk(i, j + 1, value, False)
    elif glued and glued.group(2) in lex.suffix_multipliers:
        return _Chunk(i, j, _number_value(glued.group(1)) * lex.suffix_multipliers[glued.group(2)], False)
    elif low in lex.number_words:
        value = float(lex.number_words[low])
        # "twenty-five", "twenty five"
        if 20 <= value <= 90 and j < n:
            k = j + 1 if doc[j].lower_ == "-" and j + 1 < n else j
            if doc[k].lower_ in lex.number_words and lex.number_words[doc[k].lower_] < 10:
                value += lex.number_words[doc[k].lower_]
                j = k + 1
    elif low in ("a", "an", "half") and j < n:
        value = 0.5 if low == "half" else 1.0
        if low == "half" and doc[j].lower_ in ("a", "an") and j + 1 < n:
            j += 1
        if doc[j].lower_ not in lex.multipliers:
            return None
    elif low in lex.vague_counts:
        value = float(lex.vague_counts[low])
        vague = True
        # "hundreds of thousands", "tens of thousands of"
        while j + 1 < n and doc[j].lower_ == "of" and doc[j + 1].lower_ in lex.vague_counts:
            value *= lex.vague_counts[doc[j + 1].lower_] / 2
            j += 2
        return _Chunk(i, j, value, True)
    else:
        return None
    while j < n and doc[j].lower_ in lex.multipliers:
        value *= lex.multipliers[doc[j].lower_]
        j += 1
        # "one hundred and twenty"
        if (doc[j - 1].lower_ == "hundred" and j + 1 < n and doc[j].lower_ == "and"
                and doc[j + 1].lower_ in lex.number_words):
            value += lex.number_words[doc[j + 1].lower_]
            j += 2
    return _Chunk(i, j, value, vague)


def _chunk_root(doc: Doc, chunk: _Chunk) -> Token:
    for t in doc[chunk.start:chunk.end]:
        if not chunk.start <= t.head.i < chunk.end or t.head.i == t.i:
            return t
    return doc[chunk.end - 1]


# --------------------------------------------------------------------------------------------
# What a number counts

def _plural(token: Token, lex: QuantityLexicon) -> str:
    text = token.lower_
    if (token.tag_ in ("NNS", "NNPS") or token.pos_ == "PROPN"
            or len(text) <= 3 and not any(c in "aeiou" for c in text)):
        return text  # already plural, a name ("Taliban"), or an abbreviation ("km") with no plural
    lemma = token.lemma_.lower() or text
    if lemma in lex.irregular_plurals:
        return lex.irregular_plurals[lemma]
    if text in lex.irregular_plurals:
        return lex.irregular_plurals[text]
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        return lemma + "es"
    if lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _currency(token: Token, lex: QuantityLexicon) -> str | None:
    low = token.lower_
    code = lex.currencies.get(low)
    if code and low in lex.ambiguous_currencies and token.ent_type_ != "MONEY":
        return None
    return code


def _elliptic(subject: Token, lex: QuantityLexicon) -> Token | None:
    """The predicate word standing for an elided noun: "39 are confirmed [dead]"."""
    verb = subject.head
    for child in verb.children:
        if child.dep_ in ("acomp", "oprd", "attr") and child.lemma_.lower() in lex.elliptic_predicates:
            return child
    if verb.lemma_.lower() in lex.elliptic_predicates and verb.pos_ in ("VERB", "ADJ", "AUX"):
        return verb
    return None


def _counted(doc: Doc, chunk: _Chunk, root: Token, lex: QuantityLexicon,
             roots: dict[int, tuple[Token, str]]) -> tuple[Token, str] | None:
    """The token naming what the number counts, and the unit it gives."""
    s, e = chunk.start, chunk.end
    n = len(doc)
    # Money before the number: "$ 2.5 billion", "€1.2bn", "US$5bn".
    k = s - 1
    if k >= 0:
        code = _currency(doc[k], lex)
        if code and not doc[k].is_alpha:
            return doc[k], code
    if e < n:
        nxt = doc[e]
        if nxt.lower_ in lex.percent_words or (nxt.lower_ == "per" and e + 1 < n and doc[e + 1].lower_ == "cent"):
            return nxt, "percent"
        # "dozens of people", "tens of thousands of protesters", "5,000 rounds of ammunition"
        if nxt.lower_ == "of" and (chunk.vague or root.pos_ != "NUM" or root.dep_ not in ("nummod",)):
            obj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
            if obj is None and e + 1 < n and doc[e + 1].pos_ in _NOUNS:
                obj = doc[e + 1]
            if (obj is not None and obj.pos_ in _NOUNS and obj.lemma_.lower() not in lex.time_units
                    and e < obj.i <= e + 6 and "\n" not in doc[e:obj.i].text):
                code = _currency(obj, lex)
                return (obj, code) if code else (obj, _plural(obj, lex))
    # A conjoined number shares its partner's noun: "between 36 and 40 people".
    if root.dep_ == "conj" and root.head.i in roots:
        return roots[root.head.i]
    head = root.head
    if (root.dep_ in _MODIFIER_DEPS and head.pos_ in _NOUNS and e <= head.i <= e + 5
            and not any(t.pos_ == "ADP" or "\n" in t.text for t in doc[e:head.i])):
        lemma = head.lemma_.lower()
        if lemma in lex.time_units:
            return None
        code = _currency(head, lex)
        if code:
            return head, code
        if lemma not in lex.preferred_units:
            # "two 737 MAX aircraft disasters" counts aircraft: a model name, then the kind of thing.
            for t in doc[e:head.i]:
                if (t.pos_ == "NOUN" and t.lemma_.lower() in lex.preferred_units and t.head.i == head.i
                        and any(u.pos_ == "PROPN" or u.like_num for u in doc[e:t.i])):
                    return t, _plural(t, lex)
        return head, _plural(head, lex)
    # "A total of 39 are confirmed dead": the aggregate noun is the subject.
    subject = root
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in lex.aggregate_nouns:
        subject = root.head.head
    if subject.dep_ in _SUBJECTS or (subject is root and root.dep_ in ("npadvmod", "dobj")):
        pred = _elliptic(subject, lex)
        if pred is not None:
            return pred, lex.elliptic_predicates[pred.lemma_.lower()]
    return None


def _approximator_start(doc: Doc, i: int, lex: QuantityLexicon) -> int | None:
    """Token index where an approximator ending just before token ``i`` starts, or None."""
    if i <= 0:
        return None
    phrases = lex.approximators.get(doc[i - 1].lower_)
    if not phrases:
        return None
    for phrase in phrases:
        start = i - len(phrase)
        if start >= 0 and tuple(t.lower_ for t in doc[start:i]) == phrase:
            return start
    return None


def _is_name_part(doc: Doc, chunk: _Chunk, root: Token, prev_end: int) -> bool:
    """Numbers inside names: "Flight 752", "Boeing 737", the "737" of "two 737 MAX"."""
    s, e = chunk.start, chunk.end
    if prev_end == s:
        return True  # two counts in a row cannot both count: the second is a name
    if s > 0:
        prev = doc[s - 1]
        if (prev.pos_ in _NOUNS and (prev.is_title or prev.is_upper) and prev.ent_type_ not in ("GPE", "NORP")
                and (root.head.i == prev.i or prev.head.i == root.i
                     or (prev.head.i == root.head.i and root.head.pos_ == "PROPN"))):
            return True  # "Flight 752", "Resolution 2231", "Boeing 737 Max"
    if e < len(doc):
        nxt = doc[e]
        if nxt.ent_type_ in ("GPE", "NORP"):
            return False
        if root.head.pos_ == "PROPN" and nxt.pos_ == "PROPN" and root.head.i >= nxt.i:
            return True  # the number modifies a name: "the 737 Max", "36 Quai des Orfevres"
        if (nxt.is_upper and nxt.is_alpha and len(nxt) > 1
                and not (root.head.pos_ in _NOUNS and root.head.tag_ in ("NNS", "NNPS") and root.head.i > nxt.i)):
            return True  # "737 MAX" unless a plural noun follows: "500 NATO soldiers"
    return False


_RANGE_WORDS = frozenset({"-", "–", "to"})


def find_quantities(doc: Doc) -> list[Quantity]:
    """Counted quantities in ``doc``, in text order, with character offsets into ``doc.text``."""
    lex = lexicon()
    text = doc_text(doc)
    out: list[Quantity] = []
    roots: dict[int, tuple[Token, str]] = {}
    approx_roots: set[int] = set()
    n = len(doc)
    i = 0
    prev_end = -1  # token end of the last number that was not a date or a rank
    last_end = -1  # token end of the last quantity found
    while i < n:
        chunk = _read_number(doc, i, lex)
        if chunk is None:
            i += 1
            continue
        i = chunk.end
        s, e = chunk.start, chunk.end
        if any(t.ent_type_ in _SKIP_ENTS for t in doc[s:e]):
            continue
        root = _chunk_root(doc, chunk)
        before, prev_end = prev_end, e
        if _is_name_part(doc, chunk, root, before):
            continue
        if e < n - 1 and doc[e].lower_ == "-" and doc[e + 1].is_alpha and doc[e + 1].lower_ not in lex.number_words:
            continue  # "a 45-year-old man", "a 10-day truce": an attribute, not a count
        if e - s == 1 and doc[s].lower_ == "one":
            continue  # a determiner or pronoun far more often than a count: "one news site", "one of"
        # "36-40 people", "10 to 20 soldiers": the upper end shares the lower end's unit.
        range_end = s >= 2 and last_end == s - 1 and doc[s - 1].lower_ in _RANGE_WORDS and bool(out)
        counted = _counted(doc, chunk, root, lex, roots)
        if counted is None and range_end:
            low = out[-1]
            counted = (doc.char_span(low.head_start, low.head_end, alignment_mode="expand")[0], low.unit)
        if counted is None:
            continue
        head, unit = counted
        if (e - s == 1 and _YEAR.match(doc[s].text) and unit not in lex.currencies.values()
                and head.tag_ not in ("NNS", "NNPS")):
            continue  # a year the entity recogniser missed
        roots[root.i] = counted

        approximate = chunk.vague or range_end
        k = s - 1 if s > 0 and head.i == s - 1 and not head.is_alpha else s  # "$" before the number
        first = k
        a = _approximator_start(doc, k, lex)
        if a is not None:
            approximate = True
            first = a
        if root.dep_ == "conj" and root.head.i in approx_roots:
            approximate = True  # the upper end of "between 36 and 40"
        last = e - 1
        between = doc[e:head.i] if head.i >= e else ()
        if (head.i >= e and head.i - e <= 5 and head.pos_ != "VERB" and head.dep_ != "oprd"
                and not any(t.dep_ == "cc" or t.lower_ in _RANGE_WORDS for t in between)):
            last = head.i
            if head.lower_ == "per" and head.i + 1 < n:
                last = head.i + 1
        for phrase in lex.post_approximators:
            p_end = last + 1 + len(phrase)
            if p_end <= n and tuple(t.lower_ for t in doc[last + 1:p_end]) == phrase:
                approximate = True
                break
        if range_end and not out[-1].approximate:
            out[-1] = dataclasses.replace(out[-1], approximate=True)
        if approximate:
            approx_roots.add(root.i)
        value = chunk.value
        number: int | float = int(value) if float(value).is_integer() else value
        start_char, end_char = doc[first].idx, doc[last].idx + len(doc[last])
        head_end = head.idx + len(head)
        if head.lower_ == "per" and head.i + 1 < n and doc[head.i + 1].lower_ == "cent":
            head_end = doc[head.i + 1].idx + len(doc[head.i + 1])
        out.append(Quantity(start=start_char, end=end_char, text=text[start_char:end_char], value=number,
                            unit=unit, approximate=approximate, head_start=head.idx, head_end=head_end))
        last_end = e
    return out
