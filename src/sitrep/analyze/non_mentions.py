"""Spans the actor resolver found that name no actor in their position
(``data/eval/ACTORS_GOLD.md`` rules 3 and 6), with the word lists of
``data/actors/non_mentions.yaml``:

- a legislature used as a place: "debate in parliament", "spent five decades in Congress",
  "elected to Congress", "ran for Congress";
- a country's name used as the modifier of a common noun: "the 2020 United States
  presidential election", "US dollars";
- a personal title used as a predicate: "had been Tonga's prime minister", "was sworn in as
  Puerto Rico's new governor", "to serve as Vice President".

Named people and organisations are never dropped: only institution and role nouns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from sitrep.analyze.dictionary import _TITLES


@dataclass(frozen=True)
class NonMentionRules:
    """The word lists of ``non_mentions.yaml``."""

    locative_prepositions: frozenset[str]
    goal_prepositions: dict[str, frozenset[str]]
    predicate_dependencies: frozenset[str]
    as_heads: frozenset[str]


def parse_non_mention_rules(text: str) -> NonMentionRules:
    """Parse rules from YAML ``text`` (see ``data/actors/non_mentions.yaml``)."""
    raw = yaml.safe_load(text) or {}
    return NonMentionRules(
        locative_prepositions=frozenset(str(w).lower() for w in raw.get("locative_prepositions") or ()),
        goal_prepositions={str(p).lower(): frozenset(str(v).lower() for v in verbs or ())
                           for p, verbs in (raw.get("goal_prepositions") or {}).items()},
        predicate_dependencies=frozenset(str(w) for w in raw.get("predicate_dependencies") or ()),
        as_heads=frozenset(str(w).lower() for w in raw.get("as_heads") or ()),
    )


@lru_cache(maxsize=1)
def non_mention_rules() -> NonMentionRules:
    """The packaged rules."""
    text = resources.files("sitrep.data").joinpath("actors/non_mentions.yaml").read_text("utf-8")
    return parse_non_mention_rules(text)


def _state_modifier(item: Any, doc: Any, dictionary: Any) -> bool:
    """A country's name used as the compound modifier of a common noun that names no actor
    ("the 2020 United States presidential election", "nine billion US dollars", "the U.S.
    border city"): rule 4, modifiers of non-actors. Not before an event noun the event coder
    reads ("US Predator attacks", "a Russian invasion"): there the country is the event's
    actor, and the coder takes it from this mention."""
    if item.actor is None or item.actor.kind != "state" or item.label != "GPE" or item.actor.sector is not None:
        return False
    root = doc[item.end - 1]  # the name's last word ("the U.S.": not the article)
    head = root.head
    if not (root.dep_ in ("compound", "nmod") and head.i >= item.end and head.pos_ == "NOUN"
            and head.ent_type_ in ("", "MONEY") and dictionary.agent(head.text) is None):
        return False
    from sitrep.events.coder import rules as event_rules

    nouns = event_rules().nouns
    while head.dep_ in ("compound", "nmod") and head.head.i > head.i:
        head = head.head  # "US Predator attacks": the phrase's head noun
    return not any(t.lemma_.lower() in nouns or t.lower_ in nouns for t in doc[item.end : head.i + 1])


def _is_institution(item: Any, doc: Any) -> bool:
    """An institution or role noun, not a named person or organisation."""
    if item.label == "AGENT":
        return True
    actor = item.actor
    span = doc[item.start : item.end]
    return (actor is not None and actor.kind == "organization" and actor.sector is not None
            and not any(t.ent_type_ == "PERSON" for t in span))


def is_non_mention(item: Any, doc: Any, dictionary: Any, rules: NonMentionRules | None = None) -> bool:
    """True when ``item`` (a resolver mention) names no actor in its position; ``dictionary``
    (an :class:`~sitrep.analyze.dictionary.ActorDictionary`) gives a bare noun's sector."""
    rules = rules or non_mention_rules()
    if _state_modifier(item, doc, dictionary):
        return True
    if not _is_institution(item, doc):
        return False
    span = doc[item.start : item.end]
    root = span.root
    if item.actor is not None:
        sector = item.actor.sector
    else:
        info = dictionary.agent(span.text)
        sector = info.sector if info is not None else None
    title = item.label == "AGENT" and (root.lower_ in _TITLES or root.lemma_.lower() in _TITLES)
    if root.dep_ in rules.predicate_dependencies and title:
        return True  # not a group: "the dead are fourteen civilians" names the victims
    if root.dep_ != "pobj":
        return False
    prep, head = root.head, root.head.head
    word = prep.lower_
    if word == "as" and title and head.lemma_.lower() in rules.as_heads:
        return True
    if sector != "LEG":
        return False
    if word in rules.locative_prepositions:
        return True
    return head.lemma_.lower() in rules.goal_prepositions.get(word, ())


def drop_non_mentions(found: list, doc: Any, dictionary: Any) -> list:
    """``found`` without the items :func:`is_non_mention` rejects."""
    rules = non_mention_rules()
    return [item for item in found if not is_non_mention(item, doc, dictionary, rules)]
