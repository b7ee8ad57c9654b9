#!/usr/bin/env python3
"""Build sitrep's actor dictionary from the petrarch2 Phoenix dictionaries and extensions.yaml.

    python scripts/build_actor_dictionary.py ../shared/dictionaries/petrarch2 \
        [--data src/sitrep/data/actors] [--extensions FILE] [--out DIR]

Reads, from PETRARCH_DIR, ``Phoenix.Countries.actors.txt``, ``Phoenix.International.actors.txt``,
``Phoenix.MilNonState.actors.txt`` and ``Phoenix.agents.txt`` (MIT, Open Event Data Alliance),
and, from the data folder, the hand-maintained tables (``extensions.yaml``, ``countries.tsv``,
``cameo_sectors.tsv``, ``cameo_codes.tsv``). Writes ``actors.jsonl.gz`` and ``agents.tsv``
into ``--out`` (default: the data folder). The output is deterministic: the same inputs give
byte-identical files.

Petrarch2 semantics kept: an entry's phrases (primary line plus ``+`` synonyms) share its
code restrictions; ``[CODE a-b]`` applies between a and b inclusive, ``[CODE <d]`` before d,
``[CODE >d]`` from d, and an undated ``[CODE]`` is the default when no dated one applies.
YYMMDD years up to 30 are 20YY. Known slips in the data are repaired rather than copied: an
entry line without a code directly followed by another entry line is treated as a synonym
(missing ``+``), and ``+`` lines that follow an entry's code lines start a new entry (missing
primary line).

Country entries are split: names of the country (spellings, demonyms, foreign names) become
the state's ``aliases``; the cities, regions and landmarks that petrarch2 also codes as the
country become its ``places``. Country entries whose code changes over time (Ukraine was
``USRUKR`` before 24 August 1991) keep that history as the state's ``roles``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import gzip
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pycountry
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sitrep.analyze.dictionary import (  # noqa: E402
    FAMILY_NAME_FIRST,
    alias_key,
    read_countries,
)

DATA_DIR = REPO / "src" / "sitrep" / "data" / "actors"
ACTOR_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)
AGENT_FILE = "Phoenix.agents.txt"

# ---------------------------------------------------------------------------------------------
# Tables


def _tsv(path: Path) -> list[dict[str, str]]:
    lines = [l for l in path.read_text("utf-8").splitlines() if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t") + [""] * len(header))) for line in lines[1:]]


@dataclass
class CameoTables:
    """The CAMEO code tables: role codes -> sectors, and non-ISO primary codes."""

    person_sector: dict[str, str]
    org_sector: dict[str, str]
    igo: dict[str, str]
    country_fix: dict[str, str]
    regions: set[str]
    skip: set[str]
    iso3: set[str]

    @classmethod
    def load(cls, folder: Path, extra_iso: Iterable[str] = ()) -> "CameoTables":
        """Read ``cameo_sectors.tsv`` and ``cameo_codes.tsv`` from ``folder``."""
        person, org = {}, {}
        for row in _tsv(folder / "cameo_sectors.tsv"):
            person[row["cameo"]] = row["person_sector"]
            org[row["cameo"]] = row["org_sector"]
        igo, fix, regions, skip = {}, {}, set(), set()
        for row in _tsv(folder / "cameo_codes.tsv"):
            if row["kind"] == "igo":
                igo[row["cameo"]] = row["code"]
            elif row["kind"] == "country":
                fix[row["cameo"]] = row["code"]
            elif row["kind"] == "region":
                regions.add(row["cameo"])
            elif row["kind"] == "skip":
                skip.add(row["cameo"])
        iso3 = {c.alpha_3 for c in pycountry.countries} | set(extra_iso)
        return cls(person, org, igo, fix, regions, skip, iso3)


@dataclass(frozen=True)
class Decoded:
    """A decoded CAMEO code: the actor code (ISO3 / IGO short code), sectors, validity."""

    code: str | None
    person_sector: str | None
    org_sector: str | None
    igo: bool = False
    territory: str | None = None
    valid: bool = True

    @property
    def country_only(self) -> bool:
        """A bare country code (``UKR``, ``USRUKR``, ``ESTOCC``): the state itself."""
        return self.valid and not self.igo and self.code is not None and self.person_sector is None


def decode(cameo: str, tables: CameoTables) -> Decoded:
    """Split a CAMEO actor code such as ``RUSGOVDEV`` or ``IGOUNOIAE`` into code and sector."""
    cameo = cameo.strip().upper()
    if not cameo or cameo.startswith("---"):
        return Decoded(None, None, None, valid=False)
    blocks = [cameo[i : i + 3] for i in range(0, len(cameo), 3)]
    primary = blocks[0]
    code: str | None = None
    territory = None
    rest = blocks[1:]
    if primary in tables.skip:
        return Decoded(None, None, None, valid=False)
    if primary == "IGO":
        prefix = max((p for p in tables.igo if cameo.startswith(p)), key=len, default=None)
        code = tables.igo[prefix] if prefix else None
        return Decoded(code, "IGO", "IGO", igo=True)
    if primary in tables.country_fix:
        code = tables.country_fix[primary]
    elif primary in tables.iso3:
        code = primary
    elif primary in tables.regions:
        code = None
    elif primary in tables.person_sector:
        # Role-only codes (NGO, MNC, ELI, MED...) carry a sector but no country.
        rest = blocks
    else:
        return Decoded(None, None, None, valid=False)
    if rest and rest[0] in tables.iso3 and rest[0] not in tables.person_sector:
        territory = rest[0]
        rest = rest[1:]
    person = org = None
    i = 0
    while i < len(rest):
        pair = "".join(rest[i : i + 2])
        if len(pair) == 6 and pair in tables.person_sector:
            person, org = tables.person_sector[pair], tables.org_sector[pair]
            break
        if rest[i] in tables.person_sector:
            person, org = tables.person_sector[rest[i]], tables.org_sector[rest[i]]
            break
        i += 1
    return Decoded(code, person, org, territory=territory)


# ---------------------------------------------------------------------------------------------
# Petrarch actor files


@dataclass
class Restriction:
    """One ``[CODE dates]`` group of an entry, with the comment of its line."""

    cameo: str
    start: str | None
    end: str | None
    comment: str | None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class Block:
    """One petrarch entry: its phrases and code restrictions, and where it was read."""

    names: list[str]
    restrictions: list[Restriction] = field(default_factory=list)
    file: str = ""
    line: int = 0
    comment: str = ""
    adjacent_next: bool = False  # the next entry line follows with no gap
    code_lines: bool = False  # separate code lines have been read: synonyms are over


_BRACKET = re.compile(r"\[([^\]\[]*)(?:\]|$)")


def parse_date(text: str) -> str:
    """A petrarch date (YYMMDD or YYYYMMDD) as ISO; ValueError when invalid."""
    text = text.strip()
    if not text.isdigit():
        raise ValueError(text)
    if len(text) == 8:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    elif len(text) == 6:
        year = int(text[:2])
        year += 2000 if year <= 30 else 1900
        month, day = int(text[2:4]), int(text[4:6])
    else:
        raise ValueError(text)
    return dt.date(year, month, day).isoformat()


def parse_restriction(body: str, comment: str | None, stats: Counter) -> Restriction | None:
    """``RUSGOV 991231-080507`` / ``RUSGOV >080508`` / ``RUSELI`` -> Restriction."""
    parts = body.split(None, 1)
    if not parts:
        return None
    cameo = parts[0].strip()
    spec = parts[1].replace(" ", "") if len(parts) > 1 else ""
    start = end = None
    try:
        if not spec:
            pass
        elif spec[0] == ">":
            start = parse_date(spec[1:])
        elif spec[0] == "<":
            end = parse_date(spec[1:])
        elif "-" in spec:
            a, b = spec.split("-", 1)
            start, end = parse_date(a), parse_date(b)
        else:
            # A bare date: petrarch2 reads it as a start date.
            start = parse_date(spec)
    except ValueError:
        stats["restriction_bad_date"] += 1
        return None
    if start and end and end < start:
        stats["restriction_reversed_dates"] += 1
        start, end = end, start
    return Restriction(cameo=cameo, start=start, end=end, comment=comment)


# Coder bookkeeping in comments: source files, coder initials with a date.
_BOOKKEEPING = re.compile(
    r"countryinfo|igorulers|ngo.actors|recoded from|\b(?:kkl|mleh|cta|elh|bk|jap|ns|ab|mj|bnl|lrp|"
    r"sls|ats|pas)\b|\d{1,2}\s+[a-z]{3}\s+\d{2,4}|\d+/\d+/\d+|jerry-rigged|should work|"
    r"^check\b|\?$",
    re.I,
)


def clean_comment(comment: str | None) -> str | None:
    """The parts of a restriction comment worth keeping as an office note."""
    if not comment:
        return None
    kept = []
    for part in comment.split("#"):
        part = part.replace("_", " ").strip(" \t;")
        if not part or _BOOKKEEPING.search(part) or re.fullmatch(r"[\d\s/.-]+", part):
            continue
        kept.append(part)
    return "; ".join(dict.fromkeys(kept)) or None


def parse_actor_file(path: Path, stats: Counter) -> list[Block]:
    """Entries of one petrarch2 actor file, with the two data slips above repaired."""
    blocks: list[Block] = []
    current: Block | None = None
    gap = True
    for number, raw in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#") or raw.lstrip().startswith("<!"):
            gap = True
            continue
        content, _, comment = raw.partition("#")
        comment = comment.strip()
        if not content.strip():
            gap = True
            continue
        bracket_at = content.find("[")
        name_part = content if bracket_at < 0 else content[:bracket_at]
        groups = _BRACKET.findall(content[bracket_at:]) if bracket_at >= 0 else []
        restrictions = [
            r for r in (parse_restriction(g, clean_comment(comment), stats) for g in groups) if r
        ]
        stripped = content.strip()
        if stripped.startswith("["):
            if current is None:
                stats["restriction_without_entry"] += 1
                continue
            current.restrictions.extend(restrictions)
            current.code_lines = True
        elif stripped.startswith("+"):
            alias = name_part.strip()[1:]
            if current is None or current.code_lines:
                current = _new_block(blocks, alias, path, number, comment, gap, stats, True)
            else:
                current.names.append(alias)
            current.restrictions.extend(restrictions)
        else:
            current = _new_block(blocks, name_part.strip(), path, number, comment, gap, stats, False)
            current.restrictions.extend(restrictions)
        gap = False
    return blocks


def _new_block(blocks, name, path, number, comment, gap, stats, from_synonym) -> Block:
    if blocks and not gap:
        blocks[-1].adjacent_next = True
    if from_synonym:
        stats["synonym_after_codes_new_entry"] += 1
    block = Block(names=[name], file=path.name, line=number, comment=comment)
    blocks.append(block)
    return block


def repair_blocks(blocks: list[Block], stats: Counter) -> list[Block]:
    """Fold code-less entry lines into the entry that directly follows them."""
    out: list[Block] = []
    pending: list[str] = []
    pending_block: Block | None = None
    for block in blocks:
        if pending:
            block.names = pending + block.names
            block.line = pending_block.line  # type: ignore[union-attr]
            block.comment = block.comment or pending_block.comment  # type: ignore[union-attr]
            pending = []
        if not block.restrictions:
            if block.adjacent_next:
                pending = list(block.names)
                pending_block = block
                stats["codeless_entry_folded"] += 1
            else:
                stats["codeless_entry_dropped"] += 1
            continue
        out.append(block)
    return out


# ---------------------------------------------------------------------------------------------
# Display names

_PARTICLES = {"de", "da", "del", "della", "der", "den", "van", "von", "bin", "ibn", "la", "le",
              "du", "dos", "das", "y", "of", "the", "and", "for", "in", "on", "at", "to", "al",
              "el"}
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{0,3}|ix|x)$", re.I)
# Short words that are words, not acronyms, when a name is written in capitals.
_SHORT_WORDS = {"al", "el", "ad", "as", "at", "of", "to", "in", "on", "de", "la", "le", "da",
                "du", "di", "do", "by", "an", "or", "mr", "ms", "dr", "st", "ii", "bin", "ibn",
                "abu", "bou", "ben", "van", "von", "der", "den", "dos", "das", "des", "del",
                "and", "for", "the", "new", "inc", "ltd", "plc", "llc", "co", "corp", "air",
                "sea", "oil", "war", "red", "sun", "day", "one", "two", "god", "law", "art",
                "aid", "arab", "east", "west", "free", "food", "gas", "bay", "lee", "kim", "li",
                "wu", "xi", "hu", "ma", "yu", "ho", "ng", "vu", "ba", "ka", "ki", "mo",
                "sa", "se", "si", "su", "ta", "te", "ti", "tu", "pa", "po", "na", "ne", "ni",
                "nu", "mu", "mi", "me", "ra", "re", "ri", "ro", "ru", "go", "ga", "gu", "bo",
                "bu", "bi", "be", "ha", "he", "hi", "ja", "jo", "ju", "ko", "ku", "lo", "lu"}
# Acronyms that contain vowels, so that the no-vowel rule below misses them.
_ACRONYMS = {"nato", "osce", "iaea", "opec", "asean", "unhcr", "unicef", "unsc", "unga", "unep",
             "unesco", "ecowas", "igad", "oecd", "dpko", "sadc", "beac", "cemac", "eu", "un",
             "au", "uk", "us", "usa", "ussr", "plo", "ira", "eta", "farc", "eln", "anc", "aqap",
             "aqim", "isis", "isil", "ltte", "pkk", "hts", "sdf", "ypg", "ec", "eec", "imf",
             "ilo", "fao", "who", "wto", "wfp", "icao", "imo", "oas", "oic", "cis", "csto",
             "gcc", "eac", "efta", "ebrd", "adb", "afdb", "bis", "amu", "ipu", "undp",
             "unfpa", "unodc", "unrwa", "unido", "ohchr", "ocha", "icrc", "ifrc", "msf",
             "acp", "apec", "asem", "bimstec", "caricom", "comesa", "eccas", "oecs", "saarc",
             "sco", "uemoa", "ecomog", "amisom", "unamid", "monusco", "unifil", "minusma",
             "isaf", "kfor", "sfor", "ifor", "aupsc", "censad", "icco", "ico", "iom"}


# Acronyms that prefix a person's title ("US President ...") and stay upper-case there.
_TITLE_ACRONYMS = {"un", "us", "uk", "eu", "nato", "u.s", "u.n", "u.k", "osce", "iaea", "who"}


def display(name: str, *, acronyms: bool) -> str:
    """``VLADIMIR_V._PUTIN_`` -> ``Vladimir V. Putin``; in organisation names, acronyms stay
    upper-case (``UN Security Council``)."""
    text = re.sub(r"\s+", " ", name.replace("_", " ")).strip(" ,;")
    if not text:
        return ""
    if text != text.upper():
        return text  # already mixed case: trust it
    words = []
    for position, word in enumerate(text.split(" ")):
        lower = word.lower()
        letters = re.sub(r"[^A-Za-z]", "", word)
        if position and lower in _PARTICLES:
            words.append(lower)
        elif _ROMAN.match(letters) and position:
            words.append(word.upper())
        elif acronyms and letters and _is_acronym(word, letters.lower()):
            words.append(word)
        elif not acronyms and lower.strip(".") in _TITLE_ACRONYMS and position < len(text.split(" ")) - 1:
            words.append(word)  # "UN Secretary-General Ban Ki-moon"
        else:
            words.append("-".join(_cap(part) for part in lower.split("-")))
    return " ".join(words)


def _is_acronym(word: str, letters: str) -> bool:
    if letters in _ACRONYMS:
        return True
    if letters in _SHORT_WORDS or len(letters) < 2:
        return False
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", word):
        return True  # U.N., U.S.A.
    # Pronounceable words (CHAD, IRAN, FRONT) read as words; BBC, CNN, PKK as acronyms.
    return not re.search(r"[aeiouy]", letters) or (len(letters) == 2 and letters not in _SHORT_WORDS)


def _cap(part: str) -> str:
    if not part:
        return part
    if part.startswith("mc") and len(part) > 2:
        return "Mc" + part[2:].capitalize()
    if "'" in part:
        head, _, tail = part.partition("'")
        if len(head) <= 1:
            return head.capitalize() + "'" + tail.capitalize()
    return part.capitalize()


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s_/-]+", text.lower()) if w and w[0].isalpha())


def expand_parentheses(name: str) -> list[str]:
    """``ANIMAL_LIBERATION_FRONT_(ALF)_`` -> the name and the acronym; ``AMERICA_(COUNTRY)_``
    -> ``AMERICA`` alone (a bracketed word that is not the name's acronym is a gloss)."""
    name = re.sub(r"\s*\([^)]*$", "", name)  # "STANKO_TODOROV (ACTING_": an unclosed gloss
    match = re.match(r"^(.*?)[\s_]*\(([^)]*)\)[\s_]*$", name)
    if not match:
        return [name] if "(" not in name else [re.sub(r"\([^)]*\)", " ", name)]
    base, inner = match.group(1), match.group(2).strip(" _")
    out = [base] if base.strip(" _") else []
    letters = re.sub(r"[^a-z]", "", inner.lower())
    initials = _initials(base)
    if 2 <= len(letters) <= 12 and "_" not in inner and " " not in inner and letters[0] == initials[:1]:
        it = iter(initials)
        if all(ch in it for ch in letters):  # a subsequence of the initials
            out.append(inner)
    return out or [name]


def slug(text: str) -> str:
    """A stable id-friendly form of a name: ``Sergey Lavrov`` -> ``sergey-lavrov``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "actor"


# Leading words that make a phrase a title-plus-name ("President Vladimir Putin").
_TITLE_WORDS = {
    "president", "prime", "premier", "minister", "foreign", "defence", "defense", "secretary",
    "secretary-general", "general", "gen", "lt", "col", "colonel", "major", "ambassador",
    "senator", "sen", "rep", "chancellor", "vice", "deputy", "mr", "mrs", "ms", "dr",
    "chairman", "chairwoman", "chief", "spokesman", "spokeswoman", "king", "queen", "prince",
    "emir", "interior", "finance", "former", "acting", "russian", "american", "us", "u.s.",
    "un", "u.n.", "united", "british", "uk", "french", "german", "chinese", "israeli",
    "iranian", "turkish", "ukrainian", "president-elect", "governor", "mayor", "speaker",
}


def preferred_name(names: list[str]) -> str:
    """The plain name of a person among petrarch's phrases: when the first phrase carries a
    title, the (two words or longer) phrase that most other phrases end with."""
    first = names[0]
    if alias_key(first).split()[:1] and alias_key(first).split()[0] not in _TITLE_WORDS:
        return first
    keys = [alias_key(n) for n in names]
    best, best_score = first, -1
    for name, key in zip(names, keys):
        words = key.split()
        if len(words) < 2 or words[0] in _TITLE_WORDS:
            continue
        score = sum(1 for other in keys if other == key or other.endswith(" " + key))
        if score > best_score:
            best, best_score = name, score
    return best


# ---------------------------------------------------------------------------------------------
# Drafts


@dataclass
class Draft:
    """An actor being assembled from petrarch entries and the extension file."""

    name: str
    kind: str
    code: str | None
    sector: str | None
    aliases: list[str]
    roles: list[dict[str, Any]]
    sources: list[str]
    cameo: str | None = None
    id: str | None = None
    surnames: list[str] | None = None  # None: derive from the name; []: no surname
    places: list[str] = field(default_factory=list)
    curated: bool = False
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def keys(self) -> set[str]:
        return {alias_key(a) for a in [self.name, *self.aliases]} - {""}

    def add_aliases(self, aliases: Iterable[str]) -> None:
        """Add aliases not already present. Hand-written spellings that share a lookup key
        ("Sergei Lavrov" / "Sergey Lavrov", "Erdogan" / "Erdoğan") are all kept, because a
        phrase matcher needs every surface form; petrarch2's upper-case phrases are only
        kept when they add a new key (they differ from an existing alias in case alone)."""
        seen_keys = self.keys()
        seen_forms = {_surface(a) for a in [self.name, *self.aliases]}
        for alias in aliases:
            key = alias_key(alias)
            if not key or len(key) < 2 or "," in alias or _surface(alias) in seen_forms:
                continue
            if key in seen_keys and not self.curated:
                continue
            seen_keys.add(key)
            seen_forms.add(_surface(alias))
            self.aliases.append(alias)

    def add_places(self, places: Iterable[str]) -> None:
        seen = self.keys() | {alias_key(p) for p in self.places}
        for place in places:
            key = alias_key(place)
            if key and key not in seen and len(key) > 1 and "," not in place:
                seen.add(key)
                self.places.append(place)


def _surface(text: str) -> str:
    return " ".join(text.casefold().split())


_PERSONISH = re.compile(r"\b(leader|member|commander|chief|head|spokes\w*|founder)\b", re.I)
# Words that make an undated entry an organisation, not a person.
_ORG_WORDS = {
    "association", "organization", "organisation", "bank", "fund", "council", "union",
    "community", "commission", "committee", "group", "party", "front", "movement", "brigade",
    "brigades", "army", "league", "federation", "institute", "institution", "company", "corp",
    "corporation", "inc", "ltd", "plc", "llc", "agency", "ministry", "court", "forces", "force",
    "network", "alliance", "initiative", "programme", "program", "center", "centre", "society",
    "foundation", "trust", "international", "services", "systems", "holdings", "fellowship",
    "cells", "cell", "nuclei", "nucleus", "faction", "battalion", "battalions", "martyrs",
    "commando", "commandos", "squad", "squads", "unit", "units", "office", "secretariat",
    "assembly", "parliament", "tribunal", "mission", "board", "conference",
    "partnership", "coalition", "treaty", "states", "nations", "countries", "club",
    "bureau", "authority", "academy", "university", "college", "school", "hospital", "press",
    "news", "times", "post", "radio", "television", "tv", "media", "broadcasting", "airlines",
    "airways", "energy", "oil", "petroleum", "industries", "technologies", "sa", "ag",
    "gmbh", "co", "bancorp", "financial", "capital", "partners", "resources", "mining",
    "pharmaceuticals", "motors", "secretary", "general", "chief", "director", "representative",
    "envoy", "delegation", "observers", "peacekeepers", "troops", "police", "guard", "guards",
    "revolutionary", "liberation", "resistance", "jihad", "islamic", "communist", "socialist",
    "anarchist", "anarchists", "popular", "national", "people", "peoples", "struggle",
    "action", "solidarity", "revenge", "justice", "freedom", "independence", "workers",
    "youth", "women", "students", "the", "of", "for", "and",
}


# Head nouns that make a dated entry an organisation (petrarch2 dates groups too).
_ORG_NAME = re.compile(
    r"\b(?:party|front|army|brigades?|movement|organi[sz]ation|union|council|committee|"
    r"association|group|league|federation|forces?|ministry|agency|court|commission|company|"
    r"corporation|bank|fund|institute|alliance|network|battalions?|liberation|government|"
    r"assembly|parliament|congress|administration|police|guards?|militia|coalition|"
    r"mujahideen|politburo|task force)\b",
    re.I,
)

# Armed groups whose names read like a person's.
_GROUPS_NAMED_LIKE_PEOPLE = {"abu sayyaf", "abu nidal", "abu hafs"}


def person_names(blocks: Iterable[Block]) -> set[str]:
    """Given names seen at least twice at the start of petrarch2's dated person entries."""
    counts: Counter = Counter()
    for block in blocks:
        if not any(r.dated for r in block.restrictions):
            continue
        words = alias_key(display(block.names[0], acronyms=False)).split()
        if len(words) >= 2:
            counts[words[0]] += 1
    return {name for name, n in counts.items() if n >= 2 and name not in _ORG_WORDS}


def looks_like_person(names: list[str], given: set[str]) -> bool:
    """An undated International/MilNonState entry that names a person ("Brian Murgatroyd",
    "Abu Musab") rather than an organisation."""
    words = alias_key(display(names[0], acronyms=False)).split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in "".join(words)):
        return False
    if any(w in _ORG_WORDS for w in words) or " ".join(words[:2]) in _GROUPS_NAMED_LIKE_PEOPLE:
        return False
    return (words[0] in given and words[0] not in {"al", "el"}) or words[0] == "abu"


def block_to_draft(
    block: Block, tables: CameoTables, stats: Counter, given: set[str] = frozenset()
) -> tuple[str, Draft] | None:
    """Classify one petrarch entry. Returns ``("state", draft)`` for country alias groups
    (their ``roles`` hold any code history), else ``(kind, draft)``."""
    decoded = [(r, decode(r.cameo, tables)) for r in block.restrictions]
    valid = [(r, d) for r, d in decoded if d.valid]
    if len(valid) < len(decoded):
        stats["restriction_unknown_code"] += len(decoded) - len(valid)
    if not valid:
        stats["entry_without_valid_code"] += 1
        return None
    dated = [(r, d) for r, d in valid if r.dated]
    undated = [(r, d) for r, d in valid if not r.dated]
    default = undated[-1] if undated else None
    names: list[str] = []
    bracketed: set[str] = set()  # acronyms given in brackets: "(ALF)" stays "ALF"
    for raw in block.names:
        expanded = expand_parentheses(raw)
        names.extend(expanded)
        bracketed.update(expanded[1:])
    names = [n for n in names if n.strip(" _")]
    if not names:
        return None
    source = f"petrarch2:{block.file}:{block.line}"

    if block.file.startswith("Phoenix.Countries") and all(d.country_only for _, d in valid):
        return "state", _state_draft(names, dated, default, source)

    comment = block.comment.lower()
    person = bool(dated) or "countryinfo" in comment or "igorulers" in comment
    if person and _ORG_NAME.search(display(names[0], acronyms=False)):
        # Dated groups ("Kurdish Democratic Union Party [SYRREB >121215]") are not people.
        person = False
    if not dated and not block.file.startswith("Phoenix.Countries"):
        # Companies are often named after people (Charles Schwab, Eli Lilly): business and
        # media entries are never read as persons.
        business = default is not None and default[1].person_sector in {"BUS", "MED"}
        person = not business and (
            bool(_PERSONISH.search(block.comment)) or looks_like_person(names, given)
        )
    kind = "person" if person else ("igo" if (default or valid[0])[1].igo else "organization")
    pick = (lambda d: d.person_sector) if kind == "person" else (lambda d: d.org_sector)
    roles = []
    for r, d in dated:
        role = {"office": r.comment, "country": d.code, "sector": pick(d), "from": r.start,
                "to": r.end, "cameo": r.cameo}
        roles.append(role)
    code = sector = cameo = None
    if default is not None:
        code, sector, cameo = default[1].code, pick(default[1]), default[0].cameo
    if code is None:
        # "[ELI]" carries a sector but no country: the offices held say where the actor is from.
        counts = Counter(r["country"] for r in roles if r["country"])
        code = counts.most_common(1)[0][0] if counts else None
    acronyms = kind != "person"
    shown = list(dict.fromkeys(
        s
        for s in (n.strip(" _") if n in bracketed else display(n, acronyms=acronyms) for n in names)
        if s
    ))
    if not shown:
        return None
    if kind == "person":
        primary = preferred_name(shown)
        shown.remove(primary)
        shown.insert(0, primary)
    draft = Draft(name=shown[0], kind=kind, code=code, sector=sector, aliases=[], roles=roles,
                  sources=[source], cameo=cameo)
    draft.add_aliases(shown[1:])
    return kind, draft


def _state_draft(names, dated, default, source) -> Draft:
    def current(decoded: Decoded) -> str:
        return decoded.territory or decoded.code  # type: ignore[return-value]

    if default is not None:
        code, cameo = current(default[1]), default[0].cameo
    else:
        open_ended = [(r, d) for r, d in dated if r.end is None]
        pool = open_ended or dated
        r, d = max(pool, key=lambda rd: (rd[0].end or "9999", rd[0].start or ""))
        code, cameo = current(d), r.cameo
    roles = [
        {"office": None, "country": d.code, "sector": None, "from": r.start, "to": r.end,
         "cameo": r.cameo}
        for r, d in dated
    ]
    shown = [display(n, acronyms=False) for n in names]
    draft = Draft(name=shown[0], kind="state", code=code, sector=None, aliases=[], roles=roles,
                  sources=[source], cameo=cameo)
    draft.add_aliases(shown[1:])
    return draft


def surnames_for(draft: Draft) -> list[str]:
    """The surname(s) a person is referred to by alone."""
    if draft.surnames is not None:
        return draft.surnames
    words = alias_key(draft.name).split()
    words = [w for w in words if w not in {"jr", "sr", "ii", "iii", "iv"}]
    if len(words) < 2:
        return []
    codes = {draft.code} | {r.get("country") for r in draft.roles}
    # Whitespace only: a hyphenated surname is used whole ("Grey-Johnson", "Jean-Pierre").
    tokens = [t.strip(",.") for t in draft.name.split() if alias_key(t)]
    tokens = [t for t in tokens if alias_key(t) not in {"jr", "sr", "ii", "iii", "iv"}]
    if len(tokens) < 2:
        return []
    if codes & FAMILY_NAME_FIRST:
        surname = tokens[0]
        return [surname] if len(alias_key(surname)) >= 2 else []
    last = tokens[-1]
    if len(alias_key(last)) < 2 or alias_key(last).isdigit() or alias_key(last) in _PARTICLES:
        return []
    # "Armand de Decker" is "De Decker", "Hoshyar al Zibari" also "Zibari".
    start = len(tokens) - 1
    while start > 1 and alias_key(tokens[start - 1]) in _PARTICLES:
        start -= 1
    if start < len(tokens) - 1:
        return [" ".join(tokens[start:]), last]
    return [last]


# ---------------------------------------------------------------------------------------------
# States: names versus places


def split_state_aliases(
    draft: Draft, table_keys: set[str], table_names: list[str]
) -> tuple[list[str], list[str]]:
    """Split petrarch's country phrases into names of the country and places in it.

    A phrase is a name when the country table lists it for the country or when it is a close
    spelling of one of the country's names or demonyms ("Afganistan", "Russland"); anything
    else (Kursk, Vladivostok, the Urals) is a place petrarch2 codes as the country.
    """
    names, places = [], []
    name_keys = [alias_key(n) for n in table_names]
    for alias in [draft.name, *draft.aliases]:
        key = alias_key(alias)
        if key in table_keys:
            names.append(alias)
            continue
        compact = key.replace(" ", "")
        padded = f" {key} "
        close = False
        for name in name_keys:
            joined = name.replace(" ", "")
            ratio = difflib.SequenceMatcher(None, compact, joined).ratio()
            if ratio >= 0.8 or (ratio >= 0.6 and compact[:4] == joined[:4]) or f" {name} " in padded:
                close = True
                break
        (names if close else places).append(alias)
    return names, places


# ---------------------------------------------------------------------------------------------
# Extensions


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    dt.date.fromisoformat(text)  # validates
    return text


_PERSON_KEYS = {"id", "name", "country", "sector", "aliases", "surnames", "roles", "source",
                "note"}
_ORG_KEYS = {"id", "name", "kind", "code", "sector", "aliases", "roles", "source", "note",
             "chairmanships"}
_ROLE_KEYS = {"office", "country", "sector", "from", "to", "note", "secondary"}


def load_extensions(path: Path) -> dict[str, Any]:
    """The hand-written extension file, checked: required keys, known keys, ISO dates, roles
    that end after they start, unique ids."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    ids: set[str] = set()
    for section, allowed in (("persons", _PERSON_KEYS), ("organizations", _ORG_KEYS)):
        for entry in data.get(section, []) or []:
            for key in ("id", "name", "source"):
                if not entry.get(key):
                    raise SystemExit(f"{path}: {section} entry {entry.get('name')!r} lacks {key!r}")
            unknown = set(entry) - allowed
            if unknown:
                raise SystemExit(f"{path}: {entry['id']}: unknown keys {sorted(unknown)}")
            if entry["id"] in ids:
                raise SystemExit(f"{path}: duplicate id {entry['id']!r}")
            ids.add(entry["id"])
            for role in entry.get("roles", []) or []:
                unknown = set(role) - _ROLE_KEYS
                if unknown:
                    raise SystemExit(f"{path}: {entry['id']}: unknown role keys {sorted(unknown)}")
                role["from"] = _iso(role.get("from"))
                role["to"] = _iso(role.get("to"))
                if role["from"] and role["to"] and role["to"] < role["from"]:
                    raise SystemExit(f"{path}: {entry['id']}: role ends before it starts: {role}")
    for agent in data.get("agents", []) or []:
        if not agent.get("noun") or not agent.get("sector"):
            raise SystemExit(f"{path}: agent {agent!r} needs a noun and a sector")
    return data


#: Hand-written organisation tables (``name, aliases, code, sector, source, note``; aliases
#: separated by ``|``) and the id prefix of their entries.
ORG_TABLES = (("outlets.tsv", "outlet"), ("parties.tsv", "party"), ("armed_groups.tsv", "group"),
              ("companies.tsv", "company"))
_ORG_TABLE_COLUMNS = ("name", "aliases", "code", "sector", "source", "note")


def load_org_table(path: Path, prefix: str) -> list[dict[str, Any]]:
    """Rows of an organisation table, checked: name, code (ISO3), sector and source are
    required, names unique."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t") if lines else []
    if tuple(header[: len(_ORG_TABLE_COLUMNS)]) != _ORG_TABLE_COLUMNS[: len(header)] or len(header) < 5:
        raise SystemExit(f"{path}: header must be {_ORG_TABLE_COLUMNS}")
    for number, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        row = dict(zip(header, cells))
        name, code, sector, source = (row.get(k, "").strip() for k in ("name", "code", "sector", "source"))
        if not (name and code and sector and source):
            raise SystemExit(f"{path}: row {number} ({name!r}) needs name, code, sector and source")
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise SystemExit(f"{path}: row {number} ({name!r}): code {code!r} is not ISO 3166-1 alpha-3")
        ident = f"{prefix}-{slug(name)}-{code.lower()}"
        if ident in seen:
            raise SystemExit(f"{path}: duplicate entry {name!r} ({code})")
        seen.add(ident)
        aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        rows.append({"id": ident, "name": name, "aliases": aliases, "code": code, "sector": sector,
                     "source": source, "note": (row.get("note") or "").strip() or None})
    return rows


def ext_role(role: dict[str, Any], default_country: str | None = None,
             default_sector: str | None = None) -> dict[str, Any]:
    """An extension role in the stored shape (country and sector default to the entry's)."""
    out = {
        "office": role.get("office"),
        "country": role.get("country") or default_country,
        "sector": role.get("sector") or default_sector,
        "from": role.get("from"),
        "to": role.get("to"),
    }
    if role.get("note"):
        out["note"] = role["note"]
    if role.get("secondary"):
        out["secondary"] = True
    return out


# ---------------------------------------------------------------------------------------------
# Agents

# Institution nouns take the organisation sector of their code (a defence ministry is MIL,
# a defence minister GOV).
_INSTITUTION_WORDS = {"ministry", "ministries", "department", "departments", "agency",
                      "agencies", "service", "services", "office", "offices"}


def parse_agents(path: Path, tables: CameoTables, stats: Counter) -> list[dict[str, str]]:
    """Agent nouns from ``Phoenix.agents.txt`` with plurals and ``!MARKER!`` sets expanded."""
    markers: dict[str, list[str]] = {}
    rows: list[dict[str, str]] = []
    for raw in path.read_text("utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("<!"):
            continue
        if "!" in line and "=" in line:
            marker, _, items = line.partition("=")
            markers[marker.strip().strip("!")] = [i.strip() for i in items.split(",") if i.strip()]
            continue
        if "[" not in line:
            stats["agent_without_code"] += 1
            continue
        phrase, _, rest = line.partition("[")
        code = re.split(r"[\]}]", rest, maxsplit=1)[0].strip()
        plural = None
        if "{" in phrase:
            phrase, _, plural_part = phrase.partition("{")
            plural = plural_part.split("}", 1)[0].strip()
        phrase = phrase.strip()
        if not phrase or not code:
            continue
        stem = code.strip("~")
        person = org = None
        for i in range(0, len(stem), 3):
            pair = stem[i : i + 6]
            if len(pair) == 6 and pair in tables.person_sector:
                person, org = tables.person_sector[pair], tables.org_sector[pair]
                break
            if stem[i : i + 3] in tables.person_sector:
                person, org = tables.person_sector[stem[i : i + 3]], tables.org_sector[stem[i : i + 3]]
                break
        if person is None:
            stats["agent_unknown_code"] += 1
            continue
        forms: list[str] = []
        if "!" in phrase:
            match = re.search(r"!(\w+)!", phrase)
            if match and match.group(1) in markers:
                forms = [phrase.replace(match.group(0), item) for item in markers[match.group(1)]]
            else:
                stats["agent_bad_marker"] += 1
                continue
        else:
            forms = [phrase]
            if plural is None:
                forms.append(_plural(phrase))
            elif plural:
                forms.append(plural)
        expanded: list[str] = []
        for form in forms:
            # "MINIST" is a leftover TABARI stem for minister/ministry.
            if re.search(r"MINIST$", form):
                expanded.extend(form + s for s in ("ER", "ERS", "RY", "RIES"))
            else:
                expanded.append(form)
        for form in expanded:
            noun = re.sub(r"\s+", " ", form.replace("_", " ")).strip().lower()
            if noun:
                last = noun.split()[-1]
                sector = org if last in _INSTITUTION_WORDS else person
                rows.append({"noun": noun, "sector": sector, "code": "", "kind": "agent",
                             "flags": "", "cameo": code, "source": "petrarch2"})
    return rows


def _plural(phrase: str) -> str:
    if phrase.endswith("Y") and len(phrase) > 1 and phrase[-2] not in "AEIOU":
        return phrase[:-1] + "IES"
    if phrase.endswith(("S", "X", "Z", "CH", "SH")):
        return phrase + "ES"
    return phrase + "S"


# ---------------------------------------------------------------------------------------------
# Build


def build(
    petrarch: Path,
    data: Path,
    out: Path,
    *,
    extensions: Path | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Convert petrarch2, merge the extension file, write ``actors.jsonl.gz`` and
    ``agents.tsv`` into ``out``; returns build statistics.

    ``data`` holds the CAMEO tables and ``countries.tsv``; ``extensions`` defaults to
    ``data/extensions.yaml`` (skipped when that file does not exist).
    """
    stats: Counter = Counter()
    countries = read_countries(data / "countries.tsv")
    extra_iso = {row.code for row in countries if len(row.code) == 3 and row.code.isupper()}
    tables = CameoTables.load(data, extra_iso)
    ext_path = extensions if extensions is not None else data / "extensions.yaml"
    ext = load_extensions(ext_path) if ext_path.exists() else {}

    # 1. Petrarch entries.
    parsed: list[Block] = []
    for filename in ACTOR_FILES:
        path = petrarch / filename
        if not path.exists():
            stats[f"missing_file:{filename}"] += 1
            continue
        blocks = repair_blocks(parse_actor_file(path, stats), stats)
        stats["petrarch_entries"] += len(blocks)
        parsed.extend(blocks)
    given = person_names(b for b in parsed if b.file.startswith("Phoenix.Countries"))
    state_groups: list[Draft] = []
    drafts: list[Draft] = []
    for block in parsed:
        result = block_to_draft(block, tables, stats, given)
        if result is None:
            continue
        kind, draft = result
        (state_groups if kind == "state" else drafts).append(draft)

    # 2. State actors for every country in the alias table; petrarch country entries whose
    #    phrases include one of the country's names merge into it.
    by_code: dict[str, list[Any]] = defaultdict(list)
    for row in countries:
        by_code[row.code].append(row)
    state_drafts: dict[str, Draft] = {}
    for code, rows in by_code.items():
        if not (len(code) == 3 and code in tables.iso3):
            continue  # IGO seats are not states
        names = [r.alias for r in rows if r.alias_type == "name"]
        if not names:
            continue
        draft = Draft(name=names[0], kind="state", code=code, sector=None, aliases=[], roles=[],
                      sources=["countries.tsv"], id=code.lower(), curated=True)
        draft.add_aliases(r.alias for r in rows if r.alias_type in ("name", "demonym", "capital"))
        state_drafts[code] = draft
    territories: list[Draft] = []
    table_owner: dict[str, str] = {}
    for row in countries:
        if row.alias_type == "name" and row.code in state_drafts:
            table_owner.setdefault(alias_key(row.alias), row.code)
    for group in state_groups:
        target = state_drafts.get(group.code or "")
        rows = by_code.get(group.code or "", [])
        table_keys = {alias_key(r.alias) for r in rows}
        if target is None or not table_keys & group.keys():
            # Petrarch2 codes some territories as their sovereign (Mayotte as FRA); when the
            # entry's own name is a country in the table, the table's code wins.
            owner = table_owner.get(alias_key(group.name))
            if owner is not None:
                target = state_drafts[owner]
                rows = by_code[owner]
                table_keys = {alias_key(r.alias) for r in rows}
        if target is not None and table_keys & group.keys():
            table_names = [r.alias for r in rows if r.alias_type in ("name", "demonym")]
            names, places = split_state_aliases(group, table_keys, table_names)
            target.add_aliases(names)
            target.add_places(places)
            for role in group.roles:
                if role not in target.roles:
                    target.roles.append(role)
            target.sources.extend(s for s in group.sources if s not in target.sources)
            target.cameo = target.cameo or group.cameo
            stats["petrarch_country_entries_merged"] += 1
        else:
            # A region, city group or former entity coded as a country (Iraqi Kurdistan,
            # Republika Srpska, Russian SFSR): kept as its own state-kind actor.
            group.id = None
            territories.append(group)
            stats["petrarch_territories"] += 1
    # A place that is also a name of another country (Georgia in the USA) is not a place.
    all_names = {alias_key(a) for d in state_drafts.values() for a in [d.name, *d.aliases]}
    for draft in state_drafts.values():
        draft.places = [p for p in draft.places if alias_key(p) not in all_names]

    # 3. Curated organisations and persons from extensions.yaml.
    curated: list[Draft] = []
    for entry in ext.get("organizations", []) or []:
        draft = Draft(name=entry["name"], kind=entry.get("kind", "organization"),
                      code=entry.get("code"), sector=entry.get("sector"), aliases=[],
                      roles=[ext_role(r, entry.get("code"), entry.get("sector"))
                             for r in entry.get("roles", []) or []],
                      sources=[entry["source"]], id=entry["id"], curated=True,
                      note=entry.get("note"))
        draft.add_aliases(entry.get("aliases", []) or [])
        if entry.get("chairmanships"):
            draft.extra["chairmanships"] = [
                {k: (_iso(v) if k in ("from", "to") else v) for k, v in c.items()}
                for c in entry["chairmanships"]
            ]
        curated.append(draft)
    for table, prefix in ORG_TABLES:
        if (data / table).exists():
            for entry in load_org_table(data / table, prefix):
                draft = Draft(name=entry["name"], kind="organization", code=entry["code"],
                              sector=entry["sector"], aliases=[], roles=[],
                              sources=[entry["source"]], id=entry["id"], curated=True,
                              note=entry.get("note"))
                draft.add_aliases(entry["aliases"])
                curated.append(draft)
                stats[f"table_{prefix}"] += 1
    for entry in ext.get("persons", []) or []:
        draft = Draft(name=entry["name"], kind="person", code=entry.get("country"),
                      sector=entry.get("sector"), aliases=[],
                      roles=[ext_role(r, entry.get("country"), None)
                             for r in entry.get("roles", []) or []],
                      sources=[entry["source"]], id=entry["id"], curated=True,
                      surnames=entry.get("surnames"), note=entry.get("note"))
        draft.add_aliases(entry.get("aliases", []) or [])
        curated.append(draft)

    # 4. Merge petrarch drafts into curated entries (same full name or alias, compatible
    #    code), then merge petrarch duplicates (same name, kind and code).
    curated_index: dict[tuple[str, str], list[Draft]] = defaultdict(list)
    for draft in curated:
        for key in draft.keys():
            if draft.kind != "person" or " " in key:
                curated_index[(draft.kind, key)].append(draft)
    remaining: list[Draft] = []
    for draft in drafts:
        target = _curated_match(draft, curated_index)
        if target is not None:
            _absorb(target, draft)
            stats["petrarch_merged_into_curated"] += 1
            continue
        remaining.append(draft)
    dedup: dict[tuple[str, str, str | None], Draft] = {}
    petrarch_actors: list[Draft] = []
    for draft in [*territories, *remaining]:
        key = (alias_key(draft.name), draft.kind, draft.code)
        if key in dedup:
            _absorb(dedup[key], draft, keep_open_roles=True)
            stats["petrarch_duplicates_merged"] += 1
            continue
        dedup[key] = draft
        petrarch_actors.append(draft)

    # 5. Ids: curated and states keep theirs; the rest get slugs, suffixed on collision.
    taken: set[str] = set()
    everything = [*state_drafts.values(), *curated, *petrarch_actors]
    for draft in everything:
        if draft.id:
            if draft.id in taken:
                raise SystemExit(f"duplicate id {draft.id!r}")
            taken.add(draft.id)
    for draft in petrarch_actors:
        base = slug(draft.name)
        candidate = base
        if candidate in taken:
            candidate = f"{base}-{(draft.code or draft.kind).lower()}"
        n = 2
        while candidate in taken:
            candidate = f"{base}-{n}"
            n += 1
        draft.id = candidate
        taken.add(candidate)

    # 6. Records.
    records = []
    for draft in everything:
        if draft.kind == "person":
            draft.surnames = surnames_for(draft)
        records.append(_record(draft))
    records.sort(key=lambda r: r["id"])
    out.mkdir(parents=True, exist_ok=True)
    _write_gzip_jsonl(out / "actors.jsonl.gz", records)

    # 7. Agents: hand-written nouns, then IGO names, then petrarch2 nouns (first row wins).
    agent_rows: list[dict[str, str]] = []
    for agent in ext.get("agents", []) or []:
        agent_rows.append({"noun": agent["noun"], "sector": agent["sector"],
                           "code": agent.get("code") or "", "kind": agent.get("kind", "agent"),
                           "flags": ",".join(agent.get("flags", []) or []),
                           "cameo": "", "source": "sitrep"})
    for draft in curated:
        if draft.kind == "igo":
            for alias in [draft.name, *draft.aliases]:
                agent_rows.append({"noun": alias, "sector": draft.sector or "IGO",
                                   "code": draft.code or "", "kind": "igo", "flags": "",
                                   "cameo": "", "source": "sitrep"})
    agent_rows.extend(parse_agents(petrarch / AGENT_FILE, tables, stats)
                      if (petrarch / AGENT_FILE).exists() else [])
    seen: set[str] = set()
    unique_agents = []
    for row in agent_rows:
        key = alias_key(row["noun"])
        if key and key not in seen:
            seen.add(key)
            unique_agents.append(row)
    _write_agents(out / "agents.tsv", unique_agents)

    kinds = Counter(r["kind"] for r in records)
    stats.update({f"actors_{k}": v for k, v in kinds.items()})
    stats["actors"] = len(records)
    stats["persons_with_roles"] = sum(1 for r in records if r["kind"] == "person" and r.get("roles"))
    stats["curated_entries"] = len(curated)
    stats["aliases"] = sum(len(r.get("aliases", [])) + 1 for r in records)
    stats["places"] = sum(len(r.get("places", [])) for r in records)
    stats["agents"] = len(unique_agents)
    if not quiet:
        for key in sorted(stats):
            print(f"{key}\t{stats[key]}")
    return dict(stats)


def _curated_match(draft: Draft, index: dict[tuple[str, str], list[Draft]]) -> Draft | None:
    keys = draft.keys()
    if draft.kind == "person":
        keys = {k for k in keys if " " in k}
    codes = {draft.code} | {r.get("country") for r in draft.roles}
    codes.discard(None)
    for key in sorted(keys):
        for target in index.get((draft.kind, key), ()):
            target_codes = {target.code} | {r.get("country") for r in target.roles}
            if not codes or codes & target_codes:
                return target
    return None


def _absorb(target: Draft, other: Draft, *, keep_open_roles: bool = False) -> None:
    """Merge ``other`` into ``target``. Curated entries are authoritative about the present,
    so an absorbed petrarch2 role that is still open-ended is dropped; closed ones are kept
    as history."""
    target.add_aliases([other.name, *other.aliases])
    target.add_places(other.places)
    for role in other.roles:
        if role["to"] is None and not keep_open_roles:
            continue
        if role not in target.roles:
            target.roles.append(role)
    if target.code is None:
        target.code = other.code
    if target.sector is None and other.sector and not target.curated:
        target.sector = other.sector
    if target.cameo is None:
        target.cameo = other.cameo
    target.sources.extend(s for s in other.sources if s not in target.sources)


def _record(draft: Draft) -> dict[str, Any]:
    roles = sorted(draft.roles, key=lambda r: (r["from"] or "", r["to"] or "9999"))
    record: dict[str, Any] = {
        "id": draft.id,
        "name": draft.name,
        "kind": draft.kind,
        "code": draft.code,
        "sector": draft.sector,
        "aliases": draft.aliases,
        "roles": roles,
        "source": "; ".join(dict.fromkeys(draft.sources)),
    }
    if draft.places:
        record["places"] = draft.places
    if draft.cameo:
        record["cameo"] = draft.cameo
    if draft.surnames:
        record["surnames"] = draft.surnames
    if draft.curated:
        record["curated"] = True
    if draft.note:
        record["note"] = draft.note
    record.update(draft.extra)
    return record


def _write_gzip_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    buffer = io.BytesIO()
    # mtime=0 and no file name keep the bytes identical across rebuilds.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        for record in records:
            gz.write(json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str).encode())
            gz.write(b"\n")
    path.write_bytes(buffer.getvalue())


def _write_agents(path: Path, rows: list[dict[str, str]]) -> None:
    header = (
        "# Agent nouns -> PLOVER sector. Generated by scripts/build_actor_dictionary.py from\n"
        "# extensions.yaml (source=sitrep, listed first and winning over petrarch2) and\n"
        "# Phoenix.agents.txt (source=petrarch2, MIT; plurals and !MARKER! sets expanded).\n"
        "# code: the country or IGO an institution noun belongs to; kind: agent or igo;\n"
        "# flags: case (match only with this capitalisation, e.g. WHO but not who).\n"
        "# Do not edit by hand: change extensions.yaml and rebuild.\n"
    )
    columns = ("noun", "sector", "code", "kind", "flags", "cameo", "source")
    lines = ["\t".join(columns)]
    for row in rows:
        lines.append("\t".join(row[k] for k in columns))
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("petrarch", type=Path, help="folder with the petrarch2 dictionaries")
    parser.add_argument("--data", type=Path, default=DATA_DIR,
                        help="folder with countries.tsv and the CAMEO tables")
    parser.add_argument("--extensions", type=Path, default=None,
                        help="hand-written extension file (default: DATA/extensions.yaml)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: --data)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if not args.petrarch.is_dir():
        parser.error(f"{args.petrarch} is not a folder")
    build(args.petrarch, args.data, args.out or args.data, extensions=args.extensions,
          quiet=args.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
