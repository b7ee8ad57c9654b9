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
   Foreign Ministry") takes the actor of the fuller mention before it;
5. the clause: a bare noun owned by the clause's subject takes the subject's code (a
   possessive pronoun: "Carrie Lam said her government ..."; the object of a verb that moves
   one's own force: "Washington promised to send 8,500 soldiers"), and a named body or
   person before a bare noun owns it ("UN peacekeepers", "Hezbollah fighters", "Trump
   administration");
6. the sentence: a bare role noun ("the president", "troops", "protesters") or a titled
   unknown person takes the one country the sentence gives evidence of (a country name or
   demonym, an actor already resolved, a place the gazetteer knows), when that country is
   evidence of the noun's own: linked to it, or a country the sentence is about, not a
   target, goal, passive agent or counterpart ("sent a letter to Kiev", "an invasion by
   Russia", "Russian troops shelled the army" leave the noun uncoded); with two, a state
   institution that acts (a subject, "via the press secretary") takes the one that is not a
   mere place ("... announced US troops would be leaving Syria"). A few nouns have a default
   country when nothing else is in sight ("Congress": the US Congress). "of <country>" after
   an institution or a name ("the Parliament of Ghana", "X of Benin"), "in <country>" after a
   domestic group ("rebels in Chad") and "from <country>" after a person noun
   ("representatives from Iran") say it directly; for a non-state group a demonym may be an
   ethnicity ("Albanian rebels in Macedonia", "ethnic Turks").

Outlets, parties, armed groups and companies come from hand-written tables and are matched
even where the tagger misses them. A name and its apposition ("X, the mayor of Prague"), a
descriptor and its name ("news agency ISNA") and an employer and its person ("BBC's X") form
one mention. Codes are emitted in sitrep's list (``emitted_codes.tsv``: SUN -> RUS, WFP -> UN).

Nothing is coded without evidence: a mention none of these resolve keeps ``actor_id=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from sitrep.analyze.dictionary import (
    _TITLES,
    ActorDictionary,
    alias_key,
    default_dictionary,
)
from sitrep.analyze.nlp import doc_text, ents_in
from sitrep.analyze.non_mentions import drop_non_mentions
from sitrep.analyze.role_cues import apply_role_cues
from sitrep.records import Actor, Mention

#: NER labels that can name an actor.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_SLUG = re.compile(r"[^a-z0-9]+")
#: A name glued to the next word by a lost space ("PeskovWhich").
_GLUED = re.compile(r"^([A-Z][a-z]+)([A-Z][a-z]+)$")
#: Sectors of state institutions, whose bare nouns ("the president", "troops") may take the
#: affiliation of the one country their sentence names.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "SPY"})
#: Sectors of domestic non-state actors: like state institutions they take the one country
#: their sentence names ("protesters", "rebels", "students"), and "in <country>" places them
#: ("rebels in Chad"). Outlets, NGOs, IGOs and unidentified attackers are not in it: they act
#: across borders, so a country named beside them is no evidence of their own.
_DOMESTIC_SECTORS = frozenset({"CVL", "REB", "OPP", "EDU", "LAB", "AGR", "CRM", "REL", "BUS", "ELI", "PTY", "REF", "HLH"})
#: Sectors that take the sentence's one country (see :meth:`ActorResolver._sentence_country`).
_CONTEXT_SECTORS = _STATE_SECTORS | _DOMESTIC_SECTORS
#: Prepositions that place a domestic non-state actor: "rebels in Chad", "students
#: throughout Indonesia" (never a state institution: "troops in Syria" may be anyone's).
_IN_PREPS = frozenset({"in", "inside", "throughout", "across", "from"})
#: Entity labels whose gazetteer country is evidence of where a sentence happens.
_PLACE_LABELS = frozenset({"GPE", "LOC"})
#: Labels the small tagger often gives to places ("in Lyon" as ORG); they count as places
#: only in a locative position and when the gazetteer knows the name.
_MISLABELLED = frozenset({"ORG", "PERSON", "NORP"})
#: Words that mark a title as no longer held ("former President", "retired general").
_FORMER_WORDS = frozenset({"former", "retired", "ex", "late", "onetime", "erstwhile"})
#: Sectors of non-state bodies whose officials and fighters share the body's sector
#: ("Hezbollah official" REB, "Labour officials" PTY).
_NON_STATE_OWNERS = frozenset({"REB", "OPP", "PTY", "NGO", "REL"})
#: Days after leaving an office during which a person is still reported in it (news of a
#: dismissal or death, follow-up articles).
RECENT_ROLE_DAYS = 31
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
    end_char: int | None = None  # the mention ends inside its last token ("PeskovWhich")


@dataclass(frozen=True, kw_only=True)
class ActorResult:
    """The mentions of one document and the actors they refer to (by id)."""

    mentions: tuple[Mention, ...]
    actors: dict[str, Actor] = field(default_factory=dict)


class ActorResolver:
    """Finds and resolves actor mentions in parsed documents; build once, reuse per document."""

    def __init__(self, nlp: Any, dictionary: ActorDictionary | None = None, *, own_forces: bool = False) -> None:
        """``own_forces`` also codes the object of a verb that gives or prepares one's own
        force (``force_verbs.tsv`` kind ``assign``: "Syria offered its troops to Lebanon": SYR
        MIL; "Britain mobilized reservists"). It is off by default because the event coder
        reads the object of such a verb as the event's recipient (it would make Syria the
        recipient of its own offer); see :meth:`_subject_country`."""
        self.own_forces = own_forces
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
        # Hand-written organisations (outlets, parties, armed groups, IGOs) the tagger misses
        # ("NPR", "TVN24", "Rudaw"), matched case-sensitively.
        self.orgs = PhraseMatcher(nlp.vocab, attr="ORTH")
        org_names = self.dictionary.actor_aliases(("organization", "igo"), curated=True)
        self.orgs.add("ORG", list(tokenizer.pipe(sorted(n for n in org_names if n and n[0].isupper() or n[:1].isdigit() or n[:1] in "dei"))))

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

        # Names from the hand-written tables first (outlets, parties, armed groups: the tagger
        # often calls "Der Spiegel" or "the Houthis" a PERSON), then people: a name with its
        # titles is the most specific reading.
        for span in self._org_spans(doc, country_tokens):
            item = self._named_org(doc, span, day, found, country_tokens)
            if item is not None:
                claim(item)
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
        self._subject_country(found, doc)
        self._sentence_country(found, doc, country_tokens)
        found = self._merge_appositions(found, doc)
        # Former officials, candidates, outlets, companies, "navies of A, B and C".
        found = apply_role_cues(found, doc, dictionary=self.dictionary, country_tokens=country_tokens,
                                country_ends=self._ends, day=day)
        found = drop_non_mentions(found, doc, self.dictionary)  # "debate in parliament", "sworn in as governor"
        return self._records(found, doc, doc_id)

    def _merge_appositions(self, found: list[_Found], doc: Doc) -> list[_Found]:
        """A name and the role noun in apposition to it are one mention ("Youssef Chahed, the
        Prime Minister of Tunisia"; "the Foreign Minister of Cyprus, Nikos Christodoulides"):
        the dictionary's reading of the name wins, else the role gives code and sector."""
        out = list(found)
        i = 0
        while i + 1 < len(out):
            a, b = out[i], out[i + 1]
            merged = self._apposed(doc, a, b) or self._described(doc, a, b) or _parenthesized(doc, a, b) or _member_of(doc, a, b)
            if merged is not None:
                out[i : i + 2] = [merged]  # and try the merged mention with the next one
            else:
                i += 1
        return out

    def _described(self, doc: Doc, a: _Found, b: _Found) -> _Found | None:
        """A descriptor right before a name is part of its mention ("television broadcaster
        PBS", "semi-official news agency ISNA", "Police spokesman Mariusz Ciarka"), and an
        organisation before a person says whom the person works for ("BBC's Jonathan
        Marcus", "Abu Dhabi TV photojournalist Ziad al-Sharabi")."""
        gap = [t.text for t in doc[a.end : b.start]]
        owner = self._owned(doc, a, b)
        if owner is not None:
            return owner
        if b.label == "GPE" or gap not in ([], ["'s"], ["’s"]):
            return None
        if a.label == "AGENT" and a.actor is None and not gap and b.label in ("ORG", "PERSON", "AGENT"):
            if b.actor is None and b.label == "PERSON" and b.title_sector is None:
                info = self.dictionary.agent(doc[a.start : a.end].text)
                return replace(b, start=a.start, title_sector=info.sector if info is not None else None)
            return replace(b, start=a.start)
        if (a.label in ("ORG", "AGENT") and a.actor is not None and a.actor.code and a.actor.kind != "person"
                and b.label == "PERSON" and b.actor is None):
            name = doc[b.start : b.end].text
            sector = b.title_sector or a.actor.sector
            actor = Actor(id=f"person:{slug(name)}", name=name, code=a.actor.code, sector=sector, kind="person")
            return replace(b, start=a.start, actor=actor, reason="employer", title_sector=None)
        return None

    def _owned(self, doc: Doc, a: _Found, b: _Found) -> _Found | None:
        """A named body or person modifying a bare institution noun owns it: "UN
        peacekeepers", "Hezbollah guerrillas", "Trump administration", "Mahan's director",
        "the U.N. war crimes court" (common-noun modifiers may stand between)."""
        if not (a.label in ("ORG", "PERSON") and a.actor is not None and a.actor.code and b.label == "AGENT"
                and (b.actor is None or b.reason in ("sentence country", "clause subject"))):
            return None
        last, head = doc[a.end - 1], doc[b.end - 1]
        gap = doc[a.end : b.start]
        up = last
        while up.dep_ in ("compound", "poss", "nmod", "amod") and a.end <= up.head.i < b.start:
            up = up.head  # "U.N. war crimes court": through the common-noun modifiers
        if up.head.i != head.i or up.dep_ not in ("compound", "poss", "nmod", "amod"):
            return None
        if not all(t.text in ("'s", "’s") or (t.is_lower and t.dep_ in ("compound", "amod") and t.head.i >= b.start) for t in gap):
            return None
        info = self.dictionary.agent(doc[b.start : b.end].text)
        if info is None:
            return None
        sector, kind, owner = info.sector, "organization", a.actor.sector
        if owner in ("MED", "BUS") and sector != owner:
            return None  # "RIA diplomatic sources": an outlet's sources are not the outlet's
        if a.actor.kind == "igo" or owner == "IGO":
            # UN troops are UN MIL; an IGO's staff and organs are IGO (ACTORS_GOLD.md rule 16).
            sector, kind = ("MIL", "organization") if sector == "MIL" else ("IGO", "igo")
        elif owner in _NON_STATE_OWNERS and (sector in _STATE_SECTORS or sector in ("UAF", "CRM")):
            sector = owner  # a Hezbollah official or fighter is Hezbollah's: REB
        code = a.actor.code
        actor = Actor(id=f"{code}:{slug(info.noun)}", name=doc[a.start : b.end].text, code=code, sector=sector, kind=kind)
        return _Found(start=a.start, end=b.end, label="AGENT", actor=actor, reason="owner", agent_key=b.agent_key)

    def _apposed(self, doc: Doc, a: _Found, b: _Found) -> _Found | None:
        # The small tagger often calls a full name ORG ("Ricardo Rosselló Nevares"); an
        # unresolved ORG with a role noun in apposition is read as a person.
        kinds = tuple("PERSON" if f.label == "PERSON" or (f.label == "ORG" and f.actor is None) else f.label for f in (a, b))
        if kinds not in (("PERSON", "AGENT"), ("AGENT", "PERSON")):
            return None
        if "," not in [t.text for t in doc[a.end : b.start]]:
            return None
        root_a, root_b = doc[a.start : a.end].root, doc[b.start : b.end].root
        # The parser often hangs the name on the role's of-object: in "the governor of
        # Kherson, Oleksandr Prokudin" the person is the governor, not Kherson.
        objects = [o for p in root_a.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        if not (_in_apposition(doc, root_a, b, range(a.start, a.end)) or _in_apposition(doc, root_b, a, range(b.start, b.end))
                or (kinds[0] == "AGENT" and any(_in_apposition(doc, o, b) for o in objects))):
            return None
        person, role = (a, b) if kinds[0] == "PERSON" else (b, a)
        actor = person.actor
        title_sector = person.title_sector
        if actor is None and role.actor is not None and role.actor.code is not None:
            name = doc[person.start : person.end].text
            actor = Actor(id=f"person:{slug(name)}", name=name, code=role.actor.code, sector=role.actor.sector, kind="person")
        elif actor is None:
            info = self.dictionary.agent(doc[role.start : role.end].text)
            title_sector = title_sector or (info.sector if info is not None else None)
        return _Found(start=a.start, end=b.end, label="PERSON", actor=actor, reason=person.reason or "apposition",
                      surname_key=person.surname_key, title_sector=title_sector if actor is None else None)

    def _person_spans(self, doc: Doc, country_tokens: dict, agent_spans: list[Span], day: str | None) -> list[Span]:
        """Tagged PERSON entities plus dictionary names the tagger missed or mislabelled.

        A dictionary-only match must resolve on its own (a full name, or the one office
        holder with that surname on the day) and must not be a title word ("Prime").
        """
        spans = [_hyphen_extended(e) for e in doc.ents if e.label_ == "PERSON" and not self._is_country_span(e, country_tokens)]
        titles = {i for a in agent_spans for i in range(a.start, a.end)}
        matches = _longest_first(Span(doc, s, e, label="PERSON") for _, s, e in self.people(doc))
        # A dictionary name the tagger only half found ("Khan" of "Imran Khan") replaces the half.
        for match in matches:
            inner = [e for e in spans if match.start <= e.start and e.end <= match.end and (e.start, e.end) != (match.start, match.end)]
            if inner and all(t.pos_ == "PROPN" for t in match) and _pick(self.dictionary.lookup(match.text, day), title_sector=None) is not None:
                spans = [e for e in spans if e not in inner] + [match]
        covered = {i for e in spans for i in range(e.start, e.end)}
        ent_at = {i: e for e in doc.ents for i in range(e.start, e.end)}
        matches = matches + self._titled_names(doc, agent_spans, country_tokens, day)
        for span in matches:
            if any(i in covered for i in range(span.start, span.end)):
                continue
            if not all(t.pos_ == "PROPN" or (t.i == t.sent.start and t.is_title and t.pos_ == "NOUN") for t in span):
                continue  # a proper noun; the tagger calls a sentence-initial "Trump" a noun
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

    def _titled_names(self, doc: Doc, agent_spans: list[Span], country_tokens: dict, day: str | None) -> list[Span]:
        """Proper nouns right after a title ("President Vučić", tagged GPE; spellings the
        case-sensitive name matcher misses) that the dictionary resolves to one person."""
        out = []
        for title in agent_spans:
            if title[-1].lower_ not in _TITLES:
                continue  # a personal title ("President", "Foreign Minister"), not "Islamic"
            end = title.end
            while end < len(doc) and end - title.end < 3 and doc[end].pos_ == "PROPN" and doc[end].is_title:
                end += 1
            if end == title.end or any(s in country_tokens for s in range(title.end, end)):
                continue
            span = Span(doc, title.end, end, label="PERSON")
            best = _pick(self.dictionary.lookup(span.text, day), title_sector=None)
            if best is not None and best.kind == "person":
                out.append(span)
        return out

    def _org_spans(self, doc: Doc, country_tokens: dict) -> list[Span]:
        """Matches of hand-written organisation names that are not part of a longer name,
        not a country alias, and not a modifier of a non-actor ("CCTV footage")."""
        country = {i for s in country_tokens for i in range(s, self._ends.get(s, s + 1))}
        ent_at = {i: e for e in doc.ents for i in range(e.start, e.end)}
        spans = []
        exact = {(s, self._ends.get(s, s + 1)) for s in country_tokens}
        for span in _longest_first(Span(doc, s, e) for _, s, e in self.orgs(doc)):
            if (span.start, span.end) in exact or (span.start in country and span.end - span.start == 1):
                continue  # "Saba" the island, not the agency: the country step decides
            inside = [ent_at[i] for i in range(span.start, span.end) if i in ent_at]
            if any((e.start < span.start and not (e.start == span.start - 1 and e[0].pos_ == "DET"))
                   or (e.end > span.end and not _lower_tail(doc, span.end)) for e in inside):
                continue  # part of a longer name ("Cumhuriyet University"), not "the" before it
            if span.start > 0 and doc[span.start - 1].pos_ == "PROPN" and doc[span.start - 1].i not in ent_at:
                continue
            if self._modifies_non_actor(span):
                continue  # "CCTV footage", "Reuters report"
            spans.append(span)
        return spans

    def _modifies_non_actor(self, span: Span) -> bool:
        """True for a name used as a compound modifier of a noun that names no actor."""
        root = span.root
        if root.dep_ not in ("compound", "amod") or span.start <= root.head.i < span.end or root.head.i < root.i:
            return False
        head = root.head
        return (head.pos_ in ("NOUN", "NUM", "PROPN") and self.dictionary.agent(head.text) is None
                and not (head.lemma_.lower() in _PERSON_HEADS and head.lower_ not in _TITLES)  # "Conservative Party members"
                and head.ent_type_ in ("", "PRODUCT", "CARDINAL"))

    def _named_org(self, doc: Doc, span: Span, day: str | None, found: list[_Found], country_tokens: dict) -> _Found | None:
        bare = self.dictionary.agent(span.text)
        if bare is not None and bare.code is None and alias_key(bare.noun) == alias_key(span.text):
            return None  # "Senate" (an alias of the US Congress) is a bare noun on its own
        root = span.root
        if root.dep_ == "pobj" and root.head.lower_ in ("on", "via", "through"):
            return None  # a medium, not an actor: "posted on Facebook", "said via Telegram"
        candidates = [c for c in self.dictionary.lookup(span.text, day) if c.kind in ("organization", "igo") and c.match == "alias"]
        if not candidates:
            return None
        actor = self._dictionary_actor(candidates[0].actor_id, day)
        if actor.sector in ("PTY", "OPP") and actor.code:
            # A party acts at home: "Labour" or "the Republicans" in a sentence about another
            # country is that country's namesake, not the party in the table.
            codes = {code for _i, code in self._sentence_evidence(doc, span.sent, found, country_tokens)}
            if codes and actor.code not in codes:
                return None
        # "the Russian Foreign Ministry" lends its actor to a later bare "the Foreign Ministry".
        agent_key = alias_key(bare.noun) if bare is not None and not bare.code else None
        return _Found(start=span.start, end=span.end, label="ORG", actor=actor, reason="dictionary", agent_key=agent_key)

    def _sentence_evidence(self, doc: Doc, sent: Span, found: list[_Found], country_tokens: dict) -> list[tuple[int, str]]:
        """``(token, code)`` for every piece of evidence of a country in a sentence: country
        names, demonyms, capitals and seats; the codes of actors already resolved (not
        outlets, which report on other countries); and places the gazetteer knows ("Gdańsk",
        "Texas", "Mindanao"). IGO codes count too, so that "NATO" beside "Russia" leaves a
        bare "troops" unresolved."""
        evidence: list[tuple[int, str]] = []
        covered: set[int] = set()
        for start, (code, alias_type, ambiguous, _alts) in country_tokens.items():
            if not (sent.start <= start < sent.end):
                continue
            covered.update(range(start, self._ends.get(start, start + 1)))
            if (not ambiguous and alias_type in ("name", "demonym", "capital", "seat") and not _stance_prefixed(doc, start)
                    and not _sponsor_suffixed(doc, self._ends.get(start, start + 1))):
                evidence.append((start, code))
        for item in found:
            if not (sent.start <= item.start < sent.end):
                continue
            covered.update(range(item.start, item.end))
            actor = item.actor
            if (actor is not None and actor.code and actor.sector not in ("MED", "BUS") and item.reason != "sentence country"
                    and not _sponsor_suffixed(doc, item.end) and not _stance_prefixed(doc, item.start)):
                evidence.append((item.start, actor.code))
        for ent in ents_in(sent):  # Span.ents rebuilds every entity of the document
            if any(i in covered and not self._unresolved_at(found, i) for i in range(ent.start, ent.end)):
                continue
            if ent.label_ not in _PLACE_LABELS and not (ent.label_ in _MISLABELLED and _is_locative(ent.root)):
                continue  # the tagger calls many places ORG or PERSON ("in Lyon")
            code = _place_country(ent.text)
            if code is not None:
                evidence.append((ent.start, code))
        return evidence

    def _locative_evidence(self, doc: Doc, start: int, found: list[_Found]) -> bool:
        """True when the evidence at token ``start`` is a place used as a place ("in Moscow",
        "leaving Syria"), not a state or an actor that acts."""
        if any(f.start == start and f.actor is not None for f in found):
            return False
        if start in self._ends:
            return _is_locative(doc[start : self._ends[start]].root)
        ent = next((e for e in doc.ents if e.start == start), None)
        return ent is None or _is_locative(ent.root)

    @staticmethod
    def _unresolved_at(found: list[_Found], i: int) -> bool:
        """True when token ``i`` lies in an unresolved ORG or PERSON (a mislabelled place)."""
        return any(f.start <= i < f.end and f.actor is None and f.label in ("ORG", "PERSON") and not f.title_sector for f in found)

    def _evidence_for(self, doc: Doc, item: _Found, sector: str, local: bool, start: int, found: list[_Found]) -> str | None:
        """Whether the country evidence at token ``start`` says whose the bare role noun
        ``item`` is (``"linked"`` or ``"view"``), is a counterpart of it that makes any other
        reading unsafe (``"block"``), or neither (None).

        - Linked: the country modifies the noun or is in an of-, from-, for- or in-phrase on
          it (not in- for a military noun: "troops in Syria" may be anyone's), or the two are
          apposed or coordinated ("the president and Congress").
        - A place where it happens ("demonstrated in Serbia"), a source ("according to
          Kabul"), and an actor of the same specific institution ("killed a U.S. soldier, the
          military said").
        - Otherwise a country the sentence is about counts (a definite "the president" is
          read in the sentence's domain: "Per request of UK Prime Minister Boris Johnson,
          the Queen suspended parliament") unless it is a counterpart or a target.

        A counterpart of the noun in the same event blocks the other readings (the subject
        whose verb takes a state noun as object, "Russian troops shelled the army", or the
        object of the noun's verb). Never evidence: objects and goals ("sent a letter to
        Kiev", "sanctions against Russia", "invaded Ukraine"); passive agents ("an invasion
        by Russia"); a country that modifies a thing or an event ("a Russian invasion", "the
        invasion of Ukraine", "Russian soil"). Linked evidence wins over the rest."""
        end = self._ends.get(start)
        owner = next((f for f in found if f.start == start and f.actor is not None), None)
        if end is None and owner is not None:
            end = owner.end
        if end is None:
            end = next((e.end for e in doc.ents if e.start == start), start + 1)
        root = doc[start:end].root
        noun = doc[item.start : item.end].root
        # A post or mission abroad ("embassy in", "consuls"): judged by the phrase or its head.
        infos = (self.dictionary.agent(doc[item.start : item.end].text), self.dictionary.agent(noun.text),
                 self.dictionary.agent(noun.lemma_)) if item.label == "AGENT" else ()
        abroad = any(i is not None and i.abroad for i in infos)
        # Linked: the country's phrase attaches to the noun.
        t = root
        for _ in range(5):
            if t.i == noun.i:
                return "linked"
            if t.dep_ in ("compound", "amod", "poss", "nmod", "appos", "conj") and t.head.i != t.i:
                t = t.head
            elif t.dep_ == "pobj" and t.head.lower_ in _LINK_PREPS and t.head.head.i == noun.i:
                placed = t.head.lower_ in _IN_PREPS and t.head.lower_ != "from"
                return None if placed and (sector == "MIL" or abroad) else "linked"
            else:
                break
        t = noun
        while t.dep_ in ("appos", "conj") and t.head.i != t.i:
            t = t.head
            if t.i == root.i:
                return "linked"
        # Not linked: the role the country's phrase plays in its clause.
        t = root
        for _ in range(6):
            if t.dep_ in ("conj", "appos") and t.head.i != t.i:
                t = t.head
            elif t.dep_ in ("compound", "amod", "poss", "nmod") and t.head.i != t.i:
                if not self._actor_noun(t.head, found):
                    return None  # "a Russian invasion", "Russian soil"
                t = t.head
            elif t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ in ("NOUN", "PROPN"):
                if not self._actor_noun(t.head.head, found):
                    return None  # "the invasion of Ukraine"
                t = t.head.head
            else:
                break
        if t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.head.lower_ == "according":
            return "view"  # a source: "according to Kabul"
        if t.dep_ == "pobj" and t.head.lower_ in _STATIC_PREPS:
            # where it happens: "protesters demonstrated in Serbia" (not the host of an embassy)
            return None if abroad else "view"
        if t.dep_ in ("nsubj", "nsubjpass") and _argument_of(noun, t.head):
            # "Russia shelled the army", "Russian troops shelled the army": a state, or a body
            # of the same kind, acting on a state noun is its counterpart (a state names its
            # own: "its army"). Another branch ("Biden urged the Senate"), a state acting on a
            # group ("ordered the opposition newspaper") or a group on its state ("students
            # gave the government a deadline") is at home.
            acting = next((f for f in found if f.start <= t.i < f.end), None) or owner
            counterpart = (acting.label == "GPE" or (acting.actor is not None and acting.actor.sector == sector)
                           if acting is not None else t.i < end)
            return "block" if counterpart and sector in _STATE_SECTORS and not local else "view"
        n = noun
        while n.dep_ in ("conj", "appos", "compound") and n.head.i != n.i:
            n = n.head
        if n.dep_ in ("nsubj", "nsubjpass") and _argument_of(root, n.head):
            return "block"  # the noun's own object: "the army shelled Russian positions"
        if (owner is not None and owner.actor.sector == sector and sector in _BRIDGING_SECTORS and owner.label != "GPE"
                and _acts(noun)):
            # The same institution named with its country elsewhere in the sentence: "a
            # bombing killed one U.S. soldier, the military said" (not a generic "officials").
            return "view"
        if t.dep_ in ("dobj", "dative") or (t.dep_ == "pobj" and t.head.lower_ in _TARGET_PREPS):
            return None  # a target or a goal: "invaded Ukraine", "a letter to Kiev", "by Russia"
        return "view"

    def _actor_noun(self, token: Token, found: list[_Found]) -> bool:
        """True when ``token`` heads a phrase naming an actor (a mention, a person or body the
        tagger found, an institution noun), not a thing or an event."""
        parts = [token.i] + [c.i for c in token.children if c.dep_ in ("compound", "flat")]
        if any(f.start <= i < f.end and f.label != "GPE" for f in found for i in parts):
            return True  # also a name the mention cut short ("Queen Elizabeth" of "... II")
        return token.ent_type_ in ("PERSON", "ORG") or self.dictionary.agent(token.text) is not None

    def _sentence_country(self, found: list[_Found], doc: Doc, country_tokens: dict) -> None:
        """A bare role noun ("the president", "troops", "protesters") takes the one country
        its sentence gives evidence of (see :meth:`_sentence_evidence`) that is evidence of
        the noun's own country (see :meth:`_evidence_for`), when there is exactly one;
        otherwise it stays unresolved."""
        evidence_of: dict[int, list[tuple[int, str]]] = {}

        def has_default(item: _Found) -> bool:
            info = self.dictionary.agent(doc[item.start : item.end].text) if item.label == "AGENT" else None
            return info is not None and info.default_code is not None

        # Nouns with a default country first ("Congress"): once placed, they are evidence for
        # the others ("the president" beside "Congress").
        for item in sorted(found, key=lambda it: not has_default(it)):
            if item.actor is not None or item.label not in ("AGENT", "PERSON", "GPE"):
                continue
            if item.label == "GPE":
                if item.reason != "ethnic":
                    continue
                sector = "CVL"  # "ethnic Albanians demonstrated in Serbia": a people where they live
                info = None
            elif item.label == "PERSON":
                if item.title_sector not in _CONTEXT_SECTORS:
                    continue  # only a title ties a person to the country named
                sector = item.title_sector
                info = None
            else:
                info = self.dictionary.agent(doc[item.start : item.end].text)
                if info is None or not (info.sector in _STATE_SECTORS or (info.local and info.sector in _DOMESTIC_SECTORS)):
                    continue  # outlets, NGOs, IGOs and generic nouns ("people") are not
                sector = info.sector
            head = doc[item.end - 1]
            if _foreign(head):
                continue  # "foreign forces", "unspecified foreign security forces"
            if any(c.dep_ == "det" and c.lower_ in _QUANTIFIERS for c in head.children):
                continue  # "any leader around the world": no one in particular
            if _modifies_thing(doc, item, self.dictionary):
                continue  # "a captured Humvee military car", "prison terms", "government decree"
            owners = [c for c in head.children
                      if c.dep_ in ("compound", "poss") and c.ent_type_ in ("PERSON", "ORG") and not (item.start <= c.i < item.end)]
            if owners and not (info is not None and info.local and sector in _DOMESTIC_SECTORS
                               and all(c.ent_type_ == "PERSON" and self._unresolved_at(found, c.i) for c in owners)):
                # "Trump administration": the name, not the sentence, affiliates it; an unknown
                # person's domestic group ("X's opposition coalition") is where it acts.
                continue
            sent = doc[item.start].sent
            if sent.start not in evidence_of:
                evidence_of[sent.start] = self._sentence_evidence(doc, sent, found, country_tokens)
            local = item.label == "GPE" or (info is not None and info.local)
            kinds = [(start, code, self._evidence_for(doc, item, sector, local, start, found))
                     for start, code in evidence_of[sent.start] if not (item.start <= start < item.end)]
            linked = [(start, code) for start, code, kind in kinds if kind == "linked"]
            usable = linked or [(start, code) for start, code, kind in kinds if kind == "view"]
            codes = {code for _start, code in usable}
            if usable and not linked:
                # A country that is no evidence (a target, a counterpart) still stands for
                # another reading: "Irish guerrillas wounded British soldiers, police said".
                codes |= {code for _start, code, _kind in kinds}
            default = info.default_code if item.label == "AGENT" else None
            if default is not None and (not codes or default in codes):
                codes = {default}  # "Congress" beside "Trump" and "Mexico": the US Congress
                defaulted = True
            else:
                defaulted = False
            if len(codes) > 1 and sector in _STATE_SECTORS and _acts(doc[item.start : item.end].root):
                # A state institution belongs to a state that acts in the sentence, not to a
                # place it happens in: "the President ... via the press secretary, announced
                # US troops would be leaving Syria" (Syria is a destination).
                acting = {code for start, code in evidence_of[sent.start]
                          if not (item.start <= start < item.end) and not self._locative_evidence(doc, start, found)}
                if item.label == "AGENT" and "source" in info.noun.lower():
                    acting = set()  # anonymous "diplomatic sources" are nobody's in particular
                if len(acting) == 1:
                    codes = acting
            if len(codes) != 1:
                continue
            code = codes.pop()
            if self.dictionary.state(code) is None:
                continue  # an IGO in sight blocks other evidence but gives no country
            text = doc[item.start : item.end].text
            if item.label == "PERSON":
                item.actor = Actor(id=f"person:{slug(text)}", name=text, code=code, sector=sector, kind="person")
            elif item.label == "GPE":
                item.actor = Actor(id=f"{code}:{slug(text)}", name=text, code=code, sector=sector, kind="organization")
            else:
                item.actor = Actor(id=f"{code}:{slug(info.noun)}", name=text, code=code, sector=sector, kind="organization")
            item.reason = "default country" if defaulted else "sentence country"
            if defaulted:
                evidence_of.pop(sent.start, None)  # it is evidence for the rest of the sentence

    def _subject_country(self, found: list[_Found], doc: Doc) -> None:
        """A bare institution noun owned by the subject of its clause takes the subject's code:
        a possessive pronoun ("Carrie Lam said her government would withdraw the bill",
        "Hongkongers protested when their government proposed it"), and the object of a verb
        that moves one's own force ("Washington promised to send 8,500 soldiers", "the
        Kremlin began deploying troops", "Syria says it will withdraw its troops";
        ``force_verbs.tsv`` kind ``move``). Objects of verbs that give or prepare a force
        (kind ``assign``: "offered its troops", "mobilized reservists") only with
        ``own_forces``. The subject must be a resolved actor; a pronoun subject is followed to
        the clause that governs it."""
        from sitrep.analyze.dictionary import force_verbs

        verbs = force_verbs()
        item_at: dict[int, _Found] = {}
        for item in found:
            for i in range(item.start, item.end):
                item_at[i] = item
        for item in found:
            if item.actor is not None or item.label != "AGENT":
                continue
            info = self.dictionary.agent(doc[item.start : item.end].text)
            if info is None or not (info.sector in _STATE_SECTORS or info.local or info.sector == "MED"):
                continue
            head = doc[item.end - 1]
            owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
            verb = None
            governor = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "with" else head.head
            is_object = head.dep_ in ("dobj", "dative") or (head.dep_ == "pobj" and head.head.lower_ == "with")
            if is_object and verbs.get(governor.lemma_.lower()) != "move" and not self.own_forces:
                # The object of a verb that does not move it ("offered its troops to
                # Lebanon"): the event coder would take it for the event's recipient.
                continue
            if owner is not None:
                if owner.lower_ not in ("its", "their", "his", "her"):
                    continue
                verb = head
            elif is_object and governor.pos_ in ("VERB", "AUX") and governor.lemma_.lower() in verbs:
                verb = governor
            if verb is None:
                continue
            subject = _clause_subject(verb, exclude=range(item.start, item.end))
            if subject is None:
                continue
            source = item_at.get(subject.i)
            if source is None or source is item or source.actor is None or not source.actor.code:
                continue
            if owner is not None and owner.lower_ in ("his", "her") and source.actor.kind != "person":
                continue
            if owner is not None and owner.lower_ in ("its", "their") and source.actor.kind == "person":
                continue
            code = source.actor.code
            text = doc[item.start : item.end].text
            item.actor = Actor(id=f"{code}:{slug(info.noun)}", name=text, code=code, sector=info.sector, kind="organization")
            item.reason = "clause subject"

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
        # ... and inside a longer place name that is no country ("New Jersey", "New Mexico",
        # "the Gulf of Mexico").
        for ent in doc.ents:
            if ent.label_ not in ("GPE", "LOC") or self.dictionary.country(ent.text) is not None:
                continue
            for start in [s for s in out if ent.start <= s < ent.end]:
                if (start, ends[start]) != (ent.start, ent.end) and ends[start] <= ent.end and start > ent.start:
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
        lo = start  # the run of title-case or proper-noun tokens that ends at the name
        while lo > 0 and (doc[lo - 1].is_title or doc[lo - 1].pos_ == "PROPN"):
            lo -= 1
        for span in agent_spans:
            if span.end == start or lo <= span.end < start:
                if title is None or span.start < title.start:
                    title = span
        if title is not None:
            start = title.start
        country = self._country_before(doc, start, country_tokens)
        if country is not None:
            start = country[0]
        candidates = self.dictionary.lookup(name, day)
        bare = self.dictionary.agent(name) if not candidates else None
        if bare is not None and alias_key(bare.noun) == alias_key(name) and title is None:
            # "the Queen" tagged PERSON: a bare title is an institution noun.
            return _Found(start=ent.start, end=ent.end, label="AGENT", agent_key=alias_key(bare.noun))
        end_char = None
        glued = _GLUED.match(ent[-1].text)
        if not candidates and glued and self.vocab[glued.group(2).lower()].is_stop:
            # "Dmitriy PeskovWhich made it clear": a lost space glued the next word on.
            name = name[: len(name) - len(glued.group(2))]
            candidates = self.dictionary.lookup(name, day)
            end_char = ent[-1].idx + len(glued.group(1)) if candidates else None
        surname_key = alias_key(name.split()[-1]) if name.split() else None
        # "Patrice Talon of Benin", "Crown Prince Mohammad bin Salman of Saudi Arabia": the
        # post-modifier is part of the mention and says whom the person acts for.
        after = self._country_after(doc, ent.root, country_tokens, None, lambda i: ent.start <= i < ent.end)
        end = after[0] if after is not None else ent.end
        best = _pick(candidates, title_sector=self.dictionary.agent_sector(title.text) if title else None)
        if best is not None and (
                (after is not None and best.code != after[1] and not (best.match == "alias" and best.curated))
                or (best.match != "alias" and country is not None and best.code != country[1])):
            best = None  # "King Hassan of Morocco": the sentence's country beats a partial name match
        if best is not None:
            actor = self._dictionary_actor(best.actor_id, day)
            title_sector = self.dictionary.agent_sector(title.text) if title is not None else None
            if (actor.sector in (None, "ELI") and title_sector in _STATE_SECTORS
                    and not any(t.lower_ in _FORMER_WORDS for t in doc[start : ent.start])):
                # "Attorney General Eric Holder was held in contempt in 2012": named by the
                # office he acted in, not as the private citizen he is on the day.
                actor = replace(actor, sector=title_sector)
            return _Found(start=start, end=end, label="PERSON", actor=actor, reason="dictionary", surname_key=surname_key,
                          end_char=end_char if end == ent.end else None)
        sector = self.dictionary.agent_sector(title.text) if title is not None else None
        code = country[1] if country is not None else (after[1] if after is not None else None)
        if code is None and sector in _STATE_SECTORS:
            place = _place_before(doc, start)  # "California Attorney General Xavier Becerra"
            if place is not None:
                start, code = place
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
        return _Found(start=start, end=end, label="PERSON", actor=actor, reason="title" if actor else "",
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
        code, sector = res.code, res.sector
        if not res.in_role and entry.kind == "person":
            # Just out of office (dismissed, resigned, killed): still reported in the role.
            recent = self.dictionary.recent_role(actor_id, day, RECENT_ROLE_DAYS)
            if recent is not None:
                code, sector = recent.code or code, recent.sector
        record = entry.to_record()
        return Actor(
            id=record.id, name=record.name, code=code, sector=sector, kind=record.kind,
            aliases=record.aliases, roles=record.roles,
        )

    # -- institutions ----------------------------------------------------------------------
    def _institution(self, doc: Doc, span: Span, country_tokens: dict, day: str | None) -> _Found | None:
        info = self.dictionary.agent(span.text)
        if info is None:
            return None
        root = span.root
        if "site" in root.lower_ and (root.dep_ == "dobj" or (root.dep_ == "pobj" and root.head.lower_ in ("on", "via", "through"))):
            return None  # a website acted upon or used as a medium ("posted on the ministry website")
        head = root.head
        if (info.code is None and root.dep_ == "compound" and head.i >= span.end and head.pos_ == "NOUN" and head.is_lower
                and self.dictionary.agent(head.text) is None and head.lemma_.lower() not in _PERSON_HEADS):
            return None  # modifier of a thing: "government websites", "a military car" (ACTORS_GOLD rule 4)
        start = span.start
        # "Foreign Ministry officials": the group named last is the actor; swallow the
        # institution nouns before it into one mention.
        country = self._country_before(doc, start, country_tokens)
        code = info.code
        end = span.end
        domestic = info.local and info.sector in _DOMESTIC_SECTORS and info.sector != "REF"  # refugees keep their nationality
        if country is not None and domestic and country_tokens[country[0]][1] == "demonym":
            # For a non-state group a demonym may name an ethnicity: "Albanian rebels in
            # Macedonia" act in Macedonia; "ethnic Albanian rebels" name no state at all.
            after = self._country_after(doc, span.root, country_tokens, info.sector, lambda i: span.start <= i < span.end, local=True)
            if after is not None and after[1] != country[1]:
                start, (end, code) = country[0], after
                country = None
            elif _ethnic(doc, country[0]):
                start, country = country[0], None
                code = after[1] if after is not None else None
        if country is not None:
            start = country[0]
            code = code or country[1]
        elif code is None and (info.sector in _STATE_SECTORS or info.local):
            # "the Parliament of Iraq", "Prime Ministers of Belgium", "rebels in Chad" (not
            # "bombers of the U.S. airliner": there "of" names the target).
            after = self._country_after(doc, span.root, country_tokens, info.sector, lambda i: span.start <= i < span.end,
                                        local=info.local and info.sector in _DOMESTIC_SECTORS)
            if after is not None:
                end, code = after
            else:
                # "California Attorney General", "Gdańsk residents", "Texas's governor".
                place = _place_before(doc, start)
                if place is not None:
                    start, code = place
        elif code is None and info.sector in _DOMESTIC_SECTORS:
            # Other people: "a Christian missionary from Calgary" is Canadian.
            after = self._country_after(doc, span.root, country_tokens, info.sector, lambda i: span.start <= i < span.end,
                                        from_only=True)
            if after is not None:
                end, code = after
        if info.kind == "igo" or (info.code and info.sector == "IGO"):
            # An IGO's own force (UNIFIL) keeps its MIL sector (ACTORS_GOLD.md rule 16).
            sector = info.sector if info.sector == "MIL" else "IGO"
            actor = Actor(id=f"igo:{info.code.lower()}", name=span.text, code=info.code, sector=sector, kind="igo")
            return _Found(start=start, end=span.end, label="ORG", actor=actor, reason="igo", agent_key=alias_key(span.text))
        actor = None
        if code is not None:
            actor = Actor(
                id=f"{code}:{slug(info.noun)}", name=doc[start:end].text, code=code, sector=info.sector,
                kind="organization",
            )
        # A bare role noun with no affiliation ("officials", "the police") is not worth a
        # mention of its own unless the corefer step can resolve it.
        return _Found(start=start, end=end, label="AGENT", actor=actor, reason="institution" if actor else "",
                      agent_key=alias_key(info.noun))

    def _organization(self, ent: Span, country_tokens: dict, day: str | None) -> _Found | None:
        ent = _trim_tail(ent)  # "Patrice Talon of" (Benin): the tagger took the preposition
        if ent is None:
            return None
        text = ent.text
        if self._is_country_span(ent, country_tokens):
            return None  # the country step reads it, with the metonymy check
        if self._modifies_non_actor(ent):
            return None  # "CCTV footage", "Al-Qaeda videos", "NATO treaty"
        lookup = self.dictionary.lookup(text, day)
        candidates = [c for c in lookup if c.kind in ("igo", "organization", "state") and c.match == "alias"]
        bare = self.dictionary.agent(text)
        if (bare is not None and bare.code is None and bare.kind == "agent" and alias_key(bare.noun) == alias_key(text)
                and not any(c.kind == "igo" for c in candidates)):
            # "the Senate", "Congress", "Parliament": a bare institution noun is no one
            # country's; its country comes from the sentence or an earlier mention.
            return _Found(start=ent.start, end=ent.end, label="AGENT", agent_key=alias_key(bare.noun))
        if candidates:
            actor = self._dictionary_actor(candidates[0].actor_id, day)
            return _Found(start=ent.start, end=ent.end, label=ent.label_, actor=actor, reason="dictionary")
        # "President of Ukraine Volodymyr Zelenskyy" tagged "Ukraine Volodymyr Zelenskyy": the
        # country is the title's, the rest a person's name.
        if ent.start in country_tokens and self._ends.get(ent.start, ent.start) < ent.end:
            rest = ent.doc[self._ends[ent.start] : ent.end]
            named = _pick([c for c in self.dictionary.lookup(rest.text, day) if c.kind == "person"], title_sector=None)
            if named is not None and all(t.pos_ == "PROPN" for t in rest):
                actor = self._dictionary_actor(named.actor_id, day)
                return _Found(start=ent.start, end=ent.end, label="PERSON", actor=actor, reason="dictionary",
                              surname_key=alias_key(rest[-1].text))
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
        # "Federal Aviation Office of Germany", "Turkish Airlines", "US Geological Survey": an
        # unknown body named for one country acts for it; its sector comes from its
        # institution noun. Without one, only a country's name (not a demonym: "Russian
        # Ministerial website") says the body is the country's.
        inside = self._country_inside(ent, country_tokens, names_only=info is None)
        if inside is not None:
            sector = info.sector if info is not None else None
            actor = Actor(id=f"{inside}:{slug(text)}", name=text, code=inside, sector=sector, kind="organization")
            return _Found(start=ent.start, end=ent.end, label=ent.label_, actor=actor, reason="name country")
        # "The Foreign Ministry" tagged ORG: an institution noun that an earlier, fuller
        # mention ("the Russian Foreign Ministry") resolves, or the sentence's one country.
        if info is not None and alias_key(info.noun) == alias_key(text):
            return _Found(start=ent.start, end=ent.end, label="AGENT", agent_key=alias_key(info.noun))
        agent_key = alias_key(info.noun) if info is not None else None
        return _Found(start=ent.start, end=ent.end, label=ent.label_, surname_key=surname_key if len(ent) <= 2 else None,
                      agent_key=agent_key)

    def _country_inside(self, ent: Span, country_tokens: dict, *, names_only: bool = False) -> str | None:
        """The one country an organisation's name starts with or ends on ("Turkish
        Airlines", "Supreme Court of Puerto Rico"), or None. With ``names_only`` a demonym
        does not count."""
        codes = set()
        for start, (code, alias_type, ambiguous, _alts) in country_tokens.items():
            if not (ent.start <= start < ent.end) or ambiguous or alias_type not in ("name", "demonym"):
                continue
            if names_only and alias_type != "name":
                return None
            end = self._ends.get(start, start + 1)
            first = start == ent.start or (start == ent.start + 1 and ent[0].lower_ == "the")
            last = end == ent.end and start >= 2 and ent.doc[start - 1].lower_ in ("of", "the")
            if last and names_only and sum(1 for t in ent.doc[ent.start : start - 1] if t.is_title) < 2:
                return None  # "the Economy of Turkey", "the EEZ of Cyprus": not a body's name
            if not (first or last) or _stance_prefixed(ent.doc, start):
                return None
            codes.add(code)
        return codes.pop() if len(codes) == 1 else None

    def _token_country(self, doc: Doc, token: Token, country_tokens: dict, *, places: bool) -> str | None:
        """The country a noun names: a country alias ("Benin", "the Slovak Republic") or, with
        ``places``, a place the gazetteer knows ("Paris", "Texas")."""
        for start, (code, alias_type, ambiguous, _alts) in country_tokens.items():
            if start <= token.i < self._ends.get(start, start + 1):
                if ambiguous or alias_type not in ("name", "capital"):
                    return None
                return code
        if places and (token.ent_type_ in _PLACE_LABELS or token.ent_type_ in _MISLABELLED):
            ent = next((e for e in doc.ents if e.start <= token.i < e.end), None)
            if ent is not None:
                return _place_country(ent.text)
        return None

    def _country_after(
        self, doc: Doc, head: Token, country_tokens: dict, sector: str | None, inside, *, local: bool = False,
        from_only: bool = False,
    ) -> tuple[int, str] | None:
        """``(end token, code)`` of a post-modifier that says whose an actor is: "of Benin",
        "of the Slovak Republic", "of Paris" (a place: local government), and for domestic
        non-state actors "in Chad", "throughout Indonesia"."""
        for prep in head.children:
            if prep.dep_ != "prep" or prep.i < head.i or inside(prep.i):
                continue
            word = prep.lower_
            # "of Benin" always; "from Iran" for people ("representatives from Iran", "a
            # missionary from Calgary": where they come from); "in Chad" for domestic groups.
            if word != "of" and not (word in _IN_PREPS and local) and not (word == "from" and sector is not None):
                continue
            if from_only and word != "from":
                continue
            places = (word == "of" and sector in _STATE_SECTORS) or word == "from"
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                code = self._token_country(doc, obj, country_tokens, places=places)
                if code is None and word == "of":
                    # "the police of the Autonomous Region in Muslim Mindanao"
                    for inner in obj.children:
                        if inner.dep_ == "prep" and inner.lower_ in ("in", "of"):
                            for obj2 in inner.children:
                                if obj2.dep_ == "pobj":
                                    code = self._token_country(doc, obj2, country_tokens, places=sector in _STATE_SECTORS)
                if code is not None:
                    end = max(t.i for t in prep.subtree) + 1
                    if any(t.dep_ in ("relcl", "acl") or t.pos_ == "VERB" for t in prep.subtree):
                        return None
                    # "the navies of China, India and Oman": each country is a mention of its own;
                    # "the governor of Kherson, Oleksandr Prokudin": the name is the person's
                    after_obj = [c.left_edge.i for c in obj.children if c.dep_ in ("conj", "cc", "appos") and c.i > obj.i]
                    if after_obj:
                        end = min(after_obj)
                        while end > obj.i + 1 and doc[end - 1].is_punct:
                            end -= 1
                    return end, code
        return None

    # -- countries and seats ---------------------------------------------------------------
    def _country_actor(
        self, doc: Doc, start: int, end: int, code: str, alias_type: str, ambiguous: bool,
        alternatives: tuple[str, ...], day: str | None,
    ) -> _Found | None:
        span = doc[start:end]
        head = span.root
        if _is_locative(head) or _stance_prefixed(doc, start):
            return None  # a place, or a stance ("a pro-Kremlin official")
        if alias_type == "demonym":
            # A demonym is an actor only as a noun ("the Russians"), not as an adjective of a
            # non-actor ("Russian soil"); adjectives of actors were taken by the institution step.
            nominal = (head.pos_ == "ADJ" and head.dep_ in ("nsubj", "nsubjpass", "dobj")
                       and start > 0 and doc[start - 1].lower_ == "the")  # "The British relinquished control"
            if (head.pos_ not in ("PROPN", "NOUN") and not nominal) or head.dep_ in ("amod", "compound"):
                return None
            if _ethnic(doc, start):
                # "ethnic Albanians", "ethnic Turks": a people, not the state; where they
                # live comes from the sentence, if anywhere.
                return _Found(start=start, end=end, label="GPE", reason="ethnic")
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
        full_text = doc_text(doc)  # Doc.text rebuilds the string on every access: read it once
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
            if item.end_char is not None and span[-1].idx < item.end_char < end:
                end = item.end_char
            # Trim a leading article: "the Kremlin" is the mention, "the" is not part of it.
            mentions.append(
                Mention(doc_id=doc_id, start=start, end=end, text=full_text[start:end], label=item.label,
                        actor_id=item.actor.id if item.actor else None)
            )
            if item.actor is not None:
                actors.setdefault(item.actor.id, _igo_code(item.actor))
        return ActorResult(mentions=tuple(mentions), actors=actors)


#: Population above which an untagged proper noun that is a place's own name counts as that
#: place ("Gdańsk residents").
BIG_PLACE = 200_000


@lru_cache(maxsize=4096)
def _place_country(name: str, min_population: int = 0) -> str | None:
    """The country of a place name the gazetteer knows confidently (its own name, or an
    alternate name of a large place), or None. With ``min_population`` only its own name
    of a place at least that large counts."""
    from sitrep.analyze.places import BACKOFF_MIN_POPULATION, Gazetteer

    for place, exact in Gazetteer.load().lookup_matches(name)[:1]:
        if min_population and not (exact and place.population >= min_population):
            return None
        if place.country and (exact or place.population >= BACKOFF_MIN_POPULATION):
            return place.country
    return None


#: "Iran-backed rebels", "Russian-funded outlets": the country is a sponsor, not the group's.
_SPONSOR_WORDS = frozenset({"backed", "sponsored", "supported", "funded", "allied", "aligned", "armed", "trained", "controlled",
                            "built", "made", "supplied", "manufactured", "designed"})


def _sponsor_suffixed(doc: Doc, end: int) -> bool:
    """True when a country alias ending at token ``end`` is a sponsor: "Iran-backed",
    "backed by Iran"."""
    last = doc[end - 1]
    if last.head.lower_ == "by" and last.head.head.lower_ in _SPONSOR_WORDS:
        return True
    if end < len(doc) and doc[end].text == "-":
        end += 1
    return end < len(doc) and doc[end].lower_ in _SPONSOR_WORDS


def _place_before(doc: Doc, start: int) -> tuple[int, str] | None:
    """``(start token, code)`` of a place name modifying a phrase that starts at ``start``
    ("California Attorney General", "Gdańsk residents", "Texas's governor"), when the
    gazetteer knows it confidently."""
    i = start - 1
    if i >= 0 and doc[i].text in ("'s", "’s"):
        i -= 1
    if i < 0:
        return None
    tok = doc[i]
    if (tok.ent_type_ in ("", "NORP") and tok.pos_ in ("PROPN", "NOUN") and tok.is_title
            and (tok.ent_type_ == "" or tok.ent_iob_ == "B" and (i + 1 >= len(doc) or doc[i + 1].ent_iob_ != "I"))
            and tok.dep_ in ("compound", "poss") and not (i > 0 and doc[i - 1].pos_ == "PROPN")):
        # An untagged one-word place ("Gdańsk residents"): only a large place by its own name.
        code = _place_country(tok.text, min_population=BIG_PLACE)
        return None if code is None else (i, code)
    if tok.ent_type_ not in _PLACE_LABELS:
        return None
    ent = next((e for e in doc.ents if e.start <= i < e.end), None)
    if ent is None or ent.end != i + 1 or ent.root.dep_ not in ("compound", "poss", "nmod", "amod"):
        return None
    code = _place_country(ent.text)
    return None if code is None else (ent.start, code)


def _lower_tail(doc: Doc, end: int) -> bool:
    """True when what follows a name inside the tagger's entity is no part of a name ("of
    bank robberies" after "Associated Press")."""
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.lower_ == "of" and end + 1 < len(doc):
        nxt = doc[end + 1]
    return nxt is not None and nxt.is_lower


#: Nouns for people that a bare institution noun may modify and still name an actor
#: ("Cabinet officers", "government employees", "army personnel").
_PERSON_HEADS = frozenset({"officer", "member", "employee", "staff", "staffer", "personnel", "official", "worker",
                           "agent", "representative", "source", "spokesman", "spokeswoman", "spokesperson", "leader",
                           "inspector", "monitor", "observer", "expert", "investigator", "negotiator", "delegate",
                           "diplomat", "envoy", "guard", "peacekeeper", "adviser", "advisor", "aide", "group"})


def _modifies_thing(doc: Doc, item: _Found, dictionary: ActorDictionary) -> bool:
    """True when a one-word institution noun only modifies a common noun for a thing ("a
    military car", "prison terms", "a government decree"): no actor is named."""
    if item.end - item.start != 1:
        return False
    token = doc[item.start]
    head = token.head
    if token.dep_ not in ("compound", "amod", "nmod") or head.i <= token.i or head.pos_ != "NOUN" or not head.is_lower:
        return False
    return dictionary.agent(head.text) is None and head.lemma_.lower() not in _PERSON_HEADS


def _acts(token: Token) -> bool:
    """True when a noun is a speaker or agent in its clause (a subject, "via"/"by" the
    spokesman), not a thing acted upon ("opened an embassy")."""
    if token.dep_ in ("nsubj", "nsubjpass", "appos", "ROOT"):
        return True
    return token.dep_ == "pobj" and token.head.lower_ in ("via", "by", "through")


def _ethnic(doc: Doc, start: int) -> bool:
    """True when the demonym at ``start`` names an ethnicity: "ethnic Albanians", "ethnic
    Albanian rebels"."""
    return start > 0 and doc[start - 1].lower_ in ("ethnic", "ethnically")


def _trim_tail(span: Span) -> Span | None:
    """``span`` without trailing lower-case function words the tagger included ("Patrice
    Talon of"); None when nothing is left."""
    end = span.end
    while end > span.start and span.doc[end - 1].is_lower and span.doc[end - 1].pos_ in ("ADP", "CCONJ", "DET", "PART"):
        end -= 1
    if end == span.end:
        return span
    return Span(span.doc, span.start, end, label=span.label_) if end > span.start else None


def _member_of(doc: Doc, a: _Found, b: _Found) -> _Found | None:
    """A person followed by "of" and the body they serve is one mention that acts for the
    body ("Chief Superintendent X of the police of Y", "X, of the provincial council"): the
    body gives the code, the person's title (else the body) the sector."""
    if a.label != "PERSON" or (a.actor is not None and a.actor.code) or b.actor is None or not b.actor.code:
        return None
    if b.label not in ("AGENT", "ORG") or b.actor.kind == "person":
        return None
    gap = [t.lower_ for t in doc[a.end : b.start]]
    if "of" not in gap or any(w not in ("of", "the", ",") for w in gap):
        return None
    prep = next(t for t in doc[a.end : b.start] if t.lower_ == "of")
    if not (a.start <= prep.head.i < a.end and b.start <= next((c.i for c in prep.children if c.dep_ == "pobj"), -1) < b.end):
        return None
    name = doc[a.start : a.end].text
    sector = a.title_sector or b.actor.sector
    actor = Actor(id=f"person:{slug(name)}", name=name, code=b.actor.code, sector=sector, kind="person")
    return replace(a, end=b.end, actor=actor, reason="member", title_sector=None, end_char=None)


def _parenthesized(doc: Doc, a: _Found, b: _Found) -> _Found | None:
    """A name and its short form in brackets are one mention ("peacekeeping force in Lebanon
    (UNIFIL)", "European Court of Justice (ECJ)"): whichever of the two resolves names the
    actor (the long form when both do)."""
    if a.label == "GPE" or b.label == "GPE":
        return None
    if b.start < 1 or doc[b.start - 1].text != "(" or b.end >= len(doc) or doc[b.end].text != ")":
        return None
    # Only "(" between them, or a post-modifier of the name before it ("peacekeeping force
    # in Lebanon (UNIFIL)").
    head = doc[a.start : a.end].root
    if not all(t.i == b.start - 1 or head.is_ancestor(t) for t in doc[a.end : b.start]):
        return None
    if b.end - b.start > 2 or not all(t.is_upper or t.text in (".", "-") for t in doc[b.start : b.end]):
        return None  # the bracket holds an acronym
    keep = a if a.actor is not None and a.actor.code else b
    if keep.actor is None:
        return None
    return replace(keep, start=a.start, end=b.end + 1)


def _hyphen_extended(span: Span) -> Span:
    """A name the tagger cut at a hyphen ("Prayut Chan" of "Prayut Chan-o-cha") with the
    rest of the hyphenated word put back."""
    doc, end = span.doc, span.end
    while (end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_
           and not doc[end].whitespace_ and doc[end + 1].is_alpha):
        end += 2
    return span if end == span.end else Span(doc, span.start, end, label=span.label_)


def _in_apposition(doc: Doc, root: Token, other: _Found, own: range = range(0)) -> bool:
    """True when ``other`` lies in an apposition of ``root`` with nothing but punctuation and
    determiners between them: "Nancy Pelosi, the Speaker of the House" (the House is inside
    the apposition of Pelosi), "the Foreign Minister of Cyprus, Nikos Christodoulides"."""
    for child in root.children:
        if child.dep_ != "appos":
            continue
        sub = {t.i for t in child.subtree}
        if not all(i in sub for i in range(other.start, other.end)):
            continue
        lo, hi = (root.i + 1, child.left_edge.i) if child.i > root.i else (child.right_edge.i + 1, root.i)
        between = [t for t in doc[lo:hi] if not (other.start <= t.i < other.end) and t.i not in own]
        if all(t.is_punct or t.pos_ == "DET" or t.i in sub or t.head.i == root.i and t.dep_ in ("compound", "flat") for t in between):
            return True
    return False


#: Dependencies through which a clause takes the subject of the clause above it ("promised to
#: send", "began deploying", "announced ..., deploying", "is ready to contribute").
_SUBJECT_CLIMB = frozenset({"xcomp", "advcl", "conj", "acomp", "pcomp", "prep", "dobj", "pobj", "attr"})


def _clause_subject(token: Token, *, exclude: range, steps: int = 6) -> Token | None:
    """The subject of the clause ``token`` belongs to, climbing through open clauses
    (``_SUBJECT_CLIMB``) and, past a pronoun subject, through the clause that reports it
    ("Syria says it is willing ..."). Tokens in ``exclude`` (the mention itself) are not a
    subject. None when the climb ends without a noun subject."""
    current = token
    pronoun_seen = False
    for _ in range(steps):
        subject = next((c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.pos_ != "PRON" and subject.i not in exclude:
            return subject
        if subject is not None:
            pronoun_seen = True  # a pronoun, or the mention itself: the owner is further up
        dep = current.dep_
        if current.head is current:
            return None
        # "since June, when their government proposed": a time clause hangs on its date.
        when = dep == "relcl" and any(c.lower_ in ("when", "while", "as") for c in current.children)
        if dep in _SUBJECT_CLIMB or (pronoun_seen and dep == "ccomp") or when or current.i in exclude:
            current = current.head
            continue
        return None
    return None


#: Prepositions whose object, attached to a role noun, says whose it is ("the president of
#: Ghana", "officials from Iran", "a judge in Texas").
_LINK_PREPS = frozenset({"of", "from", "for"}) | _IN_PREPS
#: Prepositions whose object is a goal, target, counterpart or passive agent ("to Kiev",
#: "against Ukraine", "talks with Iran", "by Russia"): no evidence of a role noun's country.
_TARGET_PREPS = frozenset({"to", "into", "toward", "towards", "against", "at", "on", "onto", "upon", "over", "with",
                           "between", "by", "from", "for", "about", "on behalf of"})
#: Sectors of specific institutions: a bare one ("the military", "the police") is the one of
#: that kind the sentence names with its country ("a U.S. soldier").
_BRIDGING_SECTORS = frozenset({"MIL", "COP", "SPY", "JUD", "LEG"})
#: Prepositions of a place where a thing happens (not a goal: "to", "into", "against").
_STATIC_PREPS = frozenset({"in", "inside", "within", "throughout", "across", "through", "around", "near", "outside"})


def _argument_of(noun: Token, verb: Token) -> bool:
    """True when ``noun`` is an object of ``verb`` (directly, or through one preposition):
    the other party of the verb's subject ("Russia shelled the army", "wrote to the
    minister")."""
    t = noun
    while t.dep_ in ("conj", "appos", "compound") and t.head.i != t.i:
        t = t.head
    if t.dep_ in ("dobj", "dative", "attr", "oprd") and t.head.i == verb.i:
        return True
    return t.dep_ == "pobj" and t.head.head.i == verb.i


#: Determiners that make a role noun generic ("any leader", "no government").
_QUANTIFIERS = frozenset({"any", "every", "each", "no", "either", "neither"})
#: Modifiers saying a group is not the sentence's country's ("foreign forces", "other
#: intelligence agencies", "international observers").
_FOREIGN_WORDS = frozenset({"foreign", "international", "overseas", "other", "outside", "multinational", "western", "unidentified", "unknown", "unspecified"})


def _foreign(head: Token) -> bool:
    """True when a group noun is marked as someone else's or nobody's in particular."""
    return any(c.dep_ == "amod" and c.lower_ in _FOREIGN_WORDS for c in head.children)


def _stance_prefixed(doc: Doc, start: int) -> bool:
    """True for "pro-Kremlin", "anti-American": a stance, not an affiliation."""
    return start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("pro", "anti")


def _igo_code(actor: Actor) -> Actor:
    """The code sitrep emits: a former state's successor and the UN for UN bodies
    (``emitted_codes.tsv``); no code for an IGO outside :data:`IGO_CODES` (see there)."""
    from sitrep.analyze.dictionary import emitted_codes

    code = actor.code
    table = emitted_codes()
    if code in table:
        code = table[code]
    elif code and (actor.kind == "igo" or actor.sector == "IGO") and code not in IGO_CODES and not _is_state_code(code):
        code = None
    if code != actor.code:
        return Actor(id=actor.id, name=actor.name, code=code, sector=actor.sector, kind=actor.kind,
                     aliases=actor.aliases, roles=actor.roles)
    return actor


def _is_state_code(code: str) -> bool:
    return default_dictionary().state(code) is not None


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
    if not surname:
        # Nobody of that name in office: the one hand-written (2019-2026) person with the
        # surname is the figure the news means ("Biden" the candidate, "Bolton" after his
        # dismissal); petrarch2's namesakes are too many to choose from.
        curated = [c for c in candidates if c.match == "surname" and c.kind == "person" and getattr(c, "curated", False)]
        if len(curated) == 1:
            return curated[0]
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
