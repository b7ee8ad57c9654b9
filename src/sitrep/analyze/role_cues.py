"""Sector cues: the words in and around a resolved mention that say in what capacity the
sentence speaks of an actor (``data/eval/ACTORS_GOLD.md``, "Sector").

The actor resolver (:mod:`sitrep.analyze.actors`) decides who a mention is. This step, run on
its mentions, reads the cues of ``data/actors/role_cues.yaml``:

- a **former** official ("former vice-president of Namibia", "X, previously the Deputy Chief
  Minister") is ELI, unless the dictionary gives the person a current office, the mention is
  governed by "under" ("agreed under former US President Barack Obama": the office acted in),
  or the clause dates the act to a past year ("expelled them 18 years ago");
- a **candidate** the sentence names as such ("challenger", "running mate", "announced X as
  his running mate"; "candidate" and "nominee" in an electoral description: "presidential
  candidate", "X, who was a candidate in the primaries", not "Supreme Court nominee") is OPP,
  unless the dictionary gives the person a current executive office (an incumbent seeking
  re-election);
- a **spokesperson or member** "for/of" a body takes its sector ("spokesperson for the
  Bharatiya Janata Party": PTY; "a spokesman for the PMF": MIL);
- an organisation whose head noun is a **medium** ("state media", "Belgrade radio") is MED;
- an organisation with no sector whose name ends like a **company** ("Salling Group") or
  that a company noun introduces ("retailer X") is BUS, and "<country>-based" before it gives
  its country;
- **counted nationals** ("4 Iraqis", "thousands of Nigerians") are people (CVL), not the
  state that an uncounted "the Saudis" stands for;
- **distributive coordination**: a plural actor noun with coordinated countries after "of" or
  "from" ("navies of China, India and Oman", "agencies from Germany, South Korea and the
  United States") is one mention per country, each with the head's sector.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from sitrep.analyze.dictionary import _TITLES, ActorDictionary
from sitrep.records import Actor

#: Dependency labels of a noun's modifiers that belong to its description.
_MODIFIERS = frozenset({"amod", "advmod", "compound", "nmod", "npadvmod"})
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


@dataclass(frozen=True)
class RoleCues:
    """The word lists of ``role_cues.yaml`` (normalised: lower case, hyphens as spaces)."""

    former: frozenset[str]
    past_office_prepositions: frozenset[str]
    candidate: tuple[str, ...]
    media_heads: tuple[str, ...]
    company_name_heads: frozenset[str]
    company_role_nouns: tuple[str, ...]
    distributive_heads: dict[str, str]
    distributive_prepositions: frozenset[str]
    candidate_in_context: tuple[str, ...] = ()
    electoral_context: tuple[str, ...] = ()
    based_words: frozenset[str] = frozenset()
    people_quantifiers: frozenset[str] = frozenset()
    member_nouns: frozenset[str] = frozenset()
    member_prepositions: frozenset[str] = frozenset()


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


@lru_cache(maxsize=1)
def role_cues() -> RoleCues:
    """The packaged cue lists."""
    text = resources.files("sitrep.data").joinpath("actors/role_cues.yaml").read_text("utf-8")
    return parse_role_cues(text)


def parse_role_cues(text: str) -> RoleCues:
    """Parse cue lists from YAML ``text`` (see ``data/actors/role_cues.yaml``)."""
    raw = yaml.safe_load(text) or {}

    def words(key: str) -> tuple[str, ...]:
        return tuple(_norm(str(w)) for w in raw.get(key) or ())

    return RoleCues(
        former=frozenset(words("former")),
        past_office_prepositions=frozenset(words("past_office_prepositions")),
        candidate=words("candidate"),
        media_heads=words("media_heads"),
        company_name_heads=frozenset(str(w) for w in raw.get("company_name_heads") or ()),
        company_role_nouns=words("company_role_nouns"),
        distributive_heads={_norm(k): str(v) for k, v in (raw.get("distributive_heads") or {}).items()},
        distributive_prepositions=frozenset(words("distributive_prepositions")),
        candidate_in_context=words("candidate_in_context"),
        electoral_context=words("electoral_context"),
        based_words=frozenset(words("based_words")),
        people_quantifiers=frozenset(words("people_quantifiers")),
        member_nouns=frozenset(words("member_nouns")),
        member_prepositions=frozenset(words("member_prepositions")),
    )


def _has(tokens: Any, phrases: Any) -> bool:
    """True when one of ``phrases`` (normalised) occurs as whole words in ``tokens``."""
    text = f" {_norm(' '.join(t.text for t in tokens))} "
    return any(f" {p} " in text for p in phrases)


def _description(root: Any, span: range) -> list:
    """Tokens that describe the mention outside its span: modifiers left of it ("former
    vice-" before "president of Namibia"), an apposition's noun and its modifiers ("X,
    previously the Deputy Chief Minister"), a relative clause's predicate noun ("X, who was a
    candidate")."""
    out = []
    for child in root.children:
        if child.i in span:
            continue
        if child.dep_ in _MODIFIERS and child.i < span.start:
            out.extend(child.subtree)
        elif child.dep_ == "appos":
            out.append(child)
            out.extend(c for c in child.children if c.dep_ in _MODIFIERS)
        elif child.dep_ == "relcl":
            for attr in child.children:
                if attr.dep_ == "attr":
                    out.append(attr)
                    out.extend(c for c in attr.children if c.dep_ in _MODIFIERS)
    if root.dep_ == "appos" and root.head.i < span.start:
        head = root.head
        out.append(head)
        out.extend(c for c in head.children if c.dep_ in _MODIFIERS)
    return out


def _left_words(doc: Any, start: int, limit: int = 3) -> list:
    """Modifiers right before a mention that the mention left out ("former vice-" before
    "president of Namibia", "former" before "US President Barack Obama")."""
    out = []
    i = start - 1
    while i >= 0 and len(out) < limit:
        t = doc[i]
        if not (t.text == "-" or (t.dep_ in ("amod", "compound", "appos", "advmod") and t.pos_ in ("ADJ", "NOUN", "ADV"))):
            break
        out.append(t)
        i -= 1
    return out[::-1]


def _as_role(root: Any) -> list:
    """The "as ..." phrase that gives the mention a role: "announced X as his running mate"."""
    holders = [root]
    if root.dep_ in ("dobj", "nsubjpass"):
        holders.append(root.head)
    out = []
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ == "as":
                out.extend(child.subtree)
    return out


def _is_person(item: Any, root: Any) -> bool:
    if item.label == "PERSON" or (item.actor is not None and item.actor.kind == "person"):
        return True
    # A role noun ("former officials") or a name the tagger knows merged with its role noun.
    return item.label == "AGENT" and (root.lower_ in _TITLES or root.lemma_.lower() in _TITLES
                                      or root.ent_type_ == "PERSON")


def _current_office(item: Any, dictionary: ActorDictionary, day: str | None) -> str | None:
    """The sector of the office the dictionary says the person holds on ``day``, or None."""
    actor = item.actor
    if actor is None or actor.kind != "person":
        return None
    try:
        res = dictionary.resolve_code(actor.id, day)
    except KeyError:
        return None
    return res.sector if res.in_role and not res.stale else None


def _dated_past(root: Any, day: str | None) -> bool:
    """True when the clause of ``root`` dates its act to an earlier year ("18 years ago",
    "in 1990")."""
    verb = root.head if root.dep_ != "ROOT" else root
    year = int(day[:4]) if day else _dt.date.today().year
    for child in verb.children:
        if child.i == root.i:
            continue
        for t in child.subtree:
            if t.ent_type_ != "DATE":
                continue
            if t.lower_ == "ago" or (_YEAR.match(t.text) and int(t.text) < year):
                return True
    return False


def _past_office(root: Any, cues: RoleCues, day: str | None) -> bool:
    """True when the sentence reports an act of a past office: "agreed under former President
    X", "X expelled them in 1994"."""
    return (root.dep_ == "pobj" and root.head.lower_ in cues.past_office_prepositions) or _dated_past(root, day)


def _owner(described: list, doc: Any, cues: RoleCues, dictionary: ActorDictionary,
           day: str | None) -> tuple[str | None, str] | None:
    """``(code, sector)`` of the body a person speaks for or belongs to ("spokesperson for the
    Bharatiya Janata Party", "a spokesman for the PMF"), or None."""
    for t in described:
        if t.lower_ not in cues.member_nouns:
            continue
        for prep in t.children:
            if prep.dep_ != "prep" or prep.lower_ not in cues.member_prepositions:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                start = obj.left_edge.i
                while start < obj.i and doc[start].dep_ in ("det", "poss", "case"):
                    start += 1
                text = doc[start : obj.right_edge.i + 1].text
                named = [c for c in dictionary.lookup(text, day)
                         if c.kind in ("organization", "igo") and c.match == "alias" and c.sector]
                if named:
                    return named[0].code, named[0].sector
                info = dictionary.agent(text)
                if info is not None and info.sector:
                    return info.code, info.sector
    return None


def _title_sector(tokens: Any, dictionary: ActorDictionary) -> str | None:
    for t in tokens:
        if t.lower_ in _TITLES:
            sector = dictionary.agent_sector(t.text)
            if sector:
                return sector
    return None


def _with_sector(item: Any, sector: str, name: str) -> Any:
    if item.actor is not None:
        return replace(item, actor=replace(item.actor, sector=sector))
    actor = Actor(id=f"{sector.lower()}:{_slug(name)}", name=name, code=None, sector=sector,
                  kind="person" if item.label == "PERSON" else "organization")
    return replace(item, actor=actor)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _described_person(root: Any, item_at: dict[int, Any]) -> Any:
    """The person mention a role noun is in apposition to ("Boris Johnson — former Foreign
    Secretary"), or None."""
    tok = root
    for _ in range(3):
        if tok.dep_ not in ("appos", "conj") or tok.head.i == tok.i:
            return None
        tok = tok.head
        other = item_at.get(tok.i)
        if other is not None and other.label == "PERSON":
            return other
    return None


def _person_cue(item: Any, doc: Any, cues: RoleCues, dictionary: ActorDictionary, day: str | None,
                item_at: dict[int, Any]) -> Any:
    span = doc[item.start : item.end]
    root = span.root
    if not _is_person(item, root):
        return item
    where = range(item.start, item.end)
    described = _left_words(doc, item.start) + list(span) + _description(root, where)
    office = _current_office(item, dictionary, day)
    if office is None and item.label == "AGENT":
        person = _described_person(root, item_at)
        office = _current_office(person, dictionary, day) if person is not None else None
    name = span.text
    role = described + _as_role(root)
    # The electoral context may follow the noun: "a candidate in the presidential primary".
    context = role + [t for c in role if _norm(c.text) in cues.candidate_in_context for t in c.subtree]
    if _has(role, cues.candidate) or (_has(role, cues.candidate_in_context) and _has(context, cues.electoral_context)):
        if office != "GOV":
            return _with_sector(item, "OPP", name)
        return item
    if not any(_norm(t.text) in cues.former for t in described):
        owner = None if office is not None else _owner(described, doc, cues, dictionary, day)
        if owner is not None and item.actor is None and item.label == "PERSON":
            actor = Actor(id=f"person:{_slug(name)}", name=name, code=owner[0], sector=owner[1], kind="person")
            return replace(item, actor=actor, title_sector=None)
        if owner is not None and item.actor is not None and item.actor.kind == "person" and owner[1] != item.actor.sector:
            code = item.actor.code or owner[0]
            return replace(item, actor=replace(item.actor, code=code, sector=owner[1]))
        return item
    if office is not None:
        return item  # "Boris Johnson, former Foreign Secretary": named by the office he holds
    if _past_office(root, cues, day):
        sector = _title_sector(described, dictionary) or (item.actor.sector if item.actor else None)
        return _with_sector(item, sector, name) if sector else item
    return _with_sector(item, "ELI", name)


def _org_cue(item: Any, doc: Any, cues: RoleCues, country_at: dict[int, str]) -> Any:
    if item.label == "PERSON" or (item.actor is not None and item.actor.kind in ("person", "state", "igo")):
        return item
    span = doc[item.start : item.end]
    sector = item.actor.sector if item.actor is not None else None
    tail = span[-2:] if len(span) > 1 else span
    if sector != "MED" and (_has(tail[-1:], cues.media_heads) or _has(tail, [h for h in cues.media_heads if " " in h])):
        return _with_sector(item, "MED", span.text)
    if sector is None and item.label in ("ORG", "AGENT"):
        before = doc[max(0, item.start - 3) : item.start]
        # A role noun is a common noun before the name ("retailer Tesco"), not part of a
        # name ("Export-Import Bank president").
        nouns = [t for t in list(before) + list(span[:-1]) if t.is_lower or t.text == "-"]
        if span[-1].text in cues.company_name_heads or (nouns and _has(nouns, cues.company_role_nouns)):
            item = _with_sector(item, "BUS", span.text)
    if item.actor is not None and item.actor.code is None and item.actor.sector in ("BUS", "MED", "NGO"):
        # "UK-based retailer Tesco", "Denmark-based retailer Salling Group".
        for i in range(max(0, item.start - 4), item.end - 2):
            if i in country_at and doc[i + 1].text == "-" and doc[i + 2].lower_ in cues.based_words:
                return replace(item, actor=replace(item.actor, code=country_at[i]))
    return item


def _counted_people(item: Any, doc: Any, cues: RoleCues, demonyms: set[int]) -> Any:
    """"4 Iraqis", "more than 100 Palestinians", "thousands of Nigerians": people, CVL."""
    if (item.actor is None or item.actor.kind != "state" or item.actor.sector is not None
            or not any(i in demonyms for i in range(item.start, item.end))):
        return item
    root = doc[item.end - 1]
    if root.tag_ not in ("NNPS", "NNS"):
        return item
    counted = any(c.dep_ == "nummod" or (c.dep_ in ("amod", "det") and c.lower_ in cues.people_quantifiers)
                  for c in root.children)
    if not counted and root.dep_ == "pobj" and root.head.lower_ == "of":
        counted = root.head.head.lower_ in cues.people_quantifiers or root.head.head.like_num
    if not counted:
        return item
    # The people, not the state: an actor of their own (the state's id keeps the state's sector).
    name = doc[item.start : item.end].text
    code = item.actor.code
    return replace(item, actor=Actor(id=f"{code}:{_slug(name)}", name=name, code=code, sector="CVL", kind="organization"))


def _distributive_head(token: Any, cues: RoleCues, dictionary: ActorDictionary) -> str | None:
    """The sector of a plural actor noun that can distribute over countries, or None."""
    plural = token.tag_ in ("NNS", "NNPS") or (token.tag_ == "NNP" and token.lower_.endswith("s"))  # "Prime Ministers"
    if not plural and token.lower_ not in ("police",):
        return None
    sector = cues.distributive_heads.get(token.lower_)
    if sector is None:
        info = dictionary.agent(token.text)
        sector = info.sector if info is not None and info.code is None else None
    return sector


def _coordinated_countries(prep: Any, country_at: dict[int, str]) -> list[Any]:
    """The country tokens coordinated under ``prep`` ("of China, India and Oman")."""
    out = []
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        stack = [obj]
        while stack:
            tok = stack.pop()
            out.append(tok)
            stack.extend(c for c in tok.children if c.dep_ == "conj")
    return sorted(out, key=lambda t: t.i)


def _distribute(found: list, doc: Any, cues: RoleCues, dictionary: ActorDictionary,
                country_at: dict[int, str], country_end: dict[int, int]) -> list:
    """Split "navies of China, India and Oman" into one mention per country, and give
    coordinated countries after "agencies from" the head's sector."""
    out = list(found)
    by_start = {item.start: item for item in out}
    for prep in doc:
        if prep.dep_ != "prep" or prep.lower_ not in cues.distributive_prepositions:
            continue
        head = prep.head
        sector = _distributive_head(head, cues, dictionary)
        if sector is None:
            continue
        objs = _coordinated_countries(prep, country_at)
        countries = []
        for tok in objs:
            start = _country_start(tok, country_at, country_end)
            if start is None:
                break  # "navies of China and other states": not a list of countries
            countries.append(start)
        if len(countries) < 2 or len(set(countries)) != len(countries):
            continue
        left = head.left_edge.i
        while left < head.i and doc[left].dep_ in ("det", "predet"):
            left += 1
        covering = [item for item in out if item.start <= head.i < item.end]
        if covering and covering[0].end > country_end[countries[0]] and covering[0].start <= left:
            # One mention swallowed the list: keep "navies of China", then one per country.
            first = covering[0]
            code = country_at[countries[0]]
            new = [replace(first, end=country_end[countries[0]],
                           actor=_distributed_actor(first.actor, code, sector, doc[first.start:country_end[countries[0]]].text))]
            rest_items = []
            for start in countries[1:]:
                rest_items.append(replace(first, start=start, end=country_end[start], label="GPE", agent_key=None,
                                          actor=_distributed_actor(None, country_at[start], sector, doc[start:country_end[start]].text)))
            idx = out.index(first)
            out[idx : idx + 1] = new + rest_items
            continue
        first_done = False
        if covering:
            if not (covering[0].end == country_end[countries[0]] and covering[0].actor is not None
                    and covering[0].actor.code == country_at[countries[0]]):
                continue  # the head is inside another mention
            first_done = True  # "Representatives of the UK" is already one mention
        # "agencies from Germany, South Korea and the United States": the countries are
        # separate mentions; the first takes the head into its span.
        for n, start in enumerate(countries):
            if n == 0 and first_done:
                continue
            item = by_start.get(start) or next((i for i in out if i.start <= start < i.end), None)
            if item is None or item.actor is None or item.actor.kind != "state":
                continue
            code = item.actor.code
            new_start = left if n == 0 else item.start
            actor = _distributed_actor(None, code, sector, doc[new_start:item.end].text)
            out[out.index(item)] = replace(item, start=new_start, actor=actor, label="AGENT" if n == 0 else item.label)
    out.sort(key=lambda f: f.start)
    return out


def _distributed_actor(actor: Actor | None, code: str, sector: str, name: str) -> Actor:
    if actor is not None and actor.code == code:
        return replace(actor, name=name, sector=sector)
    return Actor(id=f"{code}:{_slug(name)}", name=name, code=code, sector=sector, kind="organization")


def _country_start(tok: Any, country_at: dict[int, str], country_end: dict[int, int]) -> int | None:
    """The start of the country name whose last token (or only token) is ``tok``."""
    for start, end in country_end.items():
        if start <= tok.i < end:
            return start
    return None


def apply_role_cues(found: list, doc: Any, *, dictionary: ActorDictionary, country_tokens: dict,
                    country_ends: dict[int, int], day: str | None, cues: RoleCues | None = None) -> list:
    """The resolver's mentions (``_Found`` items) with the sector cues above applied."""
    cues = cues or role_cues()
    country_at = {start: code for start, (code, alias_type, ambiguous, _alts) in country_tokens.items()
                  if alias_type in ("name", "demonym") and not ambiguous}
    country_end = {start: country_ends.get(start, start + 1) for start in country_at
                   if country_tokens[start][1] == "name"}
    # "UK-based retailer Tesco": the country names where the company is based; it is no
    # mention of its own (ACTORS_GOLD.md rule 4).
    based = {start for start in country_at
             if country_ends.get(start, start + 1) + 1 < len(doc) and doc[country_ends.get(start, start + 1)].text == "-"
             and doc[country_ends.get(start, start + 1) + 1].lower_ in cues.based_words}
    item_at = {i: item for item in found for i in range(item.start, item.end)}
    demonyms = {start for start, (_code, alias_type, _amb, _alts) in country_tokens.items() if alias_type == "demonym"}
    out = []
    for item in found:
        if item.start in based and item.actor is not None and item.actor.kind == "state":
            continue
        item = _person_cue(item, doc, cues, dictionary, day, item_at)
        item = _org_cue(item, doc, cues, country_at)
        item = _counted_people(item, doc, cues, demonyms)
        out.append(item)
    if country_end:
        out = _distribute(out, doc, cues, dictionary, country_at, country_end)
    return out
