"""The actor dictionary: who a name can refer to, and which code it carries on a given day.

The data lives in ``sitrep/data/actors/`` (see the README there): ``actors.jsonl.gz`` (one
actor per line, converted from the petrarch2 Phoenix dictionaries plus the hand-written
``extensions.yaml``), ``countries.tsv`` (country names, demonyms, capitals and seats of power),
``agents.tsv`` (institution and role nouns such as "Foreign Ministry" -> GOV) and
``name_variants.tsv`` (transliteration variants of given names).

Petrarch2's data stops around 2014 (its country file is CountryInfo of January 2014), so an
open-ended petrarch2 role seen on a later day is reported with ``stale=True``: the person may
well have left office. The hand-written extension covers the main offices from 2019 on.

Office holders carry dated roles, so the same name resolves differently on different days:
Antony Blinken is the US Secretary of State on 2022-02-01 but not on 2020-01-01. Dates are
compared as ISO strings (``YYYY-MM-DD``), which order correctly and keep loading cheap.

Everything is matched on :func:`alias_key`: case, accents, dots, apostrophes, hyphens and a
leading "the" do not matter, and given-name transliterations ("Sergei"/"Sergey") collapse.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from sitrep.errors import SitrepError
from sitrep.records import Actor

#: Where the packaged dictionary files live.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"
ACTORS_FILE = "actors.jsonl.gz"
COUNTRIES_FILE = "countries.tsv"
AGENTS_FILE = "agents.tsv"
VARIANTS_FILE = "name_variants.tsv"
EMITTED_FILE = "emitted_codes.tsv"
FORCE_VERBS_FILE = "force_verbs.tsv"

#: Actor kinds, as in :class:`sitrep.records.Actor`.
KINDS = ("state", "person", "organization", "igo")

#: Countries whose names are written family name first in English-language news, so the
#: surname of "Xi Jinping" or "Moon Jae-in" is the first token, not the last.
FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK"})


#: The snapshot date of petrarch2's country dictionary (CountryInfo.140130): open-ended
#: petrarch2 roles are only known to hold up to this day.
PETRARCH_AS_OF = "2014-01-30"

#: Short words that, written in capitals, are acronyms ("WHO", "US") but in lower case are
#: ordinary words: such aliases match only with the same capitalisation.
_CASE_WORDS = frozenset(
    "who us it is am an as at or on in to no so we me he be do go up all and can may one our "
    "out aid arm war act art man now new hm lt ca ira eta".split()
)


#: Words that can stand right before a bare surname ("Foreign Minister Lavrov").
_TITLES = frozenset(
    "minister president secretary spokesman spokeswoman spokesperson chancellor premier "
    "ambassador envoy general gen admiral adm colonel col director chief chairman chairwoman "
    "chair leader king queen prince mr mrs ms dr sir lord senator sen rep representative "
    "governor mayor speaker deputy commander prosecutor judge justice officer official adviser "
    "advisor counterpart pm fm sheikh ayatollah marshal lieutenant captain sergeant aide head "
    "emir sultan pope cardinal bishop rabbi imam professor prof negotiator diplomat".split()
)


class DictionaryError(SitrepError):
    """The actor dictionary files are missing or malformed."""

    code = "E310"


# ---------------------------------------------------------------------------------------------
# Normalisation


# Letters that Unicode decomposition leaves alone but that English-language news spells
# without the diacritic (Støre -> Store, Błaszczak -> Blaszczak, Çavuşoğlu's dotless ı).
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)
# Dots and apostrophes vanish ("U.S." -> "us", "D'Escoto" -> "descoto"); other punctuation
# separates words ("Ki-moon" -> "ki moon").
_DROP = str.maketrans("", "", ".'’‘`´ʼ")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")  # "Russia's" -> "Russia", "Allies'" -> "Allies"
_NON_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    table: dict[str, str] = {}
    path = DATA_DIR / VARIANTS_FILE
    if not path.exists():
        return table
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#") or line.startswith("canonical\t"):
                continue
            canonical, _, variants = line.rstrip("\n").partition("\t")
            for variant in variants.split(","):
                if variant.strip():
                    table[variant.strip()] = canonical.strip()
    return table


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold().translate(_LETTERS)


def alias_key(text: str) -> str:
    """The lookup key of a name: folded case and accents, no punctuation, canonical given names.

    ``alias_key("Sergei Lavrov") == alias_key("SERGEY_LAVROV") == "sergey lavrov"``;
    ``alias_key("the Kremlin") == "kremlin"``; ``alias_key("Russia's") == "russia"``.
    """
    text = _fold(text.strip())
    text = _POSSESSIVE.sub("", text).translate(_DROP)
    tokens = _NON_ALNUM.sub(" ", text).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    variants = _variants()
    return " ".join(variants.get(token, token) for token in tokens)


@lru_cache(maxsize=1)
def _variant_groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for variant, canonical in _variants().items():
        groups.setdefault(canonical, [canonical]).append(variant)
    return {
        spelling: tuple(group) for group in groups.values() for spelling in group
    }


def spelling_variants(name: str, limit: int = 16) -> list[str]:
    """Other spellings of ``name`` from the given-name variant table, capitalised like the
    original: ``spelling_variants("Sergey Lavrov")`` includes "Sergei Lavrov"."""
    groups = _variant_groups()
    tokens = name.split(" ")
    options: list[list[str]] = []
    for token in tokens:
        group = groups.get(token.casefold())
        if group and token[:1].isupper():
            options.append([token] + [g.capitalize() for g in group if g != token.casefold()])
        else:
            options.append([token])
    out = [""]
    for choices in options:
        out = [f"{prefix} {choice}".strip() for prefix in out for choice in choices][:limit]
    return [form for form in out if form != name]


def _letters(text: str) -> str:
    """The letters of ``text`` with their case, for case-sensitive aliases such as "US"."""
    return "".join(ch for ch in text if ch.isalnum())


def iso_day(on: dt.date | dt.datetime | str | None) -> str | None:
    """``on`` as ``YYYY-MM-DD`` (None stays None). Accepts dates, datetimes and ISO strings."""
    if on is None:
        return None
    if isinstance(on, dt.datetime):
        return on.date().isoformat()
    if isinstance(on, dt.date):
        return on.isoformat()
    text = str(on).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
        return text[:10]
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text + "-01"
    if re.fullmatch(r"\d{4}", text):
        return text + "-01-01"
    raise ValueError(f"not an ISO date: {on!r}")


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Role:
    """An office held between ``start`` and ``end`` (ISO days, inclusive; None is open).

    ``code`` is the code the holder acts for (ISO 3166-1 alpha-3 or an IGO short code),
    ``sector`` the PLOVER sector. ``secondary`` marks a concurrent second hat (an OSCE
    chairperson who stays foreign minister) that should not override the main office.
    """

    office: str | None
    code: str | None
    sector: str | None
    start: str | None
    end: str | None
    cameo: str | None = None
    note: str | None = None
    secondary: bool = False

    def covers(self, day: str) -> bool:
        """True when ``day`` (ISO) falls inside this role."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def stale_on(self, day: str | None) -> bool:
        """True for an open-ended petrarch2 role (it has a CAMEO code) read after petrarch2's
        snapshot: the office may have changed hands since."""
        return self.end is None and self.cameo is not None and (day is None or day > PETRARCH_AS_OF)

    @property
    def dated(self) -> bool:
        """True when the role has a start or an end (an undated role is a default)."""
        return self.start is not None or self.end is not None

    def as_dict(self) -> dict[str, Any]:
        """The role as stored in the data file (``from``/``to`` keys)."""
        data: dict[str, Any] = {
            "office": self.office,
            "country": self.code,
            "sector": self.sector,
            "from": self.start,
            "to": self.end,
        }
        if self.cameo:
            data["cameo"] = self.cameo
        if self.note:
            data["note"] = self.note
        if self.secondary:
            data["secondary"] = True
        return data


def _role(raw: Mapping[str, Any]) -> Role:
    return Role(
        office=raw.get("office"),
        code=raw.get("country"),
        sector=raw.get("sector"),
        start=raw.get("from"),
        end=raw.get("to"),
        cameo=raw.get("cameo"),
        note=raw.get("note"),
        secondary=bool(raw.get("secondary", False)),
    )


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One dictionary actor. ``code``/``sector`` are the defaults used outside any role."""

    id: str
    name: str
    kind: str
    code: str | None
    sector: str | None
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]
    source: str | None
    cameo: str | None = None
    surnames: tuple[str, ...] = ()
    note: str | None = None
    places: tuple[str, ...] = ()

    def to_record(self) -> Actor:
        """The public :class:`sitrep.records.Actor` for this entry."""
        return Actor(
            id=self.id,
            name=self.name,
            code=self.code,
            sector=self.sector,
            kind=self.kind,
            aliases=self.aliases,
            roles=tuple(role.as_dict() for role in self.roles),
        )


@dataclass(frozen=True, slots=True)
class Resolution:
    """The code and sector an actor carries on a day, and the role that gives them.

    ``in_role`` is False when no dated role covers the day and the actor's default applies
    (a former official, a state, an organisation). ``stale`` is True when the role is an
    open-ended petrarch2 one read after petrarch2's snapshot (see :data:`PETRARCH_AS_OF`).
    """

    actor_id: str
    code: str | None
    sector: str | None
    office: str | None
    role: Role | None
    in_role: bool
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """One actor a looked-up name may refer to, resolved on the lookup day.

    ``match`` says how the name matched: ``"alias"`` (a full alias), ``"suffix"`` (the name
    with leading words such as a title removed, e.g. "Russian Foreign Minister Sergey
    Lavrov"), ``"place"`` (a city or region petrarch2 codes as its country, e.g. "Kursk") or
    ``"surname"`` (a person's surname alone, or the last word of a longer phrase: weaker
    evidence). ``stale`` as in :class:`Resolution`.
    """

    actor_id: str
    name: str
    kind: str
    code: str | None
    sector: str | None
    office: str | None
    in_role: bool
    alias: str
    match: str
    stale: bool = False
    curated: bool = False

    @property
    def surname_match(self) -> bool:
        """True when only a person's surname matched."""
        return self.match == "surname"


class _CountryPair(NamedTuple):
    code: str
    alias_type: str


class CountryMatch(_CountryPair):
    """A country alias: ``(code, alias_type)``, so ``iso3, kind = d.country("Moscow")`` works.

    ``code`` is an ISO 3166-1 alpha-3 code (or an IGO code for seats such as Brussels);
    ``alias_type`` is ``name``, ``demonym``, ``capital`` or ``seat``. Also carries
    ``ambiguous`` (the alias can stand for more than one code), ``alternatives`` (every code it
    can stand for, primary first) and ``note``.
    """

    def __new__(
        cls,
        code: str,
        alias_type: str,
        ambiguous: bool = False,
        alternatives: tuple[str, ...] = (),
        note: str | None = None,
    ) -> "CountryMatch":
        self = super().__new__(cls, code, alias_type)
        self.ambiguous = ambiguous
        self.alternatives = alternatives or (code,)
        self.note = note
        return self

    def __repr__(self) -> str:
        return (
            f"CountryMatch(code={self.code!r}, alias_type={self.alias_type!r}, "
            f"ambiguous={self.ambiguous!r}, alternatives={self.alternatives!r})"
        )

    @property
    def iso3(self) -> str:
        """Alias of ``code`` for readers who think of it as a country code."""
        return self.code


@dataclass(frozen=True, slots=True)
class AgentInfo:
    """An agent noun ("Foreign Ministry", "troops") with its PLOVER sector.

    ``code`` is set when the noun names one country's or IGO's institution ("State Department"
    -> USA, "NATO" -> NATO); ``cameo`` keeps the petrarch2 agent code when it came from there.
    ``local`` (flag ``local``) marks a domestic non-state group ("protesters", "rebels",
    "students") that takes the country it acts in, like a state institution does.
    ``default_code`` (flag ``default``) is the country a bare noun names when its sentence
    names no other ("Congress" -> USA); ``code`` is then None.
    ``abroad`` (flag ``abroad``) marks a post or mission that serves its country in another
    ("embassy", "ambassador"): the place it is in names the host, never the owner.
    """

    noun: str
    sector: str
    code: str | None = None
    kind: str = "agent"
    cameo: str | None = None
    source: str | None = None
    case_sensitive: bool = False
    local: bool = False
    default_code: str | None = None
    abroad: bool = False


@dataclass(frozen=True, slots=True)
class _CountryRow:
    alias: str
    code: str
    alias_type: str
    flags: frozenset[str]
    note: str | None


# ---------------------------------------------------------------------------------------------
# The dictionary

_MISSING = object()
_MATCH_RANK = {"alias": 0, "suffix": 1, "place": 2, "surname": 3}
_KIND_RANK = {"state": 0, "igo": 1, "person": 2, "organization": 3}


_LEADING_THE = re.compile(r"^the\s+", re.I)


def _core_letters(text: str) -> str:
    """The letters of ``text`` with their case, without a leading "the"."""
    return _letters(_LEADING_THE.sub("", text.strip()))


def _case_sensitive(alias: str) -> bool:
    """"WHO" must not match "who", nor "the US" match "us"."""
    core = _LEADING_THE.sub("", alias.strip())
    return core.isupper() and core.lower() in _CASE_WORDS


class ActorDictionary:
    """Actors, country aliases and agent nouns, indexed for lookup by :func:`alias_key`.

    Build it with :meth:`load`; the packaged data is loaded once per process and shared.
    """

    _default: ActorDictionary | None = None
    _lock = threading.Lock()

    def __init__(
        self,
        actors: list[dict[str, Any]],
        countries: list[_CountryRow],
        agents: list[AgentInfo],
    ) -> None:
        self._raw = actors
        self._entries: dict[int, ActorEntry] = {}
        self._roles: dict[int, tuple[Role, ...]] = {}
        self._by_id: dict[str, int] = {}
        # key -> [(actor index, alias text when it must match case-sensitively)]
        self._alias_index: dict[str, list[tuple[int, str | None]]] = {}
        self._place_index: dict[str, list[int]] = {}
        self._surname_index: dict[str, list[int]] = {}
        self._state_by_code: dict[str, int] = {}
        for index, raw in enumerate(actors):
            self._by_id[raw["id"]] = index
            code = raw.get("code")
            if raw["kind"] == "state" and code:
                # The country-table state (id "rus") wins over petrarch2 territories coded
                # with the same country (Iraqi Kurdistan is coded IRQ).
                if raw["id"] == code.lower() or code not in self._state_by_code:
                    self._state_by_code[code] = index
            seen: set[str] = set()
            for alias in (raw["name"], *raw.get("aliases", ())):
                key = alias_key(alias)
                if key and key not in seen:
                    seen.add(key)
                    exact = alias if _case_sensitive(alias) else None
                    self._alias_index.setdefault(key, []).append((index, exact))
            for place in raw.get("places", ()):
                key = alias_key(place)
                if key and key not in seen:
                    seen.add(key)
                    self._place_index.setdefault(key, []).append(index)
            for surname in raw.get("surnames", ()):
                key = alias_key(surname)
                if key:
                    self._surname_index.setdefault(key, []).append(index)
        self._countries: dict[str, list[_CountryRow]] = {}
        self._country_rows = countries
        for row in countries:
            self._countries.setdefault(alias_key(row.alias), []).append(row)
        self._agents: dict[str, list[AgentInfo]] = {}
        self._agent_rows = agents
        for agent in agents:
            # Hand-written additions are listed before petrarch2 rows, so they come first.
            self._agents.setdefault(alias_key(agent.noun), []).append(agent)
        self._max_agent_words = max((len(k.split()) for k in self._agents), default=0)
        # agent() is asked about the same few phrases many times per document
        self._agent_cache: dict[str, AgentInfo | None] = {}

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> ActorDictionary:
        """Load the dictionary from ``path`` (a folder holding the data files, or the actors
        file itself with the other files beside it). ``None`` loads the packaged data, once
        per process. Raises :class:`DictionaryError` (E310) when the actors file is missing
        or malformed."""
        if path is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls._read(DATA_DIR / ACTORS_FILE)
                return cls._default
        path = Path(path)
        return cls._read(path / ACTORS_FILE if path.is_dir() else path)

    @classmethod
    def _read(cls, actors_path: Path) -> ActorDictionary:
        if not actors_path.exists():
            raise DictionaryError(
                "actor dictionary file not found; rebuild it with "
                "scripts/build_actor_dictionary.py",
                input=str(actors_path),
            )
        folder = actors_path.parent
        actors = read_actors(actors_path)
        countries = read_countries(folder / COUNTRIES_FILE)
        agents = read_agents(folder / AGENTS_FILE)
        return cls(actors, countries, agents)

    # -- actors ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._by_id

    def ids(self) -> Iterator[str]:
        """Every actor id, in file order."""
        return (raw["id"] for raw in self._raw)

    def actor(self, actor_id: str) -> ActorEntry:
        """The entry for ``actor_id`` (KeyError when unknown)."""
        return self._entry(self._by_id[actor_id])

    def state(self, code: str) -> ActorEntry | None:
        """The state actor for an ISO3 code, or None."""
        index = self._state_by_code.get(code.upper())
        return None if index is None else self._entry(index)

    def _entry(self, index: int) -> ActorEntry:
        entry = self._entries.get(index)
        if entry is None:
            raw = self._raw[index]
            entry = ActorEntry(
                id=raw["id"],
                name=raw["name"],
                kind=raw["kind"],
                code=raw.get("code"),
                sector=raw.get("sector"),
                aliases=tuple(raw.get("aliases", ())),
                roles=self._roles_of(index),
                source=raw.get("source"),
                cameo=raw.get("cameo"),
                surnames=tuple(raw.get("surnames", ())),
                note=raw.get("note"),
                places=tuple(raw.get("places", ())),
            )
            self._entries[index] = entry
        return entry

    def _roles_of(self, index: int) -> tuple[Role, ...]:
        roles = self._roles.get(index)
        if roles is None:
            roles = tuple(_role(r) for r in self._raw[index].get("roles", ()))
            self._roles[index] = roles
        return roles

    def resolve_code(
        self, actor_id: str, on: dt.date | dt.datetime | str | None = None
    ) -> Resolution:
        """The code and sector ``actor_id`` carries on ``on``.

        Among the dated roles covering the day, main offices beat ``secondary`` ones, roles
        from the hand-written extension beat stale petrarch2 ones, and the most recently
        started wins (a minister promoted to prime minister). Without a covering role the
        actor's default code and sector apply. With ``on=None`` the current picture is used:
        the latest open-ended role if there is one, else the default. KeyError for an unknown
        id.
        """
        index = self._by_id[actor_id]
        return self._resolve(index, iso_day(on))

    def recent_role(self, actor_id: str, on: dt.date | dt.datetime | str | None, days: int) -> Role | None:
        """The hand-written role ``actor_id`` left at most ``days`` days before ``on``, when no
        role covers ``on``: news of a resignation, a dismissal or a death speaks of the
        official in that office ("Bolton", two days after leaving; "Soleimani", killed in
        office). None otherwise, and for petrarch2 roles (their end dates are snapshot
        artefacts)."""
        day = iso_day(on)
        if day is None:
            return None
        index = self._by_id[actor_id]
        roles = self._roles_of(index)
        if any(r.dated and r.covers(day) for r in roles):
            return None
        floor = (dt.date.fromisoformat(day) - dt.timedelta(days=days)).isoformat()
        ended = [r for r in roles if r.cameo is None and r.end is not None and floor <= r.end < day]
        return max(ended, key=lambda r: r.end or "") if ended else None

    def _resolve(self, index: int, day: str | None) -> Resolution:
        raw = self._raw[index]
        roles = self._roles_of(index)
        if day is None:
            active = [r for r in roles if r.dated and r.end is None]
        else:
            active = [r for r in roles if r.dated and r.covers(day)]
        if active and raw["kind"] == "state":
            # A state's dated roles are its code history (Ukraine was coded SUN before
            # 24 August 1991), not offices.
            best = max(active, key=lambda r: r.start or "")
            return Resolution(
                actor_id=raw["id"],
                code=best.code or raw.get("code"),
                sector=raw.get("sector"),
                office=None,
                role=best,
                in_role=False,
            )
        if active:
            best = max(
                active,
                key=lambda r: (
                    not r.secondary,
                    not r.stale_on(day),
                    r.start or "",
                    r.office is not None,
                ),
            )
            return Resolution(
                actor_id=raw["id"],
                code=best.code or raw.get("code"),
                sector=best.sector,
                office=best.office,
                role=best,
                in_role=True,
                stale=best.stale_on(day),
            )
        return Resolution(
            actor_id=raw["id"],
            code=raw.get("code"),
            sector=raw.get("sector"),
            office=None,
            role=None,
            in_role=False,
        )

    def lookup(
        self, name: str, on: dt.date | dt.datetime | str | None = None
    ) -> list[Candidate]:
        """Every actor ``name`` may refer to, best first, resolved on ``on``.

        Matching ignores case, accents and punctuation, and folds given-name transliterations
        ("Sergei"/"Sergey"). Full alias matches come first, then matches of the name without
        leading words (titles such as "Foreign Minister"), then places petrarch2 codes as a
        country, then surname matches (``match="surname"``, ``surname_match`` True): a
        single-word name that is a person's surname, or the capitalised last word of a longer
        phrase nothing else matched ("Foreign Minister Lavrov"). Within each group, actors
        holding a current (not stale) office on the day come first.
        """
        key = alias_key(name)
        if not key:
            return []
        day = iso_day(on)
        found: dict[int, str] = {}
        words = key.split()
        single = len(words) == 1
        letters = _core_letters(name)
        for index, exact in self._alias_index.get(key, ()):
            if exact is not None and _core_letters(exact) != letters:
                continue
            raw = self._raw[index]
            surname = single and raw["kind"] == "person" and key in _surname_keys(raw)
            found[index] = "surname" if surname else "alias"
        if not found and not single:
            for start in range(1, len(words) - 1):
                hits = self._alias_index.get(" ".join(words[start:]), ())
                for index, exact in hits:
                    if exact is None:
                        found.setdefault(index, "suffix")
                if found:
                    break
        for index in self._place_index.get(key, ()):
            found.setdefault(index, "place")
        if single:
            for index in self._surname_index.get(key, ()):
                found.setdefault(index, "surname")
        elif not found and len(name.split()) > 1:
            parts = name.split()
            last, before = parts[-1], parts[-2]
            # "Foreign Minister Lavrov", "said Lavrov": the last word alone is a surname.
            # After a capitalised non-title word it is not ("Jonathan Marcus" is not Gill
            # Marcus).
            if last[:1].isupper() and (before[:1].islower() or alias_key(before) in _TITLES):
                for index in self._surname_index.get(alias_key(last), ()):
                    found.setdefault(index, "surname")
        candidates = []
        for index, match in found.items():
            raw = self._raw[index]
            res = self._resolve(index, day)
            candidates.append(
                Candidate(
                    actor_id=raw["id"],
                    name=raw["name"],
                    kind=raw["kind"],
                    code=res.code,
                    sector=res.sector,
                    office=res.office,
                    in_role=res.in_role,
                    alias=name,
                    match=match,
                    stale=res.stale,
                    curated=bool(raw.get("curated", False)),
                )
            )
        candidates.sort(
            key=lambda c: (
                _MATCH_RANK[c.match],
                not (c.in_role and not c.stale),
                not c.in_role,
                _KIND_RANK.get(c.kind, 9),
                not self._raw[self._by_id[c.actor_id]].get("curated", False),
                c.actor_id,
            )
        )
        return candidates

    # -- countries and agents -------------------------------------------------------------

    def country(self, alias: str) -> CountryMatch | None:
        """The country (or IGO seat) an alias names, as ``(code, alias_type)``: "Russia" ->
        ("RUS", "name"), "Russian" -> ("RUS", "demonym"), "Moscow" -> ("RUS", "capital"),
        "the Kremlin" -> ("RUS", "seat"). "Brussels" comes back with ``ambiguous=True`` and
        ``alternatives=("BEL", "EU", "NATO")``. Falls back to pycountry for official names
        missing from the table; None when nothing matches."""
        key = alias_key(alias)
        rows = [
            row
            for row in self._countries.get(key, ())
            if "case" not in row.flags or _core_letters(alias) == _core_letters(row.alias)
        ]
        if not rows:
            code = _pycountry_code(alias)
            return None if code is None else CountryMatch(code, "name")
        codes: list[str] = []
        for row in rows:
            if row.code not in codes:
                codes.append(row.code)
        first = rows[0]
        ambiguous = len(codes) > 1 or any("ambiguous" in row.flags for row in rows)
        return CountryMatch(first.code, first.alias_type, ambiguous, tuple(codes), first.note)

    def agent(self, noun: str) -> AgentInfo | None:
        """The agent entry for an institution or role noun, or None: ``.sector`` is its PLOVER
        sector and ``.code`` the country or IGO when the noun names one institution
        ("Foreign Ministry" -> GOV, no code; "State Department" -> GOV, USA; "NATO" -> IGO,
        NATO). When the whole phrase is unknown, its longest known ending is used ("Russian
        Foreign Ministry" -> "foreign ministry")."""
        cached = self._agent_cache.get(noun, _MISSING)
        if cached is not _MISSING:
            return cached
        if len(self._agent_cache) > 50_000:
            self._agent_cache.clear()  # bounded: a long-running process sees many phrasings
        info = self._agent_uncached(noun)
        self._agent_cache[noun] = info
        return info

    def _agent_uncached(self, noun: str) -> AgentInfo | None:
        key = alias_key(noun)
        words = key.split()
        if not words or (key in self._countries and key not in self._agents):
            # A country's name is not an agent, whatever it ends with ("United Kingdom").
            return None
        letters = _core_letters(noun)
        for start in range(max(0, len(words) - self._max_agent_words), len(words)):
            for info in self._agents.get(" ".join(words[start:]), ()):
                if info.case_sensitive and not letters.endswith(_core_letters(info.noun)):
                    continue
                return info
        return None

    def agent_sector(self, noun: str) -> str | None:
        """The PLOVER sector of an agent noun ("Foreign Ministry" -> "GOV"), or None."""
        info = self.agent(noun)
        return None if info is None else info.sector

    # -- alias lists for spaCy matchers ---------------------------------------------------

    def actor_aliases(
        self, kinds: Iterable[str] = KINDS, *, variants: bool = False, curated: bool = False
    ) -> dict[str, tuple[str, ...]]:
        """Surface form -> actor ids, over every name and alias of the given kinds (for a
        PhraseMatcher; match case-sensitive forms such as "WHO" on ``ORTH``, see
        :meth:`case_sensitive_aliases`). With ``variants=True`` every transliteration of
        the given names is added too ("Sergei Lavrov" from "Sergey Lavrov"). With
        ``curated=True`` only hand-written entries count (extensions.yaml and the outlet,
        party and armed-group tables)."""
        wanted = set(kinds)
        table: dict[str, list[str]] = {}
        for raw in self._raw:
            if raw["kind"] not in wanted or (curated and not raw.get("curated")):
                continue
            forms = dict.fromkeys((raw["name"], *raw.get("aliases", ())))
            if variants and raw["kind"] == "person":
                for alias in list(forms):
                    forms.update(dict.fromkeys(spelling_variants(alias)))
            for alias in forms:
                ids = table.setdefault(alias, [])
                if raw["id"] not in ids:
                    ids.append(raw["id"])
        return {alias: tuple(ids) for alias, ids in table.items()}

    def place_aliases(self) -> dict[str, tuple[str, ...]]:
        """Place name -> state ids, for the cities and regions petrarch2 codes as a country."""
        table: dict[str, list[str]] = {}
        for raw in self._raw:
            for place in raw.get("places", ()):
                table.setdefault(place, []).append(raw["id"])
        return {place: tuple(ids) for place, ids in table.items()}

    def surname_aliases(self) -> dict[str, tuple[str, ...]]:
        """Surname -> person ids (weaker evidence than a full name)."""
        table: dict[str, list[str]] = {}
        for raw in self._raw:
            for surname in raw.get("surnames", ()):
                table.setdefault(surname, []).append(raw["id"])
        return {surname: tuple(ids) for surname, ids in table.items()}

    @staticmethod
    def case_sensitive_aliases(aliases: Iterable[str]) -> set[str]:
        """The aliases among ``aliases`` that must match with their exact capitalisation."""
        return {alias for alias in aliases if _case_sensitive(alias)}

    def country_aliases(self) -> list[tuple[str, str, str]]:
        """``(alias, code, alias_type)`` for every row of the country table."""
        return [(row.alias, row.code, row.alias_type) for row in self._country_rows]

    def agent_nouns(self) -> list[AgentInfo]:
        """Every agent row (hand-written additions first, then petrarch2)."""
        return list(self._agent_rows)

    def entity_ruler_patterns(self, kinds: Iterable[str] = KINDS) -> list[dict[str, str]]:
        """Phrase patterns for spaCy's EntityRuler: actors (PERSON / ORG / GPE), country names
        (GPE), demonyms (NORP), capitals and seats (GPE / FAC). Each pattern's ``id`` is the
        actor id, or ``country:<code>`` for country-table rows."""
        labels = {"person": "PERSON", "organization": "ORG", "igo": "ORG", "state": "GPE"}
        wanted = set(kinds)
        patterns: list[dict[str, str]] = []
        for raw in self._raw:
            if raw["kind"] not in wanted:
                continue
            for alias in dict.fromkeys((raw["name"], *raw.get("aliases", ()))):
                patterns.append({"label": labels[raw["kind"]], "pattern": alias, "id": raw["id"]})
        type_labels = {"name": "GPE", "demonym": "NORP", "capital": "GPE", "seat": "FAC"}
        for row in self._country_rows:
            patterns.append(
                {
                    "label": type_labels.get(row.alias_type, "GPE"),
                    "pattern": row.alias,
                    "id": f"country:{row.code}",
                }
            )
        return patterns


def _surname_keys(raw: Mapping[str, Any]) -> set[str]:
    return {alias_key(s) for s in raw.get("surnames", ())}


@lru_cache(maxsize=1)
def _pycountry_names() -> dict[str, str]:
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a declared dependency
        return {}
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(alias_key(value), country.alpha_3)
    return table


def _pycountry_code(alias: str) -> str | None:
    # Names only: pycountry.lookup would also take "IT" or "IN" (codes) for Italy and India.
    return _pycountry_names().get(alias_key(alias))


# ---------------------------------------------------------------------------------------------
# File readers (also used by the build script and the tests)


def read_actors(path: Path) -> list[dict[str, Any]]:
    """Actor records from a JSONL file (gzip when the name ends in ``.gz``); raises
    :class:`DictionaryError` on a corrupt file or a record without ``id``/``name``/``kind``."""
    opener = gzip.open if path.suffix == ".gz" else open
    actors = []
    number = 0
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                record = json.loads(line)
                if not isinstance(record, dict) or not all(
                    record.get(k) for k in ("id", "name", "kind")
                ):
                    raise DictionaryError(
                        f"line {number} is not an actor record (needs id, name and kind)",
                        input=str(path),
                    )
                actors.append(record)
    except json.JSONDecodeError as exc:
        raise DictionaryError(
            f"line {number} is not JSON ({exc}); rebuild with scripts/build_actor_dictionary.py",
            input=str(path),
        ) from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DictionaryError(
            f"cannot read the actor file ({exc}); rebuild with scripts/build_actor_dictionary.py",
            input=str(path),
        ) from exc
    return actors


def _tsv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_countries(path: Path) -> list[_CountryRow]:
    """Rows of ``countries.tsv`` (``alias, code, type, flags, note``); empty when absent."""
    if not path.exists():
        return []
    rows = []
    for row in _tsv_rows(path):
        rows.append(
            _CountryRow(
                alias=row["alias"],
                code=row["code"],
                alias_type=row["type"],
                flags=frozenset(f for f in (row.get("flags") or "").split(",") if f),
                note=row.get("note") or None,
            )
        )
    return rows


def read_agents(path: Path) -> list[AgentInfo]:
    """Rows of ``agents.tsv`` (``noun, sector, code, kind, flags, cameo, source``); empty when
    absent."""
    if not path.exists():
        return []
    return [
        AgentInfo(
            noun=row["noun"],
            sector=row["sector"],
            # flags=default: the code is only the reading when nothing else is in sight
            # ("Congress" is the US Congress unless the sentence names another country).
            code=None if "default" in (row.get("flags") or "").split(",") else row.get("code") or None,
            default_code=(row.get("code") or None) if "default" in (row.get("flags") or "").split(",") else None,
            kind=row.get("kind") or "agent",
            cameo=row.get("cameo") or None,
            source=row.get("source") or None,
            case_sensitive="case" in (row.get("flags") or "").split(",")
            or _case_sensitive(row["noun"]),
            local="local" in (row.get("flags") or "").split(","),
            abroad="abroad" in (row.get("flags") or "").split(","),
        )
        for row in _tsv_rows(path)
    ]


@lru_cache(maxsize=1)
def force_verbs() -> dict[str, str]:
    """Lemma -> kind of the verbs whose object is the subject's own force or staff
    (``force_verbs.tsv``): ``move`` (deploy, send, withdraw) or ``assign`` (offer, train,
    mobilize)."""
    path = DATA_DIR / FORCE_VERBS_FILE
    if not path.exists():
        return {}
    return {row["lemma"].strip().lower(): (row.get("kind") or "move").strip()
            for row in _tsv_rows(path) if row.get("lemma")}


@lru_cache(maxsize=1)
def emitted_codes() -> dict[str, str | None]:
    """Dictionary code -> the code sitrep emits for it (``emitted_codes.tsv``): former states
    become their successor ("SUN" -> "RUS"), UN bodies the UN ("WFP" -> "UN")."""
    path = DATA_DIR / EMITTED_FILE
    if not path.exists():
        return {}
    return {row["code"]: (row.get("emit") or None) for row in _tsv_rows(path)}


def default_dictionary() -> ActorDictionary:
    """The packaged dictionary (loaded on first use, then shared)."""
    return ActorDictionary.load()
