"""Places: a compact GeoNames gazetteer, and place names used as places.

Two jobs:

- :class:`Gazetteer` resolves a name ("Kiev", "the Gaza Strip", "Donetsk region") to ranked
  :class:`Place` candidates from ``data/gazetteer/places.tsv.gz`` (GeoNames, CC BY 4.0; built by
  ``scripts/build_gazetteer.py``), with pycountry's official country names on top.
- :func:`find_places` keeps the GPE/LOC/FAC entities of a parsed document that are used
  *locatively* ("in Moscow", "to Latvia and Romania", "on Russian soil") and resolves them.

Place names are often actors by metonymy: "Moscow said", "Washington's proposals", "sent
Washington a reply". Those are not places, so an entity is returned only when a rule in
``data/places.yaml`` accepts its syntactic position (a locative preposition, apposition to a
place, a modifier of a location noun, the object of "invade"…); everything else is left to the
actor layer. Each :class:`PlaceMention` records which rule accepted it.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import yaml

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Feature kinds in the gazetteer.
KINDS = ("country", "admin1", "city", "region")

#: Entity labels considered as place names.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True, kw_only=True, slots=True)
class Place:
    """A gazetteer entry.

    ``country`` is an ISO 3166-1 alpha-3 code (None for regions spanning several countries, such
    as continents or "Middle East"); ``kind`` is one of :data:`KINDS`; ``lat``/``lon`` are WGS84
    degrees (a country's are its capital's); ``population`` is GeoNames' figure (for admin1
    divisions and regions, the sum over their places, a lower bound); ``capital`` marks national
    capitals.
    """

    name: str
    country: str | None
    lat: float
    lon: float
    kind: str
    population: int
    capital: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaceMention:
    """A place name used as a place in a document.

    ``start``/``end`` are character offsets into the document text and ``text`` is that slice;
    ``place`` is the best gazetteer match (None when the gazetteer has nothing); ``reason`` says
    which rule made it locative, e.g. ``preposition:in``, ``modifier:soil``,
    ``conjunct:preposition:to``, ``apposition:city``, ``object:invade``.
    """

    doc_id: str
    start: int
    end: int
    text: str
    place: Place | None
    reason: str


# --------------------------------------------------------------------------------------------
# Name normalisation

# "Nur-Sultan" and "Nur Sultan" meet, "U.S." and "US" meet, "Sana'a" and "Sanaa" meet.
# (Chains of str.replace: on a large block of names they are far faster than str.translate.)
_KEY_REPLACE = (("'", ""), ("’", ""), ("ʼ", ""), ("‘", ""), ("`", ""), (".", ""), ("-", " "),
                ("–", " "), ("—", " "))
_FOLD_REPLACE = (("ǝ", "e"), ("ı", "i"), ("ł", "l"), ("Ł", "L"), ("đ", "d"), ("ø", "o"), ("Ø", "O"),
                 ("ß", "ss"), ("æ", "ae"), ("œ", "oe"))


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_BLANKS = re.compile(r"[^\S\n]+")
_EDGES = re.compile(r"^ | $|^the ", re.MULTILINE)


def _normalize_lines(text: str) -> str:
    # Works on many names at once, one per line: the gazetteer keys its ~80,000 names in one
    # pass of C-level string operations instead of one Python call per name.
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", _replace_all(text, _FOLD_REPLACE)))
    text = _BLANKS.sub(" ", _replace_all(text.casefold(), _KEY_REPLACE))
    return _EDGES.sub("", _EDGES.sub("", text))


def normalize_name(text: str) -> str:
    """The lookup key of a name: ASCII-folded, case-folded, ``.``/``'`` dropped, ``-`` as a
    space, whitespace collapsed, a leading "the" removed."""
    return _normalize_lines(text.replace("\n", " "))


# --------------------------------------------------------------------------------------------
# Gazetteer

#: Columns of ``places.tsv.gz`` (see ``scripts/build_gazetteer.py``).
COLUMNS = ("name", "asciiname", "alternates", "kind", "country", "lat", "lon", "population", "capital")
_KIND, _COUNTRY, _POPULATION, _CAPITAL = 3, 4, 7, 8

_KIND_RANK = {"country": 0, "region": 1, "city": 3, "admin1": 3}

#: An alternate-name match ranks as if its place had this many times fewer people.
ALTERNATE_WEIGHT = 5


class Gazetteer:
    """Name → ranked :class:`Place` candidates.

    Ranking: countries first, then named regions (continents, "Middle East", "Donbas"), then
    national capitals, then other cities and admin1 divisions together. Among those, a division
    yields to a city of its own country matched by the same name ("Donetsk" is the city, "Donetsk
    region" the oblast, "New York" the city); otherwise the larger population wins, an
    alternate-name match counting for a fifth of its population, so an exact name beats an
    alternate unless the alternate names a much larger place ("Odessa" is Odesa, Ukraine, not
    Odessa, Texas; "Florida" is the US state, not the Cuban town).
    """

    def __init__(self, rows: list[list[str]], names: dict[str, list[tuple[int, bool]]],
                 generic_suffixes: frozenset[str]) -> None:
        # Rows stay as the file's text cells; a Place is built only when a lookup returns it.
        self._rows = rows
        self._index = names
        self._generic = generic_suffixes
        self._places: dict[int, Place] = {}
        self._countries = {r[_COUNTRY]: i for i, r in enumerate(rows) if r[_KIND] == "country"}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Gazetteer":
        """The gazetteer from ``path`` (default: the packaged file), loaded once per process."""
        return _load(str(path) if path is not None else None)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Place]:
        """Every entry, in file order."""
        return (self._place(i) for i in range(len(self._rows)))

    def _place(self, i: int) -> Place:
        place = self._places.get(i)
        if place is None:
            name, _, _, kind, country, lat, lon, pop, capital = self._rows[i]
            place = Place(name=name, country=country or None, lat=float(lat), lon=float(lon), kind=kind,
                          population=int(pop), capital=capital == "1")
            self._places[i] = place
        return place

    def country(self, iso3: str) -> Place | None:
        """The country entry for an ISO 3166-1 alpha-3 code, or None."""
        i = self._countries.get(iso3.upper())
        return None if i is None else self._place(i)

    def lookup(self, name: str) -> list[Place]:
        """Candidates for ``name``, best first (empty when nothing matches).

        Tries the name as given, then without a possessive "'s", then without a generic last
        word ("Idlib province" → "Idlib", then divisions first).
        """
        return [place for place, _ in self.lookup_matches(name)]

    def lookup_matches(self, name: str) -> list[tuple[Place, bool]]:
        """Like :meth:`lookup`, with whether each candidate matched by its own name (True) or by
        an alternate name (False)."""
        key = normalize_name(name)
        hits = self._index.get(key)
        prefer: tuple[str, ...] = ()
        if not hits and name.rstrip().endswith(("'s", "’s")):
            hits = self._index.get(normalize_name(name.rstrip()[:-2]))
        if not hits:
            words = key.split(" ")
            if len(words) > 1 and words[-1] in self._generic:
                hits = self._index.get(" ".join(words[:-1]))
                prefer = ("city",) if words[-1] == "city" else ("admin1", "region")
        if not hits:
            return []
        best: dict[int, bool] = {}
        for i, exact in hits:
            best[i] = best.get(i, False) or exact
        rows = self._rows
        city_countries = {rows[i][_COUNTRY] for i in best if rows[i][_KIND] == "city"}

        def rank(item: tuple[int, bool]) -> tuple[int, int, int, float, int]:
            i, exact = item
            row = rows[i]
            kind, country, pop = row[_KIND], row[_COUNTRY], int(row[_POPULATION])
            group = 2 if row[_CAPITAL] else _KIND_RANK[kind]
            # A division named like one of its cities yields to the city ("Donetsk", "New York").
            namesake = 1 if kind == "admin1" and country in city_countries else 0
            return (0 if not prefer or kind in prefer else 1, group, namesake,
                    -(pop if exact else pop / ALTERNATE_WEIGHT), i)

        return [(self._place(i), exact) for i, exact in sorted(best.items(), key=rank)]

    def resolve(self, name: str) -> Place | None:
        """The best candidate for ``name``, or None."""
        found = self.lookup(name)
        return found[0] if found else None


def _read_rows(raw: bytes) -> tuple[list[list[str]], dict[str, list[tuple[int, bool]]]]:
    # Column-wise over one split of the whole file: a per-line loop costs several times more.
    text = gzip.decompress(raw).decode("utf-8")
    body = text[text.index("\n") + 1:].rstrip("\n")
    cells = body.replace("\n", "\t").split("\t") if body else []
    width = len(COLUMNS)
    if len(cells) % width:
        raise ValueError(f"gazetteer file is malformed: {len(cells)} cells is not a multiple of {width}")
    n = len(cells) // width
    rows = [cells[k:k + width] for k in range(0, len(cells), width)]
    names = [a or b for a, b in zip(cells[1::width], cells[0::width])]
    alternates = cells[2::width]
    alt_names = "|".join(a for a in alternates if a).split("|")
    alt_owners = [i for i, a in enumerate(alternates) if a for _ in range(a.count("|") + 1)]
    keys = _normalize_lines("\n".join(names + alt_names)).split("\n")
    index: dict[str, list[tuple[int, bool]]] = {}
    for i, key in enumerate(keys[:n]):
        index.setdefault(key, []).append((i, True))
    for i, key in zip(alt_owners, keys[n:]):
        index.setdefault(key, []).append((i, False))
    return rows, index


def _add_pycountry_names(rows: list, index: dict[str, list[tuple[int, bool]]]) -> None:
    # Official and common names ("Russian Federation", "Iran, Islamic Republic of" is skipped by
    # the comma test) come from pycountry at load time rather than being copied into our data.
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return
    by_iso3 = {r[_COUNTRY]: i for i, r in enumerate(rows) if r[_KIND] == "country"}
    for c in pycountry.countries:
        i = by_iso3.get(c.alpha_3)
        if i is None:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if not value or "," in value:
                continue
            entries = index.setdefault(normalize_name(value), [])
            if all(j != i for j, _ in entries):
                entries.append((i, False))


@lru_cache(maxsize=4)
def _load(path: str | None) -> Gazetteer:
    if path is None:
        raw = resources.files("sitrep.data").joinpath("gazetteer/places.tsv.gz").read_bytes()
    else:
        raw = Path(path).read_bytes()
    rows, index = _read_rows(raw)
    _add_pycountry_names(rows, index)
    return Gazetteer(rows, index, rules().generic_suffixes)


# --------------------------------------------------------------------------------------------
# Rules

@dataclass(frozen=True, slots=True)
class PlaceRules:
    """The word lists of ``data/places.yaml`` as frozensets (see that file for their meaning)."""

    locative_prepositions: frozenset[str]
    between_heads: frozenset[str]
    in_not_locative_heads: frozenset[str]
    motion_heads: frozenset[str]
    message_objects: frozenset[str]
    distance_heads: frozenset[str]
    over_heads: frozenset[str]
    on_heads: frozenset[str]
    of_location_heads: frozenset[str]
    location_nouns: frozenset[str]
    place_object_verbs: frozenset[str]
    passive_place_verbs: frozenset[str]
    appositive_place_nouns: frozenset[str]
    generic_suffixes: frozenset[str]
    demonyms: dict[str, str]


def load_rules(text: str | None = None) -> PlaceRules:
    """Parse place rules from YAML ``text`` (default: the packaged ``places.yaml``)."""
    if text is None:
        text = resources.files("sitrep.data").joinpath("places.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    lists = {f: frozenset(str(w).lower() for w in data.get(f, []) or [])
             for f in PlaceRules.__slots__ if f != "demonyms"}
    demonyms = {str(k).lower(): str(v).upper() for k, v in (data.get("demonyms") or {}).items()}
    return PlaceRules(**lists, demonyms=demonyms)


@lru_cache(maxsize=1)
def rules() -> PlaceRules:
    """The packaged rules, parsed once per process."""
    return load_rules()


# --------------------------------------------------------------------------------------------
# Locative use

_NOT_PLACE_DEPS = frozenset({"nsubj", "csubj", "poss", "agent", "dative", "expl"})
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod"})
_SEND_LIKE = frozenset({"send", "deliver", "dispatch", "bring", "take", "transfer", "ship", "hand"})


def _moves(prep: Token, r: PlaceRules) -> bool:
    """Whether ``prep`` ("to", "from") hangs off a movement: "deploy troops to", "a visit to"."""
    head = prep.head
    candidates = [head]
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("dobj", "pobj", "nsubjpass", "attr", "appos"):
        governor = head.head.head if head.head.pos_ == "ADP" else head.head
        candidates.append(governor)
    for cand in candidates:
        lemma = cand.lemma_.lower()
        if lemma not in r.motion_heads or lemma in r.message_objects:
            continue
        if lemma in _SEND_LIKE:
            objects = [c for c in cand.children if c.dep_ in ("dobj", "nsubjpass")]
            if any(o.lemma_.lower() in r.message_objects for o in objects):
                return False
            if head.i != cand.i and head.lemma_.lower() in r.message_objects:
                return False
        return True
    return False


def _preposition_reason(prep: Token, r: PlaceRules) -> str | None:
    word = prep.lower_
    head = prep.head
    head_lemma = head.lemma_.lower()
    if word in r.locative_prepositions:
        if word == "in" and head_lemma in r.in_not_locative_heads:
            return None
        return f"preposition:{word}"
    if word == "to":
        if head_lemma in ("close", "closer", "next", "adjacent", "near"):
            return f"preposition:{head.lower_} to"
        return "preposition:to" if _moves(prep, r) else None
    if word == "from":
        if head_lemma in r.distance_heads or _moves(prep, r):
            return "preposition:from"
        return None
    if word == "over":
        if head_lemma in r.over_heads or head.head.lemma_.lower() in r.over_heads:
            return "preposition:over"
        return None
    if word == "on":
        return "preposition:on" if head_lemma in r.on_heads else None
    if word == "of":
        return f"of:{head_lemma}" if head_lemma in r.of_location_heads else None
    if word == "between":
        return "preposition:between" if head_lemma in r.between_heads else None
    return None


def _location_noun_above(token: Token, r: PlaceRules) -> Token | None:
    # "Belarus" -> "Ukrainian" -> "border": modifiers chain through at most two hops.
    node = token
    for _ in range(3):
        if node.dep_ not in _MODIFIER_DEPS and node.dep_ != "conj":
            return None
        node = node.head
        if node.lemma_.lower() in r.location_nouns and node.pos_ in ("NOUN", "PROPN"):
            return node
        if node.i == node.head.i:
            return None
    return None


def locative_reason(root: Token, r: PlaceRules | None = None, *, _depth: int = 0) -> str | None:
    """Why the phrase headed by ``root`` names a place, or None when it does not (an actor, a
    topic, a possessor…). See ``data/places.yaml`` for the word lists."""
    r = r or rules()
    dep = root.dep_
    if dep == "pobj":
        return _preposition_reason(root.head, r) if root.head.pos_ == "ADP" or root.head.dep_ == "prep" else None
    if dep == "conj" and _depth < 4:
        first = root.head
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        inner = locative_reason(first, r, _depth=_depth + 1)
        if inner is None:
            return None
        return inner if inner.startswith("conjunct:") else f"conjunct:{inner}"
    if dep == "appos" and _depth < 4:
        inner = locative_reason(root.head, r, _depth=_depth + 1)
        if inner is not None:
            return inner if inner.startswith("apposition:") else f"apposition:{inner}"
        return None
    if dep in _MODIFIER_DEPS:
        noun = _location_noun_above(root, r)
        return f"modifier:{noun.lemma_.lower()}" if noun is not None else None
    if dep == "dobj" and root.head.lemma_.lower() in r.place_object_verbs:
        return f"object:{root.head.lemma_.lower()}"
    if dep == "nsubjpass" and root.head.lemma_.lower() in r.passive_place_verbs:
        return f"passive:{root.head.lemma_.lower()}"
    if dep in _NOT_PLACE_DEPS:
        return None
    for child in root.children:
        if child.dep_ == "appos" and child.lemma_.lower() in r.appositive_place_nouns:
            return f"apposition:{child.lemma_.lower()}"
    return None


def _demonym(text: str, r: PlaceRules) -> str | None:
    return r.demonyms.get(text.lower().replace("-", " ").strip())


#: Entity labels the small English pipeline often gives to places it does not know
#: ("Kherson" PERSON, "Mariupol" ORG); such spans count when the gazetteer knows them.
MISLABELLED = frozenset({"PERSON", "ORG", "NORP"})

#: A backed-off span matched only by an alternate name needs at least this population.
BACKOFF_MIN_POPULATION = 100_000


def _backoff_place(gaz: Gazetteer, text: str) -> Place | None:
    # Only confident matches: the place's own name, or an alternate of a large place.
    for place, exact in gaz.lookup_matches(text)[:1]:
        if exact or place.population >= BACKOFF_MIN_POPULATION or place.kind in ("country", "region"):
            return place
    return None


def _candidate_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """(start token, end token, label) of entities, plus runs of proper nouns outside entities."""
    spans = [(e.start, e.end, e.label_) for e in doc.ents]
    i, n = 0, len(doc)
    while i < n:
        t = doc[i]
        if t.ent_iob_ == "O" and t.pos_ == "PROPN" and t.is_title:
            j = i + 1
            while j < n and doc[j].ent_iob_ == "O" and doc[j].pos_ == "PROPN" and doc[j].is_title:
                j += 1
            spans.append((i, j, ""))
            i = j
        else:
            i += 1
    spans.sort()
    return spans


def find_places(doc: Doc, *, doc_id: str, gazetteer: Gazetteer | None = None) -> list[PlaceMention]:
    """GPE/LOC/FAC entities of ``doc`` used as places, resolved against the gazetteer.

    Nationality adjectives count when they modify a location noun ("on Russian soil" →
    Russia). Subjects ("Moscow said"), possessors ("Washington's proposals"), indirect objects
    ("sent Washington a reply"), agents ("submitted by Moscow") and message recipients ("a
    response to the United States") are not places.

    The small pipeline misses or mislabels many place names ("fled from Mariupol" as ORG,
    "near Kyiv" as no entity); a proper-noun span in a locative position that the gazetteer
    knows by its own name (or is a large place) is kept too, its reason ending in
    ``+gazetteer``. Offsets are character offsets into ``doc.text``.
    """
    r = rules()
    gaz = gazetteer or Gazetteer.load()
    found: list[PlaceMention] = []
    for start, end, label in _candidate_spans(doc):
        span = doc[start:end]
        root = span.root
        text = span.text
        if label == "NORP":
            iso3 = _demonym(text, r)
            if iso3 is not None:
                if _location_noun_above(root, r) is None:
                    continue
                reason = locative_reason(root, r)
                place = gaz.country(iso3)
                if reason is not None:
                    found.append(PlaceMention(doc_id=doc_id, start=span.start_char, end=span.end_char,
                                              text=text, place=place, reason=reason))
                continue
        if label in PLACE_LABELS:
            reason = locative_reason(root, r)
            if reason is None:
                continue
            place = gaz.resolve(text)
            if place is None:
                iso3 = _demonym(text, r)
                place = gaz.country(iso3) if iso3 else None
        elif label in MISLABELLED or label == "":
            if label == "" and ((start > 0 and doc[start - 1].pos_ == "PROPN")
                                or (end < len(doc) and doc[end].pos_ == "PROPN")):
                continue  # a fragment of a longer name: the "Bay" of "Jakarta Bay"
            reason = locative_reason(root, r)
            if reason is None or reason.startswith("modifier:") and label == "":
                continue
            place = _backoff_place(gaz, text)
            if place is None:
                continue
            reason += "+gazetteer"
        else:
            continue
        found.append(PlaceMention(doc_id=doc_id, start=span.start_char, end=span.end_char,
                                  text=text, place=place, reason=reason))
    return found
