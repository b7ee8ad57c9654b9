"""Attributed statements: who said what, through whom, with which cue and stance.

The extractor reads the analysis' parse and mentions; it does not parse again. For each cue
(a speech or cognition verb from ``data/statements/cues.yaml``, or a source phrase such as
"according to") it finds

* the **source**: the verb's subject, or the subject of the verb it hangs from ("..., saying
  that"), the object of the source phrase, or a name alone before a colon ("Grushko: …");
  pronouns and "the latter" are resolved back to the last compatible actor mention
  (``speaker["refers_to"]`` names it); unnamed sources ("diplomatic sources", "officials")
  keep ``speaker["unnamed"] = True`` and the affiliation the phrase gives
  (``speaker["affiliation"]``, with its actor's id and code);
* the **content**: an adjacent quotation (direct), the clausal complement (indirect), or, for
  verbs such as "deny" and "confirm", the object ("denied the latest information");
  quotations inside a clausal content make it mixed;
* the **carrier chain** (``via``): "X, quoting Y" hands Y's later statements to X; a
  statement whose cue lies inside another's content ("CNN explained that officials
  confirmed ...") is carried by the outer speaker.

Stance comes from the cue's group in the data file, overridden by the content's wording
("This is not true" → deny; "is likely to" → predict). Nested statements (a cue inside another
statement's content) are kept, with the outer speaker in ``via``; :func:`is_nested` tells them.

Content spans follow the common annotation convention: a clause without its final full stop
and separating commas; a quotation with its quote marks.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

from sitrep.records import Mention, Statement
from sitrep.statements.quotes import find_quotes, word_count

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_THING = frozenset({"it"})
_PRONOUNS_GROUP = frozenset({"they", "them"})
_EDGE_PUNCT = " \t\n,;:—–-"
_SOURCE_DEPS = ("nsubj",)
_INHERIT_DEPS = ("advcl", "xcomp", "conj", "pcomp", "prep")


@dataclass(frozen=True)
class CueLexicon:
    """The cue data: lemma → stance, and the lists that restrict how a lemma may be used."""

    stance: dict[str, str]
    object_content: frozenset[str]
    clause_only: frozenset[str]
    source_phrases: tuple[tuple[str, ...], ...]
    carrier_verbs: frozenset[str]
    relay_verbs: frozenset[str]
    content_stance: tuple[tuple[str, re.Pattern[str]], ...]
    unnamed_heads: frozenset[str]
    channels: frozenset[str]
    xcomp_content: frozenset[str]
    prep_content: dict[str, str]


@lru_cache(maxsize=1)
def cue_lexicon() -> CueLexicon:
    """The cue lexicon shipped in ``sitrep/data/statements/cues.yaml`` (loaded once)."""
    raw = yaml.safe_load(
        resources.files("sitrep").joinpath("data/statements/cues.yaml").read_text(encoding="utf-8")
    )
    stance: dict[str, str] = {}
    # Later groups win, so a lemma listed under "deny" is never a plain assertion.
    for name in ("assert", "predict", "question", "confirm", "deny"):
        for lemma in raw["verbs"].get(name, []) or []:
            stance[str(lemma)] = name
    patterns = tuple(
        (name, re.compile(p, re.IGNORECASE)) for name, items in raw.get("content_stance", {}).items() for p in items
    )
    return CueLexicon(
        stance=stance,
        object_content=frozenset(raw.get("object_content", [])),
        clause_only=frozenset(raw.get("clause_only", [])),
        source_phrases=tuple(tuple(p.split()) for p in raw.get("source_phrases", [])),
        carrier_verbs=frozenset(raw.get("carrier_verbs", [])),
        relay_verbs=frozenset(raw.get("relay_verbs", [])),
        content_stance=patterns,
        unnamed_heads=frozenset(raw.get("unnamed_heads", [])),
        channels=frozenset(raw.get("channels", [])),
        xcomp_content=frozenset(raw.get("xcomp_content", [])),
        prep_content=dict(raw.get("prep_content", {})),
    )


@dataclass(kw_only=True)
class _Found:
    """A statement being built, in token and character offsets."""

    cue: tuple[int, int]  # characters
    cue_tokens: tuple[int, int]  # tokens [start, end)
    lemma: str
    source: tuple[int, int] | None  # tokens [start, end)
    segments: list[tuple[int, int]]  # characters
    kind: str
    sent_start: int  # characters
    sent_end: int
    via: list[dict[str, Any]] = field(default_factory=list)
    speaker: dict[str, Any] | None = None
    nested_in: int | None = None
    mention: Mention | None = None
    source_comma: bool = False


def extract_statements(analysis: Any) -> list[Statement]:
    """Attributed statements in an analysed document, in text order."""
    return StatementExtractor(analysis).run()


def is_nested(statement: Statement, statements: Iterable[Statement] = ()) -> bool:
    """True when the statement's cue lies inside another statement's content (given
    ``statements``), or when it was carried by an outer statement (its ``via`` says so)."""
    if any(item.get("nested") for item in statement.via):
        return True
    cue_start, cue_end = statement.cue["start"], statement.cue["end"]
    for other in statements:
        if other.id == statement.id:
            continue
        segments = other.content.get("segments") or [other.content]
        if any(seg["start"] <= cue_start and cue_end <= seg["end"] for seg in segments):
            return True
    return False


class StatementExtractor:
    """One document's statements; build per analysis and call :meth:`run`."""

    def __init__(self, analysis: Any) -> None:
        self.analysis = analysis
        self.doc = analysis.doc
        self.text: str = analysis.document.text
        self.lex = cue_lexicon()
        self.mentions: list[Mention] = sorted(analysis.mentions, key=lambda m: m.start)
        # Every quotation may be a direct quote next to its cue ("“Judge,” he said"); only the
        # longer ones make a clause mixed or hide cues inside them.
        self.all_quotes = find_quotes(self.text)
        self.quotes = [q for q in self.all_quotes if word_count(self.text[q[0] : q[1]]) >= 3]

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> list[Statement]:
        """Find cues, build statements, resolve speakers and carriers."""
        found: list[_Found] = []
        taken: set[int] = set()
        for item in self._colon_cues():
            found.append(item)
            taken.update(range(*item.cue_tokens))
        for item in self._source_phrases():
            found.append(item)
            taken.update(range(*item.cue_tokens))
        for token in self._verbs():
            if token.i in taken:
                continue
            item = self._verb_cue(token)
            if item is not None:
                found.append(item)
        found = self._dedupe(found)
        found.sort(key=lambda f: f.cue[0])
        for item in found:
            item.speaker = self._speaker(item)
        self._carriers(found)
        self._nesting(found)
        return [self._record(item) for item in found]

    # -- cues --------------------------------------------------------------------------------
    def _verbs(self) -> list[Any]:
        """The verbs and auxiliaries of the document, in text order: only they can be speech
        cues. Read from the tag array once, instead of asking every token."""
        if not hasattr(self, "_verb_tokens"):
            from spacy.attrs import POS
            from spacy.parts_of_speech import AUX, VERB

            doc = self.doc
            pos = doc.to_array(POS)
            self._verb_tokens = [doc[i] for i in ((pos == VERB) | (pos == AUX)).nonzero()[0].tolist()]
        return self._verb_tokens

    def _verb_cue(self, token: Any) -> _Found | None:
        lemma = token.lemma_.lower()
        if lemma not in self.lex.stance or token.pos_ not in ("VERB", "AUX"):
            return None
        if token.dep_ in ("amod", "compound", "acl") and token.tag_ == "VBN":
            return None  # "the report released by", "a stated goal"
        if self._in_quote(token.idx):
            return None  # speech reported inside a quotation belongs to the quoted speaker
        source = self._subject(token)
        segments, kind = self._content(token, source)
        if not segments:
            return None
        if source is None and not self._passive_ok(token):
            return None
        if source is not None and self.doc[source[0] : source[1]].text.lower() == "it" and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in token.children
        ):
            return None  # "it is important to mention …": an expletive, not a speaker
        cue_start, cue_end = self._cue_tokens(token)
        sent = token.sent
        return _Found(
            cue=(self.doc[cue_start].idx, self.doc[cue_end - 1].idx + len(self.doc[cue_end - 1].text)),
            cue_tokens=(cue_start, cue_end),
            lemma=lemma,
            source=source,
            segments=segments,
            kind=kind,
            sent_start=sent.start_char,
            sent_end=sent.end_char,
        )

    def _cue_tokens(self, token: Any) -> tuple[int, int]:
        """The cue verb with its auxiliaries and negation ("has said", "did not deny")."""
        start = token.i
        for child in token.lefts:
            if child.dep_ in ("aux", "auxpass", "neg") and token.i - child.i <= 3:
                start = min(start, child.i)
        # Only adverbs may sit between an auxiliary and the verb ("has also said").
        if any(t.pos_ not in ("AUX", "PART", "ADV") for t in self.doc[start : token.i]):
            start = token.i
        # "also said", "initially said": an adverb right before the verb is part of the cue.
        while start > 0 and self.doc[start - 1].dep_ == "advmod" and self.doc[start - 1].head.i == token.i and self.doc[start - 1].pos_ == "ADV":
            start -= 1
        end = token.i + 1
        # "said in a statement", "wrote in a blog post": the channel belongs to the cue.
        if end < len(self.doc) and self.doc[end].dep_ == "prep" and self.doc[end].head.i == token.i and self.doc[end].lower_ in ("in", "on"):
            prep = self.doc[end]
            if any(c.dep_ == "pobj" and c.lemma_.lower() in self.lex.channels for c in prep.children):
                end = prep.right_edge.i + 1
        doc = self.doc
        lemma = token.lemma_.lower()
        # "pointed out", "called for", "talking about", "agreed with": the particle or the
        # preposition that introduces the content is part of the cue.
        if end < len(doc) and doc[end].head.i == token.i and (
            doc[end].dep_ == "prt"
            or (doc[end].dep_ == "prep" and doc[end].lower_ == self.lex.prep_content.get(lemma))
            or (doc[end].dep_ == "prep" and lemma in ("call", "urge") and doc[end].lower_ in ("for", "on"))
        ):
            end += 1
        # "said Tuesday", "said recently", "said in an interview Wednesday".
        if end < len(doc) and doc[end].head.i == token.i and (
            (doc[end].dep_ == "npadvmod" and doc[end].ent_type_ in ("DATE", "TIME"))
            or (doc[end].dep_ == "advmod" and doc[end].lower_ in ("then", "recently", "later", "earlier", "today", "yesterday"))
        ):
            end = doc[end].right_edge.i + 1
        if end < len(doc) and doc[end].text == ":":
            end += 1
        return start, end

    def _passive_ok(self, token: Any) -> bool:
        """Source-less cues worth keeping: passives like "is expected to", "was reported"."""
        return any(c.dep_ == "auxpass" for c in token.children) and token.lemma_ in ("expect", "report", "say", "predict", "ask", "tell")

    def _subject(self, token: Any) -> tuple[int, int] | None:
        """Token span of the source: the cue's subject, or the subject it inherits; for a
        passive cue with a by-agent ("the claims were denied by the minister"), the agent."""
        agent = self._passive_agent(token)
        if agent is not None:
            left, right = self._np(agent, cue=token)
            # "by Sergey Lavrov, who said …": the relative clause is not part of the source.
            for child in agent.rights:
                if child.dep_ in ("relcl", "acl") or child.text == ",":
                    right = min(right, child.left_edge.i)
            return left, max(right, agent.i + 1)
        seen = 0
        current = token
        while current is not None and seen < 3:
            for child in current.children:
                if child.dep_ in _SOURCE_DEPS:
                    if child.dep_ == "nsubj" and child.lower_ in ("which", "who") and current.dep_ == "relcl":
                        # "Sanders, who said …": the relative pronoun is the source as written;
                        # the speaker resolves to the noun it stands for.
                        return child.i, child.i + 1
                    if child.dep_ == "nsubj" and child.lower_ == "that" and current.dep_ == "relcl":
                        return self._np(current.head, cue=token)
                    return self._np(child, cue=token)
            if current.dep_ == "relcl" and current.i == token.i:
                return None
            if current.i == token.i and token.dep_ == "acl" and token.tag_ == "VBG" and token.head.pos_ in ("NOUN", "PROPN"):
                # "a statement saying …", "emails showing …": the document is the source.
                return self._np(token.head, cue=token)
            if current.dep_ in _INHERIT_DEPS and current.head.i != current.i:
                current = current.head
                seen += 1
                continue
            return None
        return None

    def _passive_agent(self, token: Any) -> Any:
        """The by-agent of a passive object-taking cue, when its subject is what was said."""
        if token.lemma_.lower() not in self.lex.object_content or not any(c.dep_ == "auxpass" for c in token.children):
            return None
        if not any(c.dep_ == "nsubjpass" for c in token.children):
            return None
        for child in token.children:
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        return None

    def _np(self, head: Any, cue: Any = None) -> tuple[int, int]:
        """Token span of a noun phrase: its subtree, without edge punctuation, cut short of
        the cue when a misparse or a relative clause puts the cue inside it."""
        left, right = head.left_edge.i, head.right_edge.i + 1
        if cue is not None and left <= cue.i < right:
            if cue.i > head.i:
                right = cue.i
                for child in head.rights:
                    if child.left_edge.i <= cue.i <= child.right_edge.i:
                        right = min(right, child.left_edge.i)
            else:
                left = cue.i + 1
        while right > left + 1 and self.doc[right - 1].is_punct:
            right -= 1
        while left < right - 1 and self.doc[left].is_punct:
            left += 1
        return left, right

    # -- content -----------------------------------------------------------------------------
    def _content(self, token: Any, source: tuple[int, int] | None) -> tuple[list[tuple[int, int]], str]:
        """Content segments (characters) and the statement kind for a verb cue."""
        lemma = token.lemma_.lower()
        quoted = self._adjacent_quotes(token, source)
        if quoted:
            bare = all(self.text[a] in "“«„\"`'" for a, _ in quoted)
            return quoted, "direct" if bare else "mixed"
        clause = None
        for child in token.children:
            if child.dep_ in ("ccomp", "parataxis") and child.i != token.i:
                clause = child
                break
        if clause is None:
            for child in token.children:
                if child.dep_ == "xcomp" and lemma in self.lex.xcomp_content:
                    clause = child
                    break
        if clause is None and lemma in self.lex.object_content:
            for child in token.children:
                # The object must follow the cue: a fronted "what" belongs to an outer clause.
                if child.i > token.i and (child.dep_ in ("dobj", "attr") and not child.is_stop or (child.dep_ == "dobj" and child.lower_ in ("what", "this", "that", "it"))):
                    clause = child
                    break
        if clause is None and self._passive_agent(token) is not None:
            # "His claims were denied by the minister": the passive subject is the content.
            clause = next(c for c in token.children if c.dep_ == "nsubjpass")
        if clause is None:
            # "said in a statement that …": the parser hangs the clause on the channel noun.
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "on"):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj" and pobj.lemma_.lower() in self.lex.channels:
                            for grand in pobj.children:
                                if grand.dep_ in ("acl", "ccomp", "relcl") and any(
                                    c.dep_ == "mark" and c.lower_ == "that" for c in grand.children
                                ):
                                    clause = grand
        if clause is None and lemma in self.lex.prep_content:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == self.lex.prep_content[lemma]:
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    if objects:
                        clause = objects[0]
                    break
        if clause is None and lemma in ("call", "urge"):
            # "called for X": the preposition is part of the cue, X is the content.
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("for", "on"):
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    clause = objects[0] if objects else child
                    break
        if clause is None and token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children):
            return self._main_clause(token), "indirect"
        if clause is None and source is not None and token.dep_ == "parataxis" and token.head.pos_ in ("VERB", "AUX") \
                and token.i > token.head.left_edge.i and not any(c.dep_ in ("dobj", "xcomp") for c in token.children):
            # "…, Barden says, far too many lives have been lost": a parenthetical cue's content
            # is the clause around it, on both sides.
            parts = self._around(token)
            if parts:
                return parts, "indirect"
        if clause is None and lemma == "say":
            for child in token.children:
                if child.dep_ in ("dobj", "intj") and child.lower_ in ("no", "yes", "so"):
                    clause = child
        if clause is None and source is not None:
            fronted = self._fronted_content(token, source)
            if fronted:
                return fronted, "indirect"
        if clause is None:
            return [], ""
        if lemma in self.lex.clause_only and clause.dep_ not in ("ccomp", "parataxis", "pobj") and not (
            clause.dep_ == "xcomp" and lemma in self.lex.xcomp_content
        ):
            return [], ""
        left, right = self._clause_bounds(clause)
        if clause.dep_ == "xcomp":
            # "urged the United States to attack the oil": the object the infinitive is
            # about belongs to the content.
            obj = next((c for c in token.children if c.dep_ == "dobj" and token.i < c.i < clause.i), None)
            if obj is not None:
                left = min(left, obj.left_edge.i)
        if clause.dep_ in ("dobj", "attr"):
            for child in token.rights:
                if any(t.ent_type_ in ("DATE", "TIME") for t in child.subtree):
                    break  # "reported this on the same Tuesday": when, not what
                if child.i > clause.i and child.dep_ in ("oprd", "prep", "xcomp", "ccomp") and self._near(right, child.left_edge.i):
                    right = max(right, self._clause_bounds(child)[1])
        # A content clause never swallows its own cue or source.
        if left <= token.i < right:
            return [], ""
        if source is not None and left < source[1] and source[0] < right:
            if source[0] >= left and source[1] <= right:
                return [], ""
        start, end = self._trim(self.doc[left].idx, self.doc[right - 1].idx + len(self.doc[right - 1].text))
        if end <= start:
            return [], ""
        kind = "indirect"
        for a, b in self.all_quotes:
            if start - 2 <= a < start and b >= end:
                start, end = a, b  # “no one should be confused …” said X: keep the marks
        inner = [q for q in self.quotes if q[0] >= start and q[1] <= end + 1]
        if inner:
            end = max(end, max(q[1] for q in inner))
            kind = "mixed"
            # A quote that is the whole content is a direct quote in clausal position.
            if len(inner) == 1 and inner[0][0] <= start + 1 and inner[0][1] >= end - 1:
                kind = "direct"
        return [(start, end)], kind

    def _clause_bounds(self, head: Any) -> tuple[int, int]:
        """Token bounds of a content clause, less trailing ", adding …"/", citing …"
        participle clauses, which are the speaker's next statement or an aside."""
        left, right = head.left_edge.i, head.right_edge.i + 1
        for child in head.rights:
            after_comma = child.left_edge.i > 0 and self.doc[child.left_edge.i - 1].text in (",", "—", "–")
            if not after_comma:
                continue
            contrast = child.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in ("while", "although", "though", "whereas") for c in child.children
            )
            if (child.dep_ in ("advcl", "conj") and child.tag_ == "VBG") or child.dep_ == "relcl" or contrast:
                right = min(right, child.left_edge.i - 1)
        return left, max(right, head.i + 1)

    def _near(self, right: int, i: int) -> bool:
        return i <= right + 1

    def _fronted_content(self, token: Any, source: tuple[int, int]) -> list[tuple[int, int]]:
        """"The talks will resume next week, diplomatic sources said." when the parser missed
        the clause: the cue clause ends the sentence and a comma sets off what comes before."""
        doc = self.doc
        sent = token.sent
        first = min(source[0], token.i)
        if first <= sent.start or doc[first - 1].text != ",":
            return []
        if source[0] > token.i:
            return []  # "…, said X" is handled with quotes; keep to the common order here
        rest = [t for t in doc[token.i + 1 : sent.end] if not t.is_punct and not t.is_space]
        if any(t.dep_ not in ("npadvmod", "advmod", "prep", "pobj", "det", "amod", "compound", "nummod") for t in rest):
            return []
        start, end = self._trim(sent.start_char, doc[first - 1].idx)
        if end - start < 15 or any(a < end and start < b for a, b in self.all_quotes):
            return []
        return [(start, end)]

    def _main_clause(self, token: Any) -> list[tuple[int, int]]:
        """"As the Post observed, Republicans now control …": the clause the cue hangs from,
        less the cue's own clause, on the longer side."""
        head = token.head
        sent = token.sent
        lo, hi = token.left_edge.i, token.right_edge.i + 1
        left = (max(sent.start, head.left_edge.i), lo)
        right = (hi, min(sent.end, head.right_edge.i + 1))
        seg = left if (left[1] - left[0]) >= (right[1] - right[0]) else right
        if seg[1] <= seg[0]:
            return []
        start, end = self._trim(self.doc[seg[0]].idx, self.doc[seg[1] - 1].idx + len(self.doc[seg[1] - 1].text))
        return [(start, end)] if end > start else []

    def _around(self, token: Any) -> list[tuple[int, int]]:
        """The head clause of a parenthetical cue, less the cue's own words, as segments."""
        head = token.head
        sent = token.sent
        lo, hi = token.left_edge.i, token.right_edge.i + 1
        out = []
        for a, b in ((max(sent.start, head.left_edge.i), lo), (hi, min(sent.end, head.right_edge.i + 1))):
            if b > a:
                start, end = self._trim(self.doc[a].idx, self.doc[b - 1].idx + len(self.doc[b - 1].text))
                if end > start and any(not t.is_punct for t in self.doc[a:b]):
                    out.append((start, end))
        return out

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Content edges: no separating punctuation or final full stop, but a quotation that
        opens inside the content runs to its closing mark (even across sentences)."""
        text = self.text
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        while end > start and (text[end - 1] in _EDGE_PUNCT or text[end - 1] in ".!?"):
            if text[end - 1] == "." and end - start > 2 and re.search(r"\b(?:[A-Z]\.){2,}$|\b(?:[A-Z][a-z]{0,3}\.)$", text[start:end]) and not text[end - 2].islower():
                break  # "the U.S." keeps its abbreviation point
            end -= 1
        for a, b in self.all_quotes:
            if start <= a < end < b:
                end = b
        return start, end

    def _adjacent_quotes(self, token: Any, source: tuple[int, int] | None) -> list[tuple[int, int]]:
        """Quotes next to the cue clause: “…,” X said / X said: “…” / “A,” X said, “B.”"""
        if not self.all_quotes:
            return []
        # An inherited subject ("she said, adding …") is not next to this cue: the quote
        # before it belongs to the first verb.
        own = source is not None and self.doc[source[0] : source[1]].root.head.i == token.i
        toks = [token.i, token.i + 1] + ([source[0], source[1]] if own else [])
        clause_start = min(toks)
        clause_end = max(toks)
        # Extend over adjuncts glued to the cue ("said in a statement", "told reporters").
        for child in token.rights:
            if child.dep_ in ("prep", "dobj", "npadvmod", "advmod", "dative", "agent") and not any(
                self._in_quote(t.idx) for t in child.subtree
            ):
                clause_end = max(clause_end, child.right_edge.i + 1)
        for child in token.lefts:
            if child.dep_ in ("advmod", "aux", "neg") :
                clause_start = min(clause_start, child.i)
        cstart = self.doc[clause_start].idx
        last = self.doc[clause_end - 1]
        cend = last.idx + len(last.text)
        if self._in_quote(cstart) or self._in_quote(token.idx):
            return []
        before = self._before_quote(cstart)
        # A quote that has its own cue right after it ("“B,” she added") is that cue's.
        after = [q for q in self.all_quotes if cend <= q[0] <= cend + _GAP and _gap_ok(self.text[cend : q[0]], after=True)
                 and q not in self._claimed_before()]
        segments: list[tuple[int, int]] = []
        if before:
            segments.append(self._lead_in(before[-1]))
        if after:
            # "X said: “…”" always; "“A,” X said, “B”" when A stopped mid-sentence with a comma.
            if not before or self.text[before[-1][0] : before[-1][1]].rstrip("”»\"'`").endswith(","):
                if not before:
                    lead = self._lead_before_cue(cstart)
                    if lead is not None:
                        segments.append(lead)
                segments.append(after[0])
                # “B.” “C.”: further quotes in the same paragraph, with no cue of their own,
                # go on with the same speaker.
                claimed = self._claimed_before()
                last = after[0]
                for q in self.all_quotes:
                    if q[0] < last[1]:
                        continue
                    gap = self.text[last[1] : q[0]]
                    if gap.strip() or "\n" in gap or q in claimed:
                        break
                    segments.append(q)
                    last = q
        return segments

    def _before_quote(self, cstart: int) -> list[tuple[int, int]]:
        return [q for q in self.all_quotes if cstart - _GAP <= q[1] <= cstart and _gap_ok(self.text[q[1] : cstart])]

    def _claimed_before(self) -> set[tuple[int, int]]:
        """Quotes directly followed by a speech cue clause ("“…,” X said")."""
        if not hasattr(self, "_claimed"):
            self._claimed: set[tuple[int, int]] = set()
            for token in self._verbs():
                if token.lemma_.lower() not in self.lex.stance or token.pos_ not in ("VERB", "AUX"):
                    continue
                source = self._subject(token)
                first = min([token.i] + ([source[0]] if source else []))
                if self._in_quote(self.doc[first].idx):
                    continue
                self._claimed.update(self._before_quote(self.doc[first].idx)[-1:])
        return self._claimed

    def _lead_before_cue(self, cstart: int) -> tuple[int, int] | None:
        """"While confidence is high, he said, “this has done nothing …”": the clause before a
        parenthetical cue is the first part of the content."""
        span = self.doc.char_span(cstart, cstart + 1, alignment_mode="expand")
        if span is None or not len(span):
            return None
        sent = span[0].sent
        lead = self.text[sent.start_char : cstart]
        if not lead.rstrip().endswith(",") or not re.search(r"\w", lead) or re.search(r"[.!?][”\"']?\s", lead):
            return None
        if any(a < cstart and b > sent.start_char for a, b in self.all_quotes):
            return None
        if any(t.lemma_.lower() in self.lex.stance and t.pos_ == "VERB" for t in self.doc[sent.start : span[0].i]):
            return None
        if not any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in self.doc[sent.start : span[0].i]):
            return None  # "In a 1963 speech, he declared": an adverbial, not part of what was said
        start, end = self._trim(sent.start_char, cstart)
        return (start, end) if end > start else None

    def _lead_in(self, q: tuple[int, int]) -> tuple[int, int]:
        """"America needs leaders “who understand …,” she said": the words before a quote in
        its sentence are part of the content (a mixed quote)."""
        span = self.doc.char_span(q[0], q[0] + 1, alignment_mode="expand")
        if span is None or not len(span):
            return q
        sent = span[0].sent
        start = sent.start_char
        lead = self.text[start : q[0]]
        if start >= q[0] or not re.search(r"\w", lead) or any(a < q[0] and b > start for a, b in self.all_quotes if (a, b) != q and a >= start):
            return q
        # Not across a sentence the parser merged, nor over another cue's clause.
        if re.search(r"[.!?][”\"']?\s", lead) or any(
            t.lemma_.lower() in self.lex.stance and t.pos_ == "VERB" for t in self.doc[sent.start : span[0].i]
        ):
            return q
        start, _ = self._trim(start, q[0])
        return (start, q[1])

    def _in_quote(self, offset: int) -> bool:
        return any(a < offset < b - 1 for a, b in self.quotes)

    def _colon_cues(self) -> Iterable[_Found]:
        """"Pat Caddell: Democrat voters worried …", "Grushko: “This is not true”": a name
        alone before a colon at the start of a sentence is the source of what follows."""
        doc = self.doc
        for sent in doc.sents:
            # Only a colon among the first seven tokens counts (below): no need to look further.
            colon = next((t for t in doc[sent.start : min(sent.end, sent.start + 7)] if t.text == ":"), None)
            if colon is None or colon.i == sent.start or colon.i - sent.start > 6 or colon.i + 2 >= sent.end:
                continue
            before = doc[sent.start : colon.i]
            if not all(t.ent_type_ in ("PERSON", "ORG") or (t.pos_ == "PROPN" and t.is_title) for t in before):
                continue
            if not any(t.ent_type_ == "PERSON" for t in before) and not self._mention_for(before.start_char, before.end_char, before.root.idx):
                continue
            start = doc[colon.i + 1].idx
            end = sent.end_char
            for a, b in self.all_quotes:
                if a == start:
                    end = max(end, b)
            start, end = self._trim(start, end)
            if end - start < 8:
                continue
            yield _Found(
                cue=(colon.idx, colon.idx + 1), cue_tokens=(colon.i, colon.i + 1), lemma=":",
                source=(before.start, before.end), segments=[(start, end)],
                kind="direct" if self.text[start] in "“\"'" else "indirect",
                sent_start=sent.start_char, sent_end=max(sent.end_char, end),
            )

    # -- source phrases ----------------------------------------------------------------------
    def _source_phrases(self) -> Iterable[_Found]:
        """"according to X, …" and "…, according to X": the object is the source."""
        doc = self.doc
        phrases = self.lex.source_phrases
        if all(phrases):
            # A phrase starts only where its first word stands: find those by word ID.
            import numpy
            from spacy.attrs import LOWER
            from spacy.strings import get_string_id

            firsts = numpy.array(sorted({get_string_id(p[0]) for p in phrases}), dtype="uint64")
            starts: Iterable[int] = numpy.isin(doc.to_array(LOWER), firsts).nonzero()[0].tolist()
        else:
            starts = range(len(doc))  # an empty phrase would match anywhere
        for i in starts:
            token = doc[i]
            for phrase in phrases:
                n = len(phrase)
                if token.i + n > len(doc) or tuple(t.lower_ for t in doc[token.i : token.i + n]) != phrase:
                    continue
                last = doc[token.i + n - 1]
                objects = [c for c in last.children if c.dep_ == "pobj"] or [c for c in token.children if c.dep_ == "pobj"]
                if not objects:
                    continue
                source = self._np(objects[0])
                sent = token.sent
                # Content: the rest of the clause the phrase attaches to, on the longer side.
                phrase_start = token.i
                phrase_end = max(source[1], token.i + n)
                left = (sent.start, phrase_start)
                right = (phrase_end, sent.end)
                head = token.head if token.head.i != token.i else None
                if head is not None and head.i < phrase_start and head.left_edge.i >= sent.start:
                    left = (max(sent.start, head.left_edge.i), phrase_start)
                seg = left if (left[1] - left[0]) >= (right[1] - right[0]) else right
                if seg[1] <= seg[0]:
                    continue
                start, end = self._trim(doc[seg[0]].idx, doc[seg[1] - 1].idx + len(doc[seg[1] - 1].text))
                if end <= start:
                    continue
                inner = [q for q in self.quotes if q[0] >= start and q[1] <= end + 1]
                if inner:
                    end = max(end, max(q[1] for q in inner))
                kind = "mixed" if inner else "indirect"
                yield _Found(
                    cue=(token.idx, last.idx + len(last.text)),
                    cue_tokens=(token.i, token.i + n),
                    lemma=" ".join(phrase),
                    source=source,
                    segments=[(start, end)],
                    kind=kind,
                    sent_start=sent.start_char,
                    sent_end=sent.end_char,
                )

    def _dedupe(self, found: list[_Found]) -> list[_Found]:
        """A conjoined cue that shares its content with the first ("said and added") is dropped;
        so is a cue inside another's source span."""
        out: list[_Found] = []
        seen: set[tuple[int, int]] = set()
        for item in sorted(found, key=lambda f: f.cue[0]):
            key = item.segments[0]
            if key in seen:
                continue
            if any(o.source and o.source[0] <= item.cue_tokens[0] < o.source[1] for o in found if o is not item):
                continue
            seen.add(key)
            out.append(item)
        return out

    # -- speakers ----------------------------------------------------------------------------
    def _speaker(self, item: _Found) -> dict[str, Any]:
        if item.source is None:
            return {"text": None, "start": None, "end": None, "actor_id": None, "code": None, "sector": None}
        doc = self.doc
        s, e = self._source_bounds(item)
        start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        if item.source_comma:
            end += 1
        span = doc[s:e]
        head = span.root
        speaker: dict[str, Any] = {"text": self.text[start:end], "start": start, "end": end,
                                   "actor_id": None, "code": None, "sector": None}
        mention = self._mention_for(start, end, head.idx)
        low = span.text.lower()
        if mention is None and head.lower_ in ("who", "which") and head.dep_ == "nsubj" and head.head.dep_ == "relcl":
            antecedent = head.head.head
            mention = self._mention_for(antecedent.left_edge.idx, antecedent.idx + len(antecedent.text), antecedent.idx)
            if mention is not None:
                speaker["refers_to"] = mention.text
        if mention is None and (head.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING | _PRONOUNS_GROUP or low in ("the latter", "the former")):
            mention = self._left_dislocated(head) or self._antecedent(head, low, start)
            if mention is not None:
                speaker["refers_to"] = mention.text
        item.mention = mention
        if mention is not None:
            self._fill_actor(speaker, mention)
        if head.lemma_.lower() in self.lex.unnamed_heads and head.pos_ == "NOUN" and not any(t.ent_type_ == "PERSON" for t in span):
            speaker["unnamed"] = True
            if mention is not None:
                speaker["affiliation"] = mention.text
        return speaker

    def _source_bounds(self, item: _Found) -> tuple[int, int]:
        """The source as annotators mark it: no dateline ("CLEVELAND (UPI) —"), no layout
        whitespace; after the cue ("said Karen Janes, 67, of Exeter") only the name; before
        it, an appositive keeps its closing comma ("Josh Hendler, a top operative, said")."""
        doc = self.doc
        s, e = item.source
        for i in range(e - 1, s, -1):
            if doc[i].text in ("—", "--", "–") and i + 1 < e:
                s = i + 1
                break
        while s < e - 1 and (doc[s].is_space or doc[s].is_punct and doc[s].text not in ("(", "“", "\"")):
            s += 1
        while e > s + 1 and (doc[e - 1].is_space or (doc[e - 1].is_punct and doc[e - 1].text not in (")", "”", "\""))):
            e -= 1
        # A headline or time stamp the parser ran into the sentence ("9:30 p.m.\n\nBernie Sanders").
        for i in range(e - 1, s - 1, -1):
            if doc[i].is_space and "\n" in doc[i].text and i + 1 < e:
                s = i + 1
                break
        if "(" in doc[s:e].text and ")" not in doc[s:e].text and e < len(doc) and doc[e].text == ")":
            e += 1
        head = doc[s:e].root
        # "Bernie Sanders, who on Tuesday endorsed Clinton, said": the aside is not the source.
        for child in head.rights:
            if child.dep_ in ("relcl", "acl") and child.left_edge.i > s and doc[child.left_edge.i - 1].text == "," and child.right_edge.i < e:
                e = child.left_edge.i - 1
                break
        cue = item.cue_tokens[0]
        if s >= cue:
            for i in range(s + 1, e):
                if doc[i].text == ",":
                    e = i
                    break
        elif any(t.text == "," for t in doc[s:e]) and e < len(doc) and doc[e].text == "," and doc[e].i + 1 >= cue - 3:
            item.source_comma = True
        return s, e

    def _fill_actor(self, speaker: dict[str, Any], mention: Mention) -> None:
        actor = self.analysis.actors.get(mention.actor_id) if mention.actor_id else None
        speaker["actor_id"] = mention.actor_id
        speaker["code"] = actor.code if actor else None
        speaker["sector"] = actor.sector if actor else None

    def _mention_for(self, start: int, end: int, head_idx: int) -> Mention | None:
        inside = [m for m in self.mentions if m.start < end and start < m.end]
        if not inside:
            return None
        # The mention over the phrase's head, then any resolved one ("Russia's spokesman").
        for m in inside:
            if m.start <= head_idx < m.end and m.actor_id:
                return m
        resolved = [m for m in inside if m.actor_id]
        if resolved:
            return resolved[0]
        for m in inside:
            if m.start <= head_idx < m.end:
                return m
        return inside[0]

    def _left_dislocated(self, head: Any) -> Mention | None:
        """"CNN He explained": a name just before the pronoun is what it stands for."""
        verb = head.head
        for child in verb.lefts:
            if child.i < head.i and child.dep_ in ("npadvmod", "dep", "nsubj") and child.i != head.i:
                if not any(t.is_punct for t in self.doc[child.i + 1 : head.i]):
                    return self._mention_for(child.idx, child.idx + len(child.text), child.idx)
        return None

    def _antecedent(self, head: Any, low: str, before: int) -> Mention | None:
        """The last compatible actor mention before a pronoun, within a few sentences."""
        want_person = head.lower_ in _PRONOUNS_PERSON or low in ("the latter", "the former")
        sent = head.sent
        starts = self._sent_starts()
        k = max(0, starts.index(sent.start_char) - 3) if sent.start_char in starts else 0
        floor = starts[k] if starts else 0
        candidates = [m for m in self.mentions if floor <= m.start < before]
        if low in ("the latter", "the former"):
            candidates = [m for m in candidates if m.start < sent.start_char] or candidates
        for m in reversed(candidates):
            actor = self.analysis.actors.get(m.actor_id) if m.actor_id else None
            is_person = m.label == "PERSON" or (actor is not None and actor.kind == "person")
            if want_person and is_person:
                return m
            if not want_person and not is_person and (m.actor_id or m.label in ("ORG", "GPE", "NORP")):
                return m
        return None

    def _sent_starts(self) -> list[int]:
        if not hasattr(self, "_starts"):
            self._starts = [s.start_char for s in self.doc.sents]
        return self._starts

    # -- carriers ----------------------------------------------------------------------------
    def _carriers(self, found: list[_Found]) -> None:
        """"RIA Novosti, quoting Grushko": Grushko's statements nearby are carried by RIA."""
        carried: list[tuple[int, str | None, str, dict[str, Any]]] = []  # (offset, actor, text, via)
        for token in self._verbs():
            if token.lemma_.lower() not in self.lex.carrier_verbs or token.pos_ != "VERB":
                continue
            original = self._quoted_party(token)
            if original is None:
                continue
            carrier = self._carrier_of(token)
            if carrier is None:
                continue
            carried.append((token.idx, original.actor_id, original.text, carrier))
        self._relays(found, carried)
        if not carried:
            return
        for item in found:
            sp = item.speaker or {}
            for offset, actor_id, text, via in carried:
                if not (offset <= item.cue[0] <= offset + 1500):
                    continue
                if (actor_id and sp.get("actor_id") == actor_id) or (sp.get("text") and text in sp["text"]):
                    if via not in item.via:
                        item.via.append(via)

    def _relays(self, found: list[_Found], carried: list[tuple[int, str | None, str, dict[str, Any]]]) -> None:
        """"The news agency reported this …": an outlet relaying what the previous sentence
        said carries that sentence's statements. A name the same sentence gives the outlet
        ("…, RIA Novosti, quoting …") is preferred over its description."""
        starts = self._sent_starts()
        for relay in found:
            if relay.lemma not in self.lex.relay_verbs or relay.speaker is None or relay.speaker.get("start") is None:
                continue
            a, b = relay.segments[0]
            words = self.text[a:b].lower().split()
            if not words or len(words) > 2 or words[0] not in ("this", "it", "that", "these", "those"):
                continue
            named = [via for offset, _, _, via in carried if relay.sent_start <= offset < relay.sent_end]
            if named:
                via = named[0]
            elif relay.mention is not None:
                via = self._via_item(relay.mention)
            else:
                sp = relay.speaker
                via = {"text": sp["text"], "start": sp["start"], "end": sp["end"], "actor_id": sp.get("actor_id"), "code": sp.get("code")}
            before = [x for x in starts if x < relay.sent_start]
            if not before:
                continue
            prev_start = before[-1]
            for item in found:
                if item is relay or not (prev_start <= item.cue[0] < relay.sent_start):
                    continue
                if (item.speaker or {}).get("actor_id") and (item.speaker or {}).get("actor_id") == via.get("actor_id"):
                    continue
                if via not in item.via:
                    item.via.append(via)

    def _quoted_party(self, token: Any) -> Mention | None:
        """Who a quoting/citing participle names: its object, or "statements by X"."""
        for child in token.children:
            if child.dep_ in ("dobj", "pobj"):
                for t in child.subtree:
                    m = self._mention_for(t.idx, t.idx + len(t.text), t.idx)
                    if m is not None and (m.label == "PERSON" or m.actor_id):
                        return m
        return None

    def _carrier_of(self, token: Any) -> dict[str, Any] | None:
        """The outlet that quotes: the name just before the participle, else the clause subject."""
        before = [m for m in self.mentions if m.end <= token.idx and token.sent.start_char <= m.start]
        if before and not self.text[before[-1].end : token.idx].strip(" ,"):
            return self._via_item(before[-1])
        head = token.head
        for child in head.children:
            if child.dep_ == "nsubj":
                s, e = self._np(child)
                start, end = self.doc[s].idx, self.doc[e - 1].idx + len(self.doc[e - 1].text)
                m = self._mention_for(start, end, child.idx)
                if m is not None:
                    return self._via_item(m)
                # An outlet the dictionary does not know is still the carrier, uncoded.
                return {"text": self.text[start:end], "start": start, "end": end, "actor_id": None, "code": None}
        return None

    def _via_item(self, mention: Mention, *, nested: bool = False) -> dict[str, Any]:
        actor = self.analysis.actors.get(mention.actor_id) if mention.actor_id else None
        item = {"text": mention.text, "start": mention.start, "end": mention.end,
                "actor_id": mention.actor_id, "code": actor.code if actor else None}
        if nested:
            item["nested"] = True
        return item

    def _nesting(self, found: list[_Found]) -> None:
        """A statement whose cue sits inside another's content is carried by that speaker."""
        for i, inner in enumerate(found):
            for j, outer in enumerate(found):
                if i == j:
                    continue
                if any(a <= inner.cue[0] and inner.cue[1] <= b for a, b in outer.segments):
                    inner.nested_in = j
                    sp = outer.speaker or {}
                    same = sp.get("actor_id") and sp.get("actor_id") == (inner.speaker or {}).get("actor_id")
                    if sp.get("start") is not None and not same:
                        if outer.mention is not None and sp.get("refers_to"):
                            via = self._via_item(outer.mention, nested=True)
                        else:
                            via = dict(text=sp["text"], start=sp["start"], end=sp["end"], actor_id=sp.get("actor_id"),
                                       code=sp.get("code"), nested=True)
                        inner.via[:0] = [v for v in outer.via if v not in inner.via] + [via]
                    break

    # -- records -----------------------------------------------------------------------------
    def _record(self, item: _Found) -> Statement:
        doc_id = self.analysis.document.id
        text = self.text
        start = min(a for a, _ in item.segments)
        end = max(b for _, b in item.segments)
        content: dict[str, Any] = {"start": start, "end": end, "text": text[start:end]}
        if len(item.segments) > 1:
            content["segments"] = [{"start": a, "end": b, "text": text[a:b]} for a, b in item.segments]
        cue_text = text[item.cue[0] : item.cue[1]]
        stance = self._stance(item, content)
        ev_start = min([item.sent_start, start] + ([item.speaker["start"]] if item.speaker and item.speaker.get("start") is not None else []))
        ev_end = max([item.sent_end, end])
        ev_start = self._sentence_start(ev_start)
        ev_end = self._sentence_end(ev_end)
        digest = hashlib.sha256(f"{doc_id}:{item.cue[0]}:{item.cue[1]}".encode()).hexdigest()[:16]
        return Statement(
            id=f"st-{digest}",
            doc_id=doc_id,
            speaker=item.speaker or {},
            via=tuple(item.via),
            cue={"text": cue_text, "lemma": item.lemma, "start": item.cue[0], "end": item.cue[1]},
            stance=stance,
            kind=item.kind,
            content=content,
            date=self._date(item, start, end),
            evidence={"start": ev_start, "end": ev_end, "sentence": text[ev_start:ev_end]},
        )

    def _sentence_start(self, offset: int) -> int:
        span = self.doc.char_span(offset, min(offset + 1, len(self.text)), alignment_mode="expand")
        return span.sent.start_char if span is not None and len(span) else offset

    def _sentence_end(self, offset: int) -> int:
        span = self.doc.char_span(max(offset - 1, 0), offset, alignment_mode="expand")
        return span.sent.end_char if span is not None and len(span) else offset

    def _stance(self, item: _Found, content: dict[str, Any]) -> str:
        base = self.lex.stance.get(item.lemma, "assert")
        if base in ("assert", "confirm"):
            body = content["text"].strip("“”\"' ")
            for name, pattern in self.lex.content_stance:
                if name == "deny" and pattern.search(body[:80]):
                    return "deny"
            if base == "assert":
                for name, pattern in self.lex.content_stance:
                    if name == "predict" and pattern.search(body):
                        return "predict"
            if base == "assert" and "?" in content["text"][-3:]:
                return "question"
        return base

    def _date(self, item: _Found, start: int, end: int) -> str | None:
        for t in self.analysis.times:
            if item.sent_start <= t.start < item.sent_end and not (start <= t.start < end) and t.precision == "day":
                return t.value
        published = self.analysis.document.published
        return published[:10] if published else None


#: The longest gap between a quote and its cue clause.
_GAP = 12


def _gap_ok(gap: str, *, after: bool = False) -> bool:
    """Only punctuation and space between a quote and its cue clause."""
    if len(gap) > _GAP or (not after and "\n" in gap):
        return False  # a paragraph's closing quote is not introduced by the next paragraph
    stripped = gap.strip()
    return all(ch in ",:;—–-." for ch in stripped) if after else all(ch in ",—–-" for ch in stripped)
