"""Actor resolution: which spans of a parsed document name political actors, and who they are.

Evidence, strongest first:

1. the actor dictionary (people with dated roles, organisations, IGOs), looked up with the
   article's date, so an office holder resolves to the code of the office held that day;
2. titles and institution nouns around a name ("Deputy Foreign Minister Alexander Grushko",
   "the Russian Foreign Ministry", "Ukrainian troops"), which give a sector and, with a
   demonym or country name beside them, a code;
3. metonyms: capitals and seats of power used as actors ("Moscow said", "the Kremlin") stand
   for the government; used as places ("in Moscow") they are not actors at all;
4. earlier mentions in the same article: a bare surname ("Lavrov") or a bare institution ("the
   Foreign Ministry") takes the actor of the fuller mention before it.

Nothing is coded without evidence: a mention none of these resolve keeps ``actor_id=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from sitrep.analyze.dictionary import ActorDictionary, alias_key, default_dictionary
from sitrep.records import Actor, Mention

#: NER labels that can name an actor.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_SLUG = re.compile(r"[^a-z0-9]+")
#: Sectors of state institutions, whose bare nouns ("the president", "troops") may take the
#: affiliation of the one country their sentence names.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "SPY"})
#: IGO codes sitrep emits (DESIGN.md: an IGO short code). Other bodies (G7, Interpol, OIC) keep
#: the IGO sector with no code rather than a code no other dataset uses.
IGO_CODES = frozenset({"NATO", "UN", "EU", "OSCE", "AU", "ASEAN", "IAEA", "WHO", "ICC", "IMF", "WB", "OPEC", "ARL", "CIS", "CSTO"})


def slug(text: str) -> str:
    """A lower-case, hyphenated id fragment."""
    return _SLUG.sub("-", alias_key(text)).strip("-")


@dataclass(kw_only=True)
class _Found:
    """A mention being built: its token span, and what resolved it."""

    start: int
    end: int
    label: str
    actor: Actor | None = None
    reason: str = ""
    agent_key: str | None = None  # institution noun, for later bare mentions ("the Foreign Ministry")
    surname_key: str | None = None
    title_sector: str | None = None  # a person's title gave a sector but no country


@dataclass(frozen=True, kw_only=True)
class ActorResult:
    """The mentions of one document and the actors they refer to (by id)."""

    mentions: tuple[Mention, ...]
    actors: dict[str, Actor] = field(default_factory=dict)


class ActorResolver:
    """Finds and resolves actor mentions in parsed documents; build once, reuse per document."""

    def __init__(self, nlp: Any, dictionary: ActorDictionary | None = None) -> None:
        self.dictionary = dictionary or default_dictionary()
        self.vocab = nlp.vocab
        # Proper-noun aliases match case-sensitively so "US" never matches "us".
        self.places = PhraseMatcher(nlp.vocab, attr="ORTH")
        # Institution and role nouns are common nouns: match any case.
        self.agents = PhraseMatcher(nlp.vocab, attr="LOWER")
        tokenizer = nlp.tokenizer
        country_aliases = {alias for alias, _code, _type in self.dictionary.country_aliases()}
        self.places.add("COUNTRY", [tokenizer(a) for a in sorted(country_aliases) if a])
        agent_nouns = {info.noun for info in self.dictionary.agent_nouns()}
        self.agents.add("AGENT", [tokenizer(a) for a in sorted(agent_nouns) if a])
        # People the tagger misses or mislabels ("voted for Pelosi" tagged FAC): the
        # dictionary's names, matched case-sensitively on proper nouns only.
        self.people = PhraseMatcher(nlp.vocab, attr="ORTH")
        names = set(self.dictionary.actor_aliases(("person",))) | set(self.dictionary.surname_aliases())
        self.people.add("NAME", list(tokenizer.pipe(sorted(n for n in names if n and n[0].isupper()))))

    # -- public --------------------------------------------------------------------------
    def resolve(self, doc: Doc, *, doc_id: str, on: str | None) -> ActorResult:
        """Mentions and actors of a parsed document published on ``on`` (ISO date or None)."""
        day = on[:10] if on else None
        country_tokens = self._country_tokens(doc)
        agent_spans = [Span(doc, s, e) for _, s, e in self.agents(doc)]
        agent_spans = _longest_first(agent_spans)
        found: list[_Found] = []
        taken = [False] * len(doc)

        def claim(item: _Found) -> None:
            if any(taken[item.start : item.end]):
                return
            for i in range(item.start, item.end):
                taken[i] = True
            found.append(item)

        # People first: a name with its titles is the most specific reading.
        for span in self._person_spans(doc, country_tokens, agent_spans, day):
            claim(self._person(doc, span, country_tokens, agent_spans, day))
        # Institutions and groups: "the Russian Foreign Ministry", "Ukrainian troops". A bare
        # role noun ("the president", "troops") waits: a named entity may cover it, and its
        # affiliation may come from context.
        bare: list[_Found] = []
        institutions = [i for i in (self._institution(doc, span, country_tokens, day) for span in agent_spans) if i]
        # Longest first, so "Kremlin spokesman" wins over "Kremlin" alone.
        for item in sorted(institutions, key=lambda i: (-(i.end - i.start), i.start)):
            if item.actor is None:
                bare.append(item)
            else:
                claim(item)
        # Named organisations, IGOs, and countries or seats used as actors.
        for ent in doc.ents:
            if ent.label_ in ("ORG", "FAC"):
                item = self._organization(ent, country_tokens, day)
                if item is not None:
                    claim(item)
        for start, (code, alias_type, ambiguous, alternatives) in sorted(country_tokens.items()):
            end = self._country_end(doc, start, country_tokens)
            if any(taken[start:end]):
                continue
            item = self._country_actor(doc, start, end, code, alias_type, ambiguous, alternatives, day)
            if item is not None:
                claim(item)
        for item in bare:
            if not any(taken[item.start : item.end]):
                found.append(item)
        found.sort(key=lambda f: f.start)
        self._corefer(found, doc, day)
        self._sentence_country(found, doc, country_tokens)
        return self._records(found, doc, doc_id)

    def _person_spans(self, doc: Doc, country_tokens: dict, agent_spans: list[Span], day: str | None) -> list[Span]:
        """Tagged PERSON entities plus dictionary names the tagger missed or mislabelled.

        A dictionary-only match must resolve on its own (a full name, or the one office
        holder with that surname on the day) and must not be a title word ("Prime").
        """
        spans = [e for e in doc.ents if e.label_ == "PERSON" and not self._is_country_span(e, country_tokens)]
        titles = {i for a in agent_spans for i in range(a.start, a.end)}
        covered = {i for e in spans for i in range(e.start, e.end)}
        ent_at = {i: e for e in doc.ents for i in range(e.start, e.end)}
        for span in _longest_first(Span(doc, s, e, label="PERSON") for _, s, e in self.people(doc)):
            if any(i in covered for i in range(span.start, span.end)):
                continue
            if not all(t.pos_ == "PROPN" for t in span):
                continue
            other = ent_at.get(span.start)
            if other is not None and (other.start, other.end) != (span.start, span.end):
                continue  # part of a longer name ("Trump Tower", "Washington Post")
            if self._is_country_span(span, country_tokens) or any(i in titles for i in range(span.start, span.end)):
                continue
            if _pick(self.dictionary.lookup(span.text, day), title_sector=None) is None:
                continue
            spans.append(span)
            covered.update(range(span.start, span.end))
        return sorted(spans, key=lambda s: s.start)

    def _sentence_country(self, found: list[_Found], doc: Doc, country_tokens: dict) -> None:
        """A bare role noun ("the president", "troops") takes the one country its sentence
        names, when it names exactly one; otherwise it stays unresolved."""
        for item in found:
            if item.actor is not None or item.label not in ("AGENT", "PERSON"):
                continue
            if item.label == "PERSON":
                if item.title_sector not in _STATE_SECTORS:
                    continue  # only an official's title ties a person to the state named
                sector = item.title_sector
            else:
                info = self.dictionary.agent(doc[item.start : item.end].text)
                if info is None or info.sector not in _STATE_SECTORS:
                    continue  # rebels and parties are not the state their sentence names
                sector = info.sector
            head = doc[item.end - 1]
            if any(c.ent_type_ in ("PERSON", "ORG") for c in head.children if c.dep_ in ("compound", "poss")):
                continue  # "Trump administration": the name, not the sentence, affiliates it
            sent = doc[item.start].sent
            codes = {
                code for start, (code, alias_type, ambiguous, _alts) in country_tokens.items()
                if sent.start <= start < sent.end and not ambiguous and alias_type in ("name", "demonym", "capital", "seat")
                and not (item.start <= start < item.end) and not _stance_prefixed(doc, start)
            }
            if len(codes) != 1:
                continue
            code = codes.pop()
            text = doc[item.start : item.end].text
            if item.label == "PERSON":
                item.actor = Actor(id=f"person:{slug(text)}", name=text, code=code, sector=sector, kind="person")
            else:
                item.actor = Actor(id=f"{code}:{slug(info.noun)}", name=text, code=code, sector=sector, kind="organization")
            item.reason = "sentence country"

    def _is_country_span(self, span: Span, country_tokens: dict) -> bool:
        """True when a named-entity span is exactly a country alias (the tagger's PERSON
        for "Kiev" is a mislabel, not a person)."""
        return span.start in country_tokens and self._ends.get(span.start) == span.end

    # -- country aliases -----------------------------------------------------------------
    def _country_tokens(self, doc: Doc) -> dict[int, tuple[str, str, bool, tuple[str, ...]]]:
        """Start token → (code, alias type, ambiguous, alternatives) for each country alias.

        Stored by start token with the match end kept in ``self._ends`` for the document.
        """
        out: dict[int, tuple[str, str, bool, tuple[str, ...]]] = {}
        ends: dict[int, int] = {}
        for _, start, end in self.places(doc):
            text = doc[start:end].text
            match = self.dictionary.country(text)
            if match is None:
                continue
            if start in out and ends[start] >= end:
                continue
            out[start] = (match.code, match.alias_type, match.ambiguous, match.alternatives)
            ends[start] = end
        # Drop aliases nested inside longer ones ("Korea" inside "South Korea").
        for start in list(out):
            for other, other_end in ends.items():
                if other < start < other_end and start in out:
                    del out[start]
        self._ends = ends
        return out

    def _country_end(self, doc: Doc, start: int, country_tokens: dict) -> int:
        return self._ends.get(start, start + 1)

    def _country_before(self, doc: Doc, start: int, country_tokens: dict, *, limit: int = 4) -> tuple[int, str] | None:
        """A country name or demonym modifying a phrase that starts at ``start``: "Russian
        Foreign Ministry", "the US State Department", "Russia's Foreign Ministry"."""
        i = start - 1
        steps = 0
        while i >= 0 and steps < limit:
            tok = doc[i]
            if tok.text in ("'s", "’s") and i > 0:
                i -= 1
                continue
            for s, (code, alias_type, ambiguous, _alts) in country_tokens.items():
                # "Russian Foreign Ministry", "Kremlin spokesman", "White House officials".
                if s <= i < self._ends.get(s, s + 1) and not ambiguous and alias_type in ("demonym", "name", "seat"):
                    if s >= 2 and doc[s - 1].text == "-" and doc[s - 2].lower_ in ("pro", "anti"):
                        return None  # a "pro-Kremlin official" is not the Kremlin's
                    return s, code
            if tok.pos_ in ("DET", "PUNCT", "ADP", "VERB", "AUX", "PRON", "CCONJ", "SCONJ") or tok.is_sent_start:
                return None
            if not (tok.pos_ in ("PROPN", "ADJ", "NOUN") and tok.dep_ in ("compound", "amod", "nmod", "poss")):
                return None
            i -= 1
            steps += 1
        return None

    # -- people --------------------------------------------------------------------------
    def _person(self, doc: Doc, ent: Span, country_tokens: dict, agent_spans: list[Span], day: str | None) -> _Found:
        name = ent.text
        start = ent.start
        # Titles directly before the name belong to the mention: "Deputy Foreign Minister".
        title: Span | None = None
        for span in agent_spans:
            if span.end == start or (span.end < start and all(t.is_title or t.pos_ == "PROPN" for t in doc[span.end : start])):
                if title is None or span.start < title.start:
                    title = span
        if title is not None:
            start = title.start
        country = self._country_before(doc, start, country_tokens)
        if country is not None:
            start = country[0]
        candidates = self.dictionary.lookup(name, day)
        surname_key = alias_key(name.split()[-1]) if name.split() else None
        best = _pick(candidates, title_sector=self.dictionary.agent_sector(title.text) if title else None)
        if best is not None:
            actor = self._dictionary_actor(best.actor_id, day)
            return _Found(start=start, end=ent.end, label="PERSON", actor=actor, reason="dictionary", surname_key=surname_key)
        sector = self.dictionary.agent_sector(title.text) if title is not None else None
        code = country[1] if country is not None else None
        if code is None and title is not None:
            info = self.dictionary.agent(title.text)
            code = info.code if info is not None else None
        if code is None or sector is None:
            # "Paweł Adamowicz, mayor of the Polish city of Gdańsk": the apposition carries them.
            appos_code, appos_sector = self._apposition(doc, ent, country_tokens, agent_spans)
            code = code or appos_code
            sector = sector or appos_sector
        actor = None
        if code is not None:
            actor = Actor(id=f"person:{slug(name)}", name=name, code=code, sector=sector, kind="person", aliases=(name,))
        return _Found(start=start, end=ent.end, label="PERSON", actor=actor, reason="title" if actor else "",
                      surname_key=surname_key, title_sector=sector if actor is None else None)

    def _apposition(self, doc: Doc, ent: Span, country_tokens: dict, agent_spans: list[Span]) -> tuple[str | None, str | None]:
        """Country and sector from an apposition of a name ("X, the Defence Secretary";
        "the Foreign Minister of Cyprus, X")."""
        root = ent.root
        tokens: set[int] = set()
        for child in root.children:
            if child.dep_ == "appos":
                tokens.update(t.i for t in child.subtree)
        if root.dep_ == "appos":
            head = root.head
            tokens.update(t.i for t in head.subtree if t.i < ent.start or t.i >= ent.end)
        if not tokens:
            return None, None
        sector = None
        for span in agent_spans:
            if span.start in tokens:
                sector = self.dictionary.agent_sector(span.text)
                if sector:
                    break
        codes = {
            code for start, (code, alias_type, ambiguous, _alts) in country_tokens.items()
            if start in tokens and not ambiguous and alias_type in ("name", "demonym")
        }
        return (codes.pop() if len(codes) == 1 else None), sector

    def _dictionary_actor(self, actor_id: str, day: str | None) -> Actor:
        entry = self.dictionary.actor(actor_id)
        res = self.dictionary.resolve_code(actor_id, day)
        record = entry.to_record()
        return Actor(
            id=record.id, name=record.name, code=res.code, sector=res.sector, kind=record.kind,
            aliases=record.aliases, roles=record.roles,
        )

    # -- institutions ----------------------------------------------------------------------
    def _institution(self, doc: Doc, span: Span, country_tokens: dict, day: str | None) -> _Found | None:
        info = self.dictionary.agent(span.text)
        if info is None:
            return None
        start = span.start
        # "Foreign Ministry officials": the group named last is the actor; swallow the
        # institution nouns before it into one mention.
        country = self._country_before(doc, start, country_tokens)
        code = info.code
        if country is not None:
            start = country[0]
            code = code or country[1]
        if info.kind == "igo" or (info.code and info.sector == "IGO"):
            actor = Actor(id=f"igo:{info.code.lower()}", name=span.text, code=info.code, sector="IGO", kind="igo")
            return _Found(start=start, end=span.end, label="ORG", actor=actor, reason="igo", agent_key=alias_key(span.text))
        actor = None
        if code is not None:
            actor = Actor(
                id=f"{code}:{slug(info.noun)}", name=doc[start : span.end].text, code=code, sector=info.sector,
                kind="organization",
            )
        # A bare role noun with no affiliation ("officials", "the police") is not worth a
        # mention of its own unless the corefer step can resolve it.
        return _Found(start=start, end=span.end, label="AGENT", actor=actor, reason="institution" if actor else "",
                      agent_key=alias_key(info.noun))

    def _organization(self, ent: Span, country_tokens: dict, day: str | None) -> _Found | None:
        text = ent.text
        if self._is_country_span(ent, country_tokens):
            return None  # the country step reads it, with the metonymy check
        lookup = self.dictionary.lookup(text, day)
        candidates = [c for c in lookup if c.kind in ("igo", "organization", "state") and c.match == "alias"]
        if candidates:
            actor = self._dictionary_actor(candidates[0].actor_id, day)
            return _Found(start=ent.start, end=ent.end, label=ent.label_, actor=actor, reason="dictionary")
        # The small tagger often labels a surname "ORG" ("Lavrov is expected to comment").
        person = _pick([c for c in lookup if c.kind == "person" and (c.match == "alias" or len(ent) == 1)], title_sector=None)
        surname_key = alias_key(text.split()[-1]) if text.split() else None
        if person is not None:
            actor = self._dictionary_actor(person.actor_id, day)
            return _Found(start=ent.start, end=ent.end, label="PERSON", actor=actor, reason="dictionary", surname_key=surname_key)
        info = self.dictionary.agent(text)
        if info is not None and info.code:
            actor = Actor(id=f"{info.code}:{slug(info.noun)}", name=text, code=info.code, sector=info.sector, kind="organization")
            return _Found(start=ent.start, end=ent.end, label=ent.label_, actor=actor, reason="institution")
        if ent.label_ == "FAC":
            return None
        # "The Foreign Ministry" tagged ORG: an institution noun that an earlier, fuller
        # mention ("the Russian Foreign Ministry") resolves.
        agent_key = alias_key(info.noun) if info is not None else None
        return _Found(start=ent.start, end=ent.end, label=ent.label_, surname_key=surname_key if len(ent) <= 2 else None,
                      agent_key=agent_key)

    # -- countries and seats ---------------------------------------------------------------
    def _country_actor(
        self, doc: Doc, start: int, end: int, code: str, alias_type: str, ambiguous: bool,
        alternatives: tuple[str, ...], day: str | None,
    ) -> _Found | None:
        span = doc[start:end]
        head = span.root
        if _is_locative(head):
            return None
        if alias_type == "demonym":
            # A demonym is an actor only as a noun ("the Russians"), not as an adjective of a
            # non-actor ("Russian soil"); adjectives of actors were taken by the institution step.
            if head.pos_ not in ("PROPN", "NOUN") or head.dep_ in ("amod", "compound"):
                return None
        if ambiguous:
            code = self._disambiguate(doc, alternatives)
            if code is None:
                return _Found(start=start, end=end, label="GPE", reason="ambiguous")
        sector = "GOV" if alias_type in ("capital", "seat") else None
        if code in ("EU", "NATO", "UN", "OSCE"):
            sector = "IGO"
        state = self.dictionary.state(code) if alias_type == "name" else None
        actor_id = state.id if state is not None else (f"{code}:gov" if sector == "GOV" else f"state:{code}")
        kind = "igo" if sector == "IGO" else "state"
        name = state.name if state is not None else span.text
        actor = Actor(id=actor_id, name=name, code=code, sector=sector, kind=kind)
        return _Found(start=start, end=end, label="GPE", actor=actor, reason=alias_type)

    def _disambiguate(self, doc: Doc, alternatives: tuple[str, ...]) -> str | None:
        """Pick the reading of an ambiguous seat ("Brussels") that the article talks about."""
        text = doc.text
        scores = {}
        cues = {"NATO": ("NATO", "alliance", "Alliance", "Stoltenberg", "Rutte"), "EU": ("EU", "European Union", "European Commission", "Commission", "von der Leyen")}
        for code in alternatives:
            scores[code] = sum(text.count(cue) for cue in cues.get(code, ()))
        best = max(scores.items(), key=lambda kv: kv[1]) if scores else None
        if best is None or best[1] == 0:
            return None
        if sum(1 for v in scores.values() if v == best[1]) > 1:
            return None
        return best[0]

    # -- coreference -----------------------------------------------------------------------
    def _corefer(self, found: list[_Found], doc: Doc, day: str | None) -> None:
        """Bare surnames and institutions take the actor of an earlier, fuller mention."""
        by_surname: dict[str, Actor] = {}
        by_agent: dict[str, Actor] = {}
        for item in found:
            if item.actor is None:
                if item.surname_key and item.surname_key in by_surname and item.end - item.start <= 2:
                    item.actor = by_surname[item.surname_key]
                    item.reason = "surname"
                elif item.agent_key and item.agent_key in by_agent:
                    item.actor = by_agent[item.agent_key]
                    item.reason = "repeated institution"
            if item.actor is not None:
                if item.surname_key:
                    by_surname.setdefault(item.surname_key, item.actor)
                if item.agent_key:
                    by_agent.setdefault(item.agent_key, item.actor)

    # -- output ------------------------------------------------------------------------------
    def _records(self, found: list[_Found], doc: Doc, doc_id: str) -> ActorResult:
        mentions = []
        actors: dict[str, Actor] = {}
        full_text = doc.text  # Doc.text rebuilds the string on every access: read it once
        for item in found:
            if item.actor is None and (item.label == "AGENT" or item.title_sector):
                # Unaffiliated "officials", "Police spokesman X": the sector is known, the
                # country is not, so the actor carries a sector and no code.
                text = doc[item.start : item.end].text
                if item.label == "AGENT":
                    info = self.dictionary.agent(text)
                    if info is None:
                        continue
                    item.actor = Actor(id=f"agent:{slug(info.noun)}", name=info.noun, code=None, sector=info.sector, kind="organization")
                else:
                    item.actor = Actor(id=f"person:{slug(text)}", name=text, code=None, sector=item.title_sector, kind="person")
            span = doc[item.start : item.end]
            start, end = span.start_char, span.end_char
            # Trim a leading article: "the Kremlin" is the mention, "the" is not part of it.
            mentions.append(
                Mention(doc_id=doc_id, start=start, end=end, text=full_text[start:end], label=item.label,
                        actor_id=item.actor.id if item.actor else None)
            )
            if item.actor is not None:
                actors.setdefault(item.actor.id, _igo_code(item.actor))
        return ActorResult(mentions=tuple(mentions), actors=actors)


def _stance_prefixed(doc: Doc, start: int) -> bool:
    """True for "pro-Kremlin", "anti-American": a stance, not an affiliation."""
    return start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("pro", "anti")


def _igo_code(actor: Actor) -> Actor:
    """Drop a code outside :data:`IGO_CODES` from an IGO (see there for why)."""
    if actor.code and (actor.kind == "igo" or actor.sector == "IGO") and len(actor.code) != 3 and actor.code not in IGO_CODES:
        return Actor(id=actor.id, name=actor.name, code=None, sector=actor.sector, kind=actor.kind,
                     aliases=actor.aliases, roles=actor.roles)
    return actor


def _longest_first(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans, preferring the longest at each position."""
    chosen: list[Span] = []
    used: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if any(i in used for i in range(span.start, span.end)):
            continue
        chosen.append(span)
        used.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _pick(candidates: list, *, title_sector: str | None):
    """The dictionary candidate to trust: a full-alias match, or the only in-role surname match."""
    if not candidates:
        return None
    strong = [c for c in candidates if c.match in ("alias", "suffix") and c.kind == "person"]
    if strong:
        in_role = [c for c in strong if c.in_role]
        return (in_role or strong)[0]
    surname = [c for c in candidates if c.match == "surname" and c.in_role]
    current = [c for c in surname if not getattr(c, "stale", False)]
    # One office holder on the day is evidence; several namesakes in office is not.
    if len(current) == 1:
        return current[0]
    if not current and len(surname) == 1:
        return surname[0]
    return None


def _is_locative(token: Token) -> bool:
    """A country or city used as a place ("in Moscow", "troops to Latvia"), by the places
    stage's rules, which tell "sent to Latvia" from "handed control to China"."""
    from sitrep.analyze.places import locative_reason

    return locative_reason(token) is not None


@lru_cache(maxsize=2)
def default_resolver(model: str | None = None) -> ActorResolver:
    """A resolver over the packaged dictionary for the configured spaCy pipeline."""
    from sitrep.analyze.nlp import load_pipeline

    return ActorResolver(load_pipeline(model))
