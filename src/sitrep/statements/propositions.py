"""Propositions: what a statement's content says happened (or did not), in event terms.

A statement's content is read three ways, first that applies wins:

* **event**: an event the coder found (``Analysis.events``) whose trigger lies in the content
  ("that Russia had already sent a response" → CONSULT RUS→USA); its factuality says whether
  it is negated;
* **claim**: otherwise the content clause's own predicate, with its subject and object actors
  and its negation ("Moscow had not yet sent Washington a final response" → send, RUS→USA,
  negated);
* **reference**: a content that only points at another party's claim ("the latest information
  revealed by the US State Department", "This is not true", "what the sources had revealed")
  gets type ``REFERENCE``.

Whatever the reading, ``target`` names the party whose claim the content points at, when the
content or its sentence says ("revealed by X", "X's allegations", "commenting on what was
published by X"). ``codes`` lists the actor codes named in the content: relations compare them.

The proposition is a plain mapping: ``{type, predicate, actor, recipient, negated, polarity,
factuality, text, codes, event_id?, target?}``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

import yaml

from sitrep.records import Statement
from sitrep.statements.extract import cue_lexicon


@lru_cache(maxsize=1)
def relation_rules() -> dict[str, Any]:
    """The word lists and thresholds in ``sitrep/data/statements/relations.yaml``."""
    raw = yaml.safe_load(
        resources.files("sitrep").joinpath("data/statements/relations.yaml").read_text(encoding="utf-8")
    )
    for key in ("report_nouns", "report_verbs", "anaphora", "negators", "stopwords"):
        raw[key] = frozenset(str(w).lower() for w in raw.get(key, []))
    return raw


def with_propositions(analysis: Any, statements: Iterable[Statement]) -> list[Statement]:
    """The statements with their ``proposition`` read from the content (see module docstring)."""
    reader = _Reader(analysis)
    return [replace(s, proposition=reader.read(s)) for s in statements]


class _Reader:
    def __init__(self, analysis: Any) -> None:
        self.analysis = analysis
        self.doc = analysis.doc
        self.text = analysis.document.text
        self.rules = relation_rules()
        self.mentions = sorted(analysis.mentions, key=lambda m: m.start)
        self._starts = [t.idx for t in self.doc]  # token start offsets, ascending
        self._mention_starts = [m.start for m in self.mentions]

    def _tokens_in(self, spans: Sequence[tuple[int, int]]) -> list[Any]:
        """The tokens that start inside any of the character spans, in document order."""
        starts = self._starts
        found: set[int] = set()
        for a, b in spans:
            found.update(range(bisect_left(starts, a), bisect_left(starts, b)))
        doc = self.doc
        return [doc[i] for i in sorted(found)]

    def read(self, st: Statement) -> dict[str, Any] | None:
        segments = st.content.get("segments") or [st.content]
        spans = [(int(s["start"]), int(s["end"])) for s in segments]
        tokens = self._tokens_in(spans)
        if not tokens:
            return None
        text = " … ".join(self.text[a:b] for a, b in spans)
        codes = sorted({c for c in (self._code(m) for m in self._mentions_in(spans)) if c})
        prop: dict[str, Any] = {"text": text, "codes": codes}
        target = self._target(tokens) or (self._sentence_target(st, tokens) if self._is_reference(tokens) else None)
        sp = st.speaker or {}
        if target is not None and (
                (target.get("actor_id") and target.get("actor_id") == sp.get("actor_id"))
                or (sp.get("start") is not None and target["start"] < sp["end"] and sp["start"] < target["end"])):
            target = None  # a speaker does not deny or confirm itself
        inner = self._reported_clause(tokens)
        if inner:
            # "denied reports that Brown is preparing to oust Milburn": the claim is the clause.
            tokens = inner
            spans = [(inner[0].idx, inner[-1].idx + len(inner[-1].text))]
        event = None if self._is_reference(tokens) else self._event(spans, st)
        if event is not None:
            prop.update(
                type=event.type, predicate=event.evidence.get("trigger", {}).get("text"),
                actor=_part(event.actor), recipient=_part(event.recipient),
                # The coder reads "denied sending" as a negated event; the denial is the
                # statement's stance, so only a negation inside the content counts here.
                negated=event.factuality == "negated" and self._has_negation(tokens),
                factuality=event.factuality, event_id=event.id,
            )
        elif self._is_reference(tokens):
            prop.update(type="REFERENCE", predicate=None, actor=None, recipient=None, negated=False,
                        factuality="asserted")
        else:
            claim = self._claim(tokens)
            if claim is None:
                return None
            prop.update(claim)
        if target is not None:
            prop["target"] = target
        prop["polarity"] = "negative" if prop.get("negated") else "positive"
        return prop

    # -- readings ------------------------------------------------------------------------------
    def _event(self, spans: Sequence[tuple[int, int]], st: Statement) -> Any:
        cue = (int(st.cue["start"]), int(st.cue["end"]))
        best = None
        for e in self.analysis.events:
            trig = (e.evidence or {}).get("trigger") or {}
            t = trig.get("start")
            if t is None or cue[0] <= t < cue[1] or not any(a <= t < b for a, b in spans):
                continue
            if best is None or e.confidence > best.confidence:
                best = e
        return best

    def _root(self, tokens: Sequence[Any]) -> Any:
        inside = {t.i for t in tokens}
        roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
        roots = [t for t in roots if not t.is_punct and t.dep_ not in ("mark", "cc")] or roots
        for t in roots:
            if t.pos_ in ("VERB", "AUX"):
                return t
        return roots[0] if roots else None

    def _reported_clause(self, tokens: Sequence[Any]) -> list[Any]:
        """The clause a report noun carries ("reports [that] he would quit", "claims that X"),
        as tokens, or [] when the content is not such a noun or it has no clause."""
        root = self._root(tokens)
        if root is None or root.lemma_.lower() not in self.rules["report_nouns"] or root.pos_ not in ("NOUN", "PROPN"):
            return []
        inside = {t.i for t in tokens}
        for child in root.children:
            if child.dep_ in ("acl", "ccomp", "relcl") and child.pos_ in ("VERB", "AUX") and child.i in inside:
                finite = any(c.dep_ in ("mark", "nsubj", "nsubjpass") and c.lower_ not in ("which", "who") for c in child.children)
                if not finite:
                    continue  # "the claims, made in a new book", "which he has denied": no claim clause
                sub = [t for t in child.subtree if t.i in inside]
                return sub
        return []

    def _has_negation(self, tokens: Sequence[Any]) -> bool:
        return any(t.dep_ == "neg" or (t.lower_ in self.rules["negators"] and t.dep_ in ("det", "advmod", "neg")) for t in tokens)

    def _is_reference(self, tokens: Sequence[Any]) -> bool:
        """A content that points at a claim instead of stating one."""
        root = self._root(tokens)
        if root is None:
            return False
        words = [t for t in tokens if not t.is_punct and not t.is_space and t.text not in "“”\"'"]
        lemma = root.lemma_.lower()
        if lemma in self.rules["report_nouns"] or (len(words) <= 2 and words and words[0].lower_ in self.rules["anaphora"]):
            return True
        # "This is not true", "there was no truth in the report": the content only denies.
        text = " ".join(t.text for t in words)
        if any(name == "deny" and pattern.search(text[:80]) for name, pattern in cue_lexicon().content_stance):
            return True
        # "that was a lie": a demonstrative subject with a truth predicate.
        subj = [c for c in root.children if c.dep_ == "nsubj"]
        if subj and subj[0].lower_ in self.rules["anaphora"] and root.lemma_ == "be" and len(words) <= 6:
            return True
        # "what the sources had revealed", "what was published by X".
        first = words[0] if words else None
        return bool(first is not None and first.lower_ == "what" and lemma in self.rules["report_verbs"])

    def _claim(self, tokens: Sequence[Any]) -> dict[str, Any] | None:
        root = self._root(tokens)
        if root is None or root.pos_ not in ("VERB", "AUX"):
            return None
        # "is likely to adopt", "had already sent": the content verb, through raising and modal frames.
        verb = root
        for child in root.children:
            if child.dep_ == "xcomp" and child.pos_ == "VERB" and root.lemma_ in ("be", "seem", "appear", "continue", "want", "plan"):
                verb = child
            elif child.dep_ == "acomp" and root.lemma_ == "be":
                # "is likely to adopt", "is ready to send": the infinitive is the claim.
                inner = next((c for c in child.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
                verb = inner or verb
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        obj = next((c for c in verb.children if c.dep_ in ("dative", "dobj")), None)
        recipient = None
        for child in verb.children:
            if child.dep_ == "dative" or (child.dep_ == "prep" and child.lower_ in ("to", "against", "with", "on")):
                recipient = child
                break
        negated = any(c.dep_ == "neg" for c in (*root.children, *verb.children)) or any(
            c.lower_ in self.rules["negators"] and c.dep_ in ("det", "neg", "advmod") for c in verb.subtree if c.i <= (obj.i if obj is not None else verb.i)
        )
        future = any(c.lower_ in ("will", "would", "'ll") for c in root.children if c.dep_ == "aux")
        return {
            "type": "CLAIM",
            "predicate": verb.lemma_.lower(),
            "actor": self._phrase_actor(subject),
            "recipient": self._phrase_actor(recipient if recipient is not None and recipient.dep_ == "dative" else
                                            (next((c for c in recipient.children if c.dep_ == "pobj"), None) if recipient is not None else None)),
            "negated": bool(negated),
            "factuality": "negated" if negated else ("future" if future else "asserted"),
        }

    # -- targets -------------------------------------------------------------------------------
    def _target(self, tokens: Sequence[Any]) -> dict[str, Any] | None:
        """Whose claim the tokens point at: the by-agent or subject of a report verb, or the
        possessor or by-phrase of a report noun."""
        rules = self.rules
        for t in tokens:
            lemma = t.lemma_.lower()
            who = None
            if lemma in rules["report_verbs"] and t.pos_ == "VERB":
                for c in t.children:
                    if c.dep_ == "agent":
                        who = next((p for p in c.children if p.dep_ == "pobj"), None)
                    elif c.dep_ == "nsubj" and c.lower_ not in ("which", "that", "who", "what"):
                        who = c
                    if who is not None:
                        break
            elif lemma in rules["report_nouns"] and t.pos_ in ("NOUN", "PROPN"):
                for c in t.children:
                    if c.dep_ == "poss":
                        who = c
                    elif c.dep_ == "prep" and c.lower_ in ("by", "from"):
                        who = next((p for p in c.children if p.dep_ == "pobj"), None)
                    if who is not None:
                        break
            if who is not None:
                found = self._phrase_actor(who, keep_unresolved=True)
                if found is not None:
                    return found
        return None

    def _sentence_target(self, st: Statement, tokens: Sequence[Any]) -> dict[str, Any] | None:
        """"“This is not true,” the latter said, commenting on what was published by X": for a
        content that only points back, the rest of its sentence may name the claim's author."""
        ev = st.evidence or {}
        a, b = int(ev.get("start", 0)), int(ev.get("end", 0))
        inside = {t.i for t in tokens}
        after = max(int((st.speaker or {}).get("end") or 0), int(st.cue["end"]))
        rest = [t for t in self._tokens_in([(a, b)]) if t.i not in inside and t.idx >= after]
        return self._target(rest)

    # -- actors --------------------------------------------------------------------------------
    def _mentions_in(self, spans: Sequence[tuple[int, int]]) -> list[Any]:
        """The mentions inside any of the character spans, in text order."""
        mentions, starts = self.mentions, self._mention_starts
        found: set[int] = set()
        for a, b in spans:
            found.update(k for k in range(bisect_left(starts, a), bisect_right(starts, b)) if mentions[k].end <= b)
        return [mentions[k] for k in sorted(found)]

    def _code(self, mention: Any) -> str | None:
        actor = self.analysis.actors.get(mention.actor_id) if mention.actor_id else None
        return actor.code if actor else None

    def _phrase_actor(self, head: Any, *, keep_unresolved: bool = False) -> dict[str, Any] | None:
        if head is None:
            return None
        left, right = head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text)
        inside = [m for m in self.mentions if left <= m.start and m.end <= right]
        pick = next((m for m in inside if m.start <= head.idx < m.end and m.actor_id), None) or next(
            (m for m in inside if m.actor_id), None)
        if pick is not None:
            actor = self.analysis.actors.get(pick.actor_id)
            return {"text": pick.text, "start": pick.start, "end": pick.end, "actor_id": pick.actor_id,
                    "code": actor.code if actor else None, "sector": actor.sector if actor else None}
        if not keep_unresolved or head.pos_ == "PRON":
            return None
        # An unnamed party ("the sources"): kept by its words, matched by its head noun.
        s, e = head.left_edge.idx, head.idx + len(head.text)
        return {"text": self.text[s:e], "start": s, "end": e, "actor_id": None, "code": None, "sector": None,
                "head": head.lemma_.lower()}


def _part(part: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not part:
        return None
    return {k: part.get(k) for k in ("text", "actor_id", "code", "sector")}
