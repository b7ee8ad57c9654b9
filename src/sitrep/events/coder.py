"""The event coder: PLOVER events, with evidence, from an analysed document.

``code_events(analysis)`` reads the spaCy parse and the analysis records (actor mentions,
time expressions, places, quantities) and returns :class:`sitrep.records.Event` records.

How a sentence is coded:

1. **Triggers.** Verbs whose lemma has patterns and nouns that name events are found by their
   lemma or form in one pass over the parse's token attributes. Verb patterns come from petrarch2's CAMEO verb dictionary, converted by
   ``scripts/build_event_patterns.py`` (``data/events/verb_patterns.yaml``), and from the
   hand-written ``data/events/patterns.yaml``; each constrains the dependency parse around the
   verb (the head of its subject or object, a particle, a preposition and its object). The most
   specific pattern that holds gives the type, mode and context; a pattern can also say that a
   reading is *not* an event (CAMEO 01 statements), which blocks the verb's vaguer readings.
2. **Frames.** A predicate embedded in another ("threatened to impose sanctions", "denied
   sending", "urged X to withdraw", "promised to send") is combined with it as the frame tables
   of ``patterns.yaml`` say: THREATEN, AGREE, REQUEST or REJECT for the whole, or a factuality
   (negated, future, reported, hypothetical) for the embedded event.
3. **Participants.** The actor is the subject (the by-agent in the passive, also one the parser
   hung on the clause above); the recipient the indirect or direct object, or a phrase with
   against/on/with/to/… (not "on the border": a place); for event nouns, the subject of the verb
   they are the object of, a possessor, "between X and Y". A participant is the actor mention
   (``Analysis.mentions``) inside that phrase; a named entity with no mention still counts as
   named. A person named with another country or organization than the resolver gave him ("King
   Hassan of Morocco", "Kenzo Oshima, the United Nations relief coordinator") is coded by the
   text. Coordinated participants ("Latvia and Romania") give one event each; the second of
   coordinated subjects of a meeting or joint act is the first's partner. Participants named
   only by a role ("demonstrators", "activists", "ethnic Albanians") take the country of the place
   the event happens in, else, for mostly internal event types (repression, protest), the other
   side's; a protest with no named target is against the protesters' own government; "was
   arrested in Lebanon" is by that country (``domestic`` in ``patterns.yaml``). **An event needs
   at least one resolved or named participant.**
4. **Attributes.** Date from a time expression of the event's own clause or of a clause that
   embeds it (a time in another clause dates something else), else the publication date
   (``date_precision="publication"``); location from a place in the same clause; mode, when the
   pattern gives none, from the forces' sector or, for meetings, from who takes part and where
   (``multilateral``, ``visit``, ``third-party``); quantity from a count on the event's object
   ("100,000 troops"); evidence offsets; confidence.
5. **Factuality**, most to least doubtful: ``negated`` (not, never, no, denied, failed to),
   ``hypothetical`` (could, might, would outside reported speech, must, should, an if/unless
   clause), ``future`` (will, plans to, is expected to, "promised to send troops"), ``reported`` (in what a
   speech verb reports, at any depth), else ``asserted``. A threat, request, refusal or promise
   is as factual as its own verb: "X promised to send aid" is an asserted AGREE (the promise
   happened), "X said Y must withdraw" an asserted REQUEST, "X said it
   would not meet the demands" an asserted REJECT; the modality of what is threatened or asked
   belongs to the content. Negated and hypothetical events are emitted with that factuality and
   never as happened.

Precision comes first: a verb alone codes only where its pattern says so, a sentence with no
trigger or no participant yields nothing, an event noun in a topic phrase ("regarding the
deployment") is a reference, not a new event, and duplicates within a sentence are merged (a
telling without a recipient into one with it).

Records: ``id`` is the sha256 (24 hex digits) of the document id, the sentence's offsets, the
trigger's offsets and the type, so it is stable across runs and two events of one type in one
sentence stay apart; an event split off for a coordinated participant hashes that id with the
participant. ``evidence`` holds the sentence (``start``, ``end``, ``sentence``) and,
for explanation, the ``trigger`` span, any ``frames`` spans ("threatened" in "threatened to
impose"), the ``pattern`` id and, for a converted pattern used as is, its ``cameo`` code.
"""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import yaml

from sitrep.analyze.nlp import doc_text, ent_at
from sitrep.errors import SitrepError
from sitrep.events.ontology import is_context, is_cooperation, is_mode, normalize_context, normalize_type
from sitrep.records import Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from sitrep.analyze import Analysis


class InvalidPattern(SitrepError):
    """An event pattern file is malformed (unknown type, mode or key)."""

    code = "E413"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The order in which a recipient list from a word list is tried (sets have none).
_RECIPIENT_ORDER = {"prep:to": 0, "prep:into": 1, "prep:toward": 2, "prep:towards": 3, "prep:against": 4,
                    "prep:near": 5, "prep:along": 6, "prep:in": 7}

#: Material (non-verbal) types: a speech verb never does these itself.
_MATERIAL = frozenset({"COOPERATE", "AID", "RETREAT", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})

#: Types whose pattern object is what is moved or given ("deployed troops", "sent aid"), never
#: the recipient; for the others ("arrested protesters") the object is acted upon.
_THEME_OBJECT = frozenset({"MOBILIZE", "AID", "COOPERATE"})

#: Entity labels that make an unresolved phrase a *named* participant.
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})

# Dependency labels that stay inside a participant's noun phrase (conjuncts, clauses and most
# prepositional phrases are left out: "the army of Iraq" keeps "of Iraq", "troops in Iraq" not).
_NP_DEPS = frozenset({"compound", "amod", "poss", "nmod", "nummod", "quantmod", "det", "case", "appos",
                      "flat", "npadvmod", "predet", "prep", "pobj"})
_SUBJECT_DEPS = ("nsubj", "csubj")
_RELATIVE = frozenset({"which", "that", "who", "whom", "whose"})
_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "his", "her", "our", "them", "him"})
_LIGHT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd"})
_NAME_ENTS = frozenset({"ORG", "PERSON", "GPE", "LOC", "FAC", "DATE", "TIME", "WORK_OF_ART", "LAW", "PRODUCT", "NORP"})
# Prepositions that place a group in a country ("rebels in the Ivory Coast", "students
# throughout Indonesia", "a missionary from Calgary").
_PLACING = ("in", "from", "of", "inside", "across", "throughout")


# --------------------------------------------------------------------------------------------
# Patterns

@dataclass(frozen=True, slots=True)
class Pattern:
    """One reading of a trigger word under constraints on the parse around it.

    ``type`` None means "not an event" (it still wins over vaguer readings). ``specificity``
    grows with each constraint; hand-written patterns win ties over converted ones.
    """

    id: str
    source: str
    type: str | None
    mode: str | None = None
    context: tuple[str, ...] = ()
    cameo: str | None = None
    subject: frozenset[str] | None = None
    object: frozenset[str] | None = None
    modifiers: frozenset[str] | None = None
    particle: str | None = None
    preps: tuple[tuple[str, frozenset[str] | None], ...] = ()
    words: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    reverse: bool = False
    quantity: str | None = None
    clause: bool | str = False
    not_after: tuple[str, ...] = ()
    no_object: bool = False
    unless_preps: tuple[str, ...] = ()
    specificity: float = 1.0


_VOWELS = "aeiou"


def verb_forms(lemma: str) -> set[str]:
    """Regular English inflections of a verb lemma ("stage" → staged, stages, staging), so a
    trigger is found even where the lemmatizer errs ("staged" → "stag")."""
    w = lemma.lower()
    forms = {w}
    if w.endswith("e") and not w.endswith("ee"):
        forms |= {w + "s", w + "d", w[:-1] + "ing"}
    elif w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
        forms |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif w.endswith(("s", "x", "z", "ch", "sh")):
        forms |= {w + "es", w + "ed", w + "ing"}
    else:
        forms |= {w + "s", w + "ed", w + "ing"}
        if (len(w) >= 3 and w[-1] not in _VOWELS + "wxy" and w[-2] in _VOWELS and w[-3] not in _VOWELS
                and len(w) <= 5):
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # "ship" → shipped, "ban" → banned
    return forms


@dataclass(frozen=True)
class Rules:
    """Everything the coder reads from the pattern files, in lookup-ready form."""

    verbs: Mapping[str, tuple[Pattern, ...]]
    verb_forms: Mapping[str, str]
    nouns: Mapping[str, tuple[Pattern, ...]]
    frames: Mapping[str, str]
    object_control: frozenset[str]
    future_modals: frozenset[str]
    hypothetical_modals: frozenset[str]
    deontic: frozenset[str]
    conditional: frozenset[str]
    threat_modes: tuple[tuple[str, str | None, str | None], ...]
    request_modes: tuple[tuple[str, str | None, str | None], ...]
    recipient_preps: tuple[str, ...]
    non_actor_heads: frozenset[str]
    measure_nouns: frozenset[str]
    group_nouns: frozenset[str]
    light_verbs: frozenset[str]
    announce_verbs: frozenset[str]
    participation_verbs: frozenset[str]
    natural_causes: frozenset[str]
    unidentified_attackers: frozenset[str]
    domestic_types: frozenset[str]
    domestic_actor_types: frozenset[str]
    domestic_default: frozenset[str]
    minority_words: frozenset[str]
    implicit_actor_types: frozenset[str]
    domestic_sectors: frozenset[str]
    joint_types: frozenset[str]
    permit_verbs: frozenset[str]
    hostile_purposes: frozenset[str]
    location_heads: frozenset[str]
    topic_words: frozenset[str]
    discussed_objects: frozenset[str]
    do_so_words: frozenset[str]
    publish_verbs: frozenset[str]
    channel_nouns: frozenset[str]
    government_words: frozenset[str]
    helping_verbs: frozenset[str]
    helping_types: frozenset[str]
    own_country_acts: frozenset[str]
    accomplished_purpose: frozenset[str]
    state_sectors: frozenset[str]
    protest_heads: frozenset[str]
    protest_preps: frozenset[str]
    sector_modes: Mapping[str, Mapping[str, str]]
    assault_instruments: tuple[tuple[str, frozenset[str]], ...]


def _specificity(p: dict[str, Any], hand: bool) -> float:
    score = 1.0
    if p.get("object"):
        score += 2.0
    if p.get("modifiers"):
        score += 1.0
    if p.get("subject"):
        score += 1.0
    if p.get("particle"):
        score += 1.0
    score += len(p.get("words") or ())
    if p.get("clause"):
        score += 1.0
    for prep in p.get("preps") or ():
        score += 1.5 if len(prep) > 1 and prep[1] else 0.75
    # A hand-written pattern outranks a converted one with one constraint more: it was written
    # for current news, the converted ones for the dictionary's 1990s wire stories.
    return score + (1.25 if hand else 0.0)


def _word(value: Any, where: str) -> str:
    """A word from a pattern file, lower-cased; a YAML boolean (an unquoted ``on``, ``no``,
    ``yes``, ``off`` reads as one) is an error, not a silently lost word."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InvalidPattern(f"{where}: {value!r} is not a word (quote on, off, yes and no in YAML)", input=where)
    return str(value).lower()


class _Lists:
    def __init__(self, *tables: Mapping[str, Sequence[str]]) -> None:
        self.tables = tables

    def expand(self, items: Iterable[str] | None) -> frozenset[str] | None:
        if not items:
            return None
        out: set[str] = set()
        for item in items:
            item = _word(item, "a word list")
            if item.startswith("@"):
                for table in self.tables:
                    if item[1:] in table:
                        out.update(str(w).lower() for w in table[item[1:]])
                        break
                else:
                    raise InvalidPattern(f"unknown word list {item!r} in an event pattern", input=item)
            else:
                out.add(item)
        return frozenset(out)


def _reading(spec: Mapping[str, Any], where: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    event_type = spec.get("type")
    if event_type is None:
        return None, None, ()
    try:
        event_type, implied = normalize_type(event_type)
    except SitrepError as exc:
        raise InvalidPattern(f"{where}: {exc.message}", input=where) from exc
    mode = spec.get("mode") or implied
    if mode is not None and not is_mode(event_type, mode):
        raise InvalidPattern(f"{where}: {mode!r} is not a mode of {event_type}", input=where)
    contexts = []
    for name in spec.get("context") or ():
        ctx = name if is_context(name) else normalize_context(name)
        if ctx is None:
            raise InvalidPattern(f"{where}: {name!r} is not a PLOVER context", input=where)
        if ctx not in contexts:
            contexts.append(ctx)
    return event_type, mode, tuple(contexts)


def _pattern(spec: Mapping[str, Any], lists: _Lists, *, pid: str, source: str, extra_words: Sequence[str] = (),
             verb_reading: Mapping[str, Any] | None = None) -> Pattern:
    reading = verb_reading if verb_reading is not None else spec
    event_type, mode, contexts = _reading(reading, pid)
    preps = []
    for prep in spec.get("preps") or ():
        prep = list(prep)
        preps.append((_word(prep[0], pid), lists.expand(prep[1]) if len(prep) > 1 else None))
    recipient = spec.get("recipient") or ()
    if isinstance(recipient, str):
        recipient = tuple(lists.expand([recipient]) or ()) if recipient.startswith("@") else (recipient,)
        recipient = tuple(sorted(recipient, key=lambda r: _RECIPIENT_ORDER.get(r, 99)))
    target = spec.get("target")
    if target and not recipient:
        recipient = (f"prep:{target}",)
    words = tuple(str(w).lower() for w in (*(spec.get("words") or ()), *extra_words))
    hand = source == "hand"
    counted = dict(spec)
    counted["words"] = words
    return Pattern(
        id=pid,
        source=source,
        type=event_type,
        mode=mode,
        context=contexts,
        cameo=reading.get("cameo"),
        subject=lists.expand(spec.get("subject")),
        object=lists.expand(spec.get("object")),
        modifiers=lists.expand(spec.get("modifiers")),
        particle=(str(spec["particle"]).lower() if spec.get("particle") else None),
        preps=tuple(preps),
        words=words,
        recipient=tuple(str(r) for r in recipient),
        reverse=bool(spec.get("reverse") or reading.get("reverse")),
        quantity=spec.get("quantity"),
        clause=("to" if spec.get("clause") == "to" else bool(spec.get("clause"))),
        not_after=tuple(str(w).lower() for w in spec.get("not_after") or ()),
        no_object=bool(spec.get("no_object")),
        unless_preps=tuple(_word(w, pid) for w in spec.get("unless_preps") or ()),
        specificity=_specificity(counted, hand),
    )


def _constraint_key(p: Pattern) -> tuple:
    return (p.subject, p.object, p.modifiers, p.particle, p.preps, p.words, p.reverse)


def _dedupe(patterns: list[Pattern]) -> tuple[Pattern, ...]:
    """Converted patterns with identical constraints but different codes (the dictionary has
    some): keep the reading most of them give, the first on a tie. Most specific first."""
    groups: dict[tuple, list[Pattern]] = {}
    order: list[tuple] = []
    for p in patterns:
        key = (p.source, _constraint_key(p))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(p)
    kept = []
    for key in order:
        group = groups[key]
        if len(group) == 1:
            kept.append(group[0])
            continue
        counts: dict[tuple, int] = {}
        for p in group:
            counts[(p.type, p.mode)] = counts.get((p.type, p.mode), 0) + 1
        best = max(counts.values())
        kept.append(next(p for p in group if counts[(p.type, p.mode)] == best))
    kept.sort(key=lambda p: -p.specificity)
    return tuple(kept)


def load_rules(converted_text: str | None = None, hand_text: str | None = None) -> Rules:
    """Build the coder's rules from the two pattern files (defaults: the packaged ones)."""
    folder = resources.files("sitrep.data").joinpath("events")
    if converted_text is None:
        converted_text = folder.joinpath("verb_patterns.yaml").read_text("utf-8")
    if hand_text is None:
        hand_text = folder.joinpath("patterns.yaml").read_text("utf-8")
    converted = yaml.load(converted_text, Loader=_LOADER) or {}
    hand = yaml.load(hand_text, Loader=_LOADER) or {}
    lists = _Lists(hand.get("lists") or {}, converted.get("synsets") or {})
    standalone = frozenset(str(w).lower() for w in hand.get("standalone") or ())
    announce = frozenset(str(w).lower() for w in hand.get("announce_verbs") or ())

    frames: dict[str, str] = {}
    for kind, words in (hand.get("frames") or {}).items():
        for w in words or ():
            frames.setdefault(str(w).lower(), str(kind))

    verbs: dict[str, list[Pattern]] = {}
    for i, spec in enumerate(hand.get("verbs") or ()):
        for lemma in spec.get("lemmas") or ():
            verbs.setdefault(str(lemma).lower(), []).append(_pattern(spec, lists, pid=f"hand:verb:{i}", source="hand"))
    for block in converted.get("blocks") or ():
        name = block.get("name", "?")
        default = block.get("default") or {"type": None}
        for k, verb in enumerate(block.get("verbs") or ()):
            lemma = str(verb["lemma"]).lower()
            extra = tuple(verb.get("words") or ())
            own = verb if "type" in verb else default
            if "_".join((lemma, *extra)) in standalone:
                verbs.setdefault(lemma, []).append(
                    _pattern({}, lists, pid=f"cameo:{name}:{k}", source="cameo", extra_words=extra, verb_reading=own))
            key = "_".join((lemma, *extra))
            for j, spec in enumerate(block.get("patterns") or ()):
                note = str(spec.get("note") or "")
                if frames.get(lemma) == "report" and lemma not in announce:
                    # Speech verbs share a block whose patterns were written for one verb:
                    # "expressed support" is SUPPORT, "said ... support" is not; and what is
                    # said is never a material act of the speaker.
                    if (note and not note.startswith(lemma[:4])) or spec.get("type") in _MATERIAL:
                        continue
                if key not in standalone and not (spec.get("object") or spec.get("subject")) and not any(
                        len(p) > 1 and p[1] for p in spec.get("preps") or ()):
                    # A bare preposition ("rush (TO)", "fly (TO)") is too weak a cue for a verb
                    # that is not an event on its own.
                    continue
                verbs.setdefault(lemma, []).append(
                    _pattern(spec, lists, pid=f"cameo:{name}:{k}:{j}", source="cameo", extra_words=extra))
    nouns: dict[str, list[Pattern]] = {}
    for i, spec in enumerate(hand.get("nouns") or ()):
        for lemma in spec.get("lemmas") or ():
            nouns.setdefault(str(lemma).lower(), []).append(_pattern(spec, lists, pid=f"hand:noun:{i}", source="hand"))

    modals = hand.get("modals") or {}

    def table(name: str) -> tuple[tuple[str, str | None, str | None], ...]:
        return tuple((str(r["type"]), r.get("mode"), r.get("to")) for r in hand.get(name) or ())

    def words(*path: str) -> frozenset[str]:
        node: Any = hand
        for key in path:
            node = (node or {}).get(key)
        where = ".".join(path)
        # Type names and sector codes keep their case; words are lower-cased.
        return frozenset(w if str(w).isupper() else _word(w, where) for w in node or ())

    forms: dict[str, str] = {}
    for lemma in verbs:
        for form in verb_forms(lemma):
            forms.setdefault(form, lemma)
    for block in converted.get("blocks") or ():
        for verb in block.get("verbs") or ():
            for form in verb.get("forms") or ():
                forms.setdefault(str(form).lower(), str(verb["lemma"]).lower())
    return Rules(
        verbs={k: _dedupe(v) for k, v in verbs.items()},
        verb_forms=forms,
        nouns={k: _dedupe(v) for k, v in nouns.items()},
        frames=frames,
        object_control=frozenset(hand.get("object_control") or ()),
        future_modals=frozenset(modals.get("future") or ()),
        hypothetical_modals=frozenset(modals.get("hypothetical") or ()),
        deontic=frozenset(hand.get("deontic") or ()),
        conditional=frozenset(hand.get("conditional") or ()),
        threat_modes=table("threat_modes"),
        request_modes=table("request_modes"),
        recipient_preps=tuple(_word(w, "recipient_preps") for w in hand.get("recipient_preps") or ()),
        non_actor_heads=frozenset(hand.get("non_actor_heads") or ()),
        measure_nouns=frozenset(hand.get("measure_nouns") or ()),
        group_nouns=lists.expand(["@people", "@group_nouns"]) or frozenset(),
        light_verbs=frozenset(hand.get("light_verbs") or ()),
        announce_verbs=frozenset(hand.get("announce_verbs") or ()),
        participation_verbs=frozenset(hand.get("participation_verbs") or ()),
        natural_causes=frozenset(hand.get("natural_causes") or ()),
        unidentified_attackers=frozenset(hand.get("unidentified_attackers") or ()),
        domestic_types=words("domestic", "recipient"),
        domestic_actor_types=words("domestic", "actor"),
        domestic_default=words("domestic", "default_recipient"),
        domestic_sectors=words("domestic", "sectors"),
        state_sectors=words("domestic", "state_sectors"),
        implicit_actor_types=words("domestic", "implicit_actor"),
        minority_words=words("domestic", "minority_words"),
        sector_modes={str(t): {str(k): str(v) for k, v in (modes or {}).items()}
                      for t, modes in (hand.get("sector_modes") or {}).items()},
        topic_words=words("topic_words"),
        discussed_objects=words("discussed_objects"),
        do_so_words=words("do_so_words"),
        publish_verbs=words("publication_channel", "verbs"),
        channel_nouns=words("publication_channel", "channels"),
        government_words=words("publication_channel", "government_words"),
        helping_verbs=words("helping", "verbs"),
        helping_types=words("helping", "types"),
        accomplished_purpose=words("purpose", "accomplished"),
        own_country_acts=frozenset(str(w) for w in (hand.get("domestic") or {}).get("own_country") or ()),
        location_heads=words("location_heads"),
        hostile_purposes=words("hostile_purposes"),
        permit_verbs=words("permit_verbs"),
        joint_types=words("joint_types"),
        protest_heads=words("protest_target", "heads"),
        protest_preps=words("protest_target", "preps"),
        assault_instruments=tuple((str(mode), frozenset(str(w).lower() for w in words))
                                  for mode, words in (hand.get("assault_instruments") or {}).items()),
    )


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The packaged rules, built once per process."""
    return load_rules()


# --------------------------------------------------------------------------------------------
# Parse helpers

def _forms(tok: Token) -> tuple[str, str]:
    return tok.lower_, tok.lemma_.lower()


#: A token's word, lemma, hyphenated compounds, entity type and NORP flag (see _word_forms).
_Forms = tuple[str, str, tuple[str, ...], str, bool]


def _word_forms(tok: Token) -> _Forms:
    """What :func:`_in` reads of a token: its word, its lemma, the hyphenated words it ends
    ("cease-fire"), its entity type, and whether it names or is modified by a people (NORP)."""
    lower, lemma = tok.lower_, tok.lemma_.lower()
    joined: tuple[str, ...] = ()
    if tok.i >= 2 and tok.doc[tok.i - 1].text == "-":
        prev = tok.doc[tok.i - 2].lower_
        joined = (f"{prev}-{lower}", f"{prev}-{lemma}")
    ent = tok.ent_type_
    norp = ent == "NORP" or any(c.ent_type_ == "NORP" for c in tok.children if c.dep_ in ("amod", "compound"))
    return lower, lemma, joined, ent, norp


def _in_forms(forms: _Forms, words: frozenset[str]) -> bool:
    """:func:`_in` on a token's :func:`_word_forms`."""
    lower, lemma, joined, ent, norp = forms
    if lower in words or lemma in words:
        return True
    if joined and (joined[0] in words or joined[1] in words):
        return True
    if "=person" in words and ent == "PERSON":
        return True
    return "=actor" in words and norp


def _in(tok: Token, words: frozenset[str]) -> bool:
    if tok.lower_ in words or tok.lemma_.lower() in words:
        return True
    if tok.i >= 2 and tok.doc[tok.i - 1].text == "-":
        # "follow-up", "cease-fire": the tokenizer splits the word; its last part heads it.
        joined = f"{tok.doc[tok.i - 2].lower_}-{tok.lower_}"
        if joined in words or f"{tok.doc[tok.i - 2].lower_}-{tok.lemma_.lower()}" in words:
            return True
    # "=person" in a word list matches a person's name ("released Prime Minister Chaudhry");
    # "=actor" a phrase naming a country's people ("released 100 Indian fishermen").
    if "=person" in words and tok.ent_type_ == "PERSON":
        return True
    return "=actor" in words and (tok.ent_type_ == "NORP" or any(
        c.ent_type_ == "NORP" for c in tok.children if c.dep_ in ("amod", "compound")))


def _with_conjuncts(tok: Token) -> list[Token]:
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(_with_conjuncts(c))
    return out


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _child(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _pobj(prep: Token) -> Token | None:
    for c in prep.children:
        if c.dep_ in ("pobj", "pcomp"):
            return c
    return None


@dataclass
class _Args:
    """The parse around a verb trigger: effective subject, objects, prepositions…"""

    subject: Token | None
    objects: list[Token]
    passive: bool
    agent: Token | None
    preps: list[tuple[str, Token | None, Token]]
    particles: set[str]
    dative: Token | None
    words: set[str]
    clause_subjects: list[Token] = field(default_factory=list)
    has_clause: bool = False
    has_infinitive: bool = False
    relative_object: bool = False  # the object is the noun a relative clause describes
    #: :func:`_word_forms` of the tokens around the verb, by token index, read once: every
    #: pattern of the verb tests them against its word lists.
    forms: dict[int, _Forms] = field(default_factory=dict, init=False, repr=False, compare=False)

    def has(self, tok: Token, words: frozenset[str]) -> bool:
        """``_in(tok, words)`` for a token around the verb."""
        forms = self.forms.get(tok.i)
        if forms is None:
            forms = self.forms[tok.i] = _word_forms(tok)
        return _in_forms(forms, words)


# --------------------------------------------------------------------------------------------
# Coder

@dataclass
class _Match:
    """A trigger with its best reading, before frames and participants are settled."""

    token: Token
    pattern: Pattern
    noun: bool
    args: _Args | None = None
    type: str | None = None
    mode: str | None = None
    context: tuple[str, ...] = ()
    anchor: Token | None = None
    actor_tok: Token | None = None
    recipient_tok: Token | None = None
    recipient_part: dict[str, Any] | None = None
    actor_part: dict[str, Any] | None = None
    factuality: set[str] = field(default_factory=set)
    consumed: bool = False
    committed: bool = False
    frames: list[str] = field(default_factory=list)
    inner_type: str | None = None
    modal: set[str] = field(default_factory=set)
    final_actor_tok: Token | None = None
    final_recipient_tok: Token | None = None
    span_tokens: list[Token] = field(default_factory=list)


class EventCoder:
    """Codes events in analysed documents (any spaCy pipeline's parse); build once and reuse."""

    def __init__(self, rules_: Rules | None = None) -> None:
        from spacy.strings import get_string_id

        self.rules = rules_ or rules()
        # Trigger words: event verbs by lemma or form, event nouns by lemma or form, speech verbs
        # by lemma. They are looked up as string IDs in one attribute array per parse (see
        # _triggers), not through a spaCy Matcher, whose Python predicate per token and pattern
        # cost more than the coding itself.
        self._verb_id, self._noun_id, self._speech_id = (get_string_id(k) for k in ("VERB", "NOUN", "SPEECH"))

        def ids(words: Iterable[str]) -> frozenset[int]:
            return frozenset(get_string_id(w) for w in words)

        speech = (w for w, kind in self.rules.frames.items() if kind == "report")
        self._ids = (ids(self.rules.verbs), ids(self.rules.verb_forms), ids(self.rules.nouns), ids(speech))

    # -- public --------------------------------------------------------------------------
    def code(self, analysis: Analysis) -> list[Event]:
        """The events of one analysed document, in text order."""
        doc = analysis.doc
        ctx = _DocContext(analysis, self.rules)
        triggers: dict[int, tuple[Token, bool]] = {}
        speech: dict[int, list[Token]] = {}
        sents = list(doc.sents)
        starts = [sent.start for sent in sents]  # a token's sentence, without Token.sent's walk

        def sent_start(i: int) -> int:
            return starts[bisect_right(starts, i) - 1]

        for match_id, start in self._triggers(doc):
            tok = doc[start]
            if match_id == self._speech_id:
                speech.setdefault(sent_start(start), []).append(tok)
                continue
            triggers.setdefault(tok.i, (tok, match_id != self._verb_id))
        by_sent: dict[int, list[tuple[Token, bool]]] = {}
        for i in sorted(triggers):
            tok, is_noun = triggers[i]
            by_sent.setdefault(sent_start(i), []).append((tok, is_noun))
        events: list[Event] = []
        for sent in sents:
            found = by_sent.get(sent.start)
            speakers = speech.get(sent.start)
            if found or speakers:
                events.extend(self._code_sentence(sent, found or [], ctx, speakers or []))
        return events

    def _triggers(self, doc: Doc) -> list[tuple[int, int]]:
        """``(match_id, token index)`` of every trigger word, in text order (``match_id`` the
        string ID of ``VERB``, ``NOUN`` or ``SPEECH``): an event verb (POS VERB) or noun (NOUN,
        PROPN) by lemma or lower-case form, a speech verb by lemma, read from one attribute
        array. A parse without tags has no verbs or nouns, and no triggers."""
        from spacy.attrs import LEMMA, LOWER, POS
        from spacy.parts_of_speech import NOUN, PROPN, VERB

        verb_lemmas, verb_forms, nouns, speech = self._ids
        verb_id, noun_id, speech_id = self._verb_id, self._noun_id, self._speech_id
        out: list[tuple[int, int]] = []
        attrs = doc.to_array([POS, LEMMA, LOWER])
        # Only verbs and nouns can trigger: the other rows are dropped before Python sees them.
        rows = ((attrs[:, 0] == VERB) | (attrs[:, 0] == NOUN) | (attrs[:, 0] == PROPN)).nonzero()[0]
        for i, pos, lemma, lower in zip(rows.tolist(), *attrs[rows].T.tolist()):
            if pos == VERB:
                if lemma in verb_lemmas or lower in verb_forms:
                    out.append((verb_id, i))
                if lemma in speech:
                    out.append((speech_id, i))
            elif (pos == NOUN or pos == PROPN) and (lemma in nouns or lower in nouns):
                out.append((noun_id, i))
        return out

    # -- one sentence ----------------------------------------------------------------------
    def _code_sentence(self, sent: Span, found: list[tuple[Token, bool]], ctx: _DocContext,
                       speakers: Sequence[Token] = ()) -> list[Event]:
        matches: dict[int, _Match] = {}
        for tok, is_noun in found:
            m = self._match(tok, is_noun, ctx)
            if m is not None:
                matches[tok.i] = m
        self._absorb(matches)
        for m in list(matches.values()):
            if not m.consumed:
                if not m.noun and self._purpose(m.token):
                    m.factuality.add("future")  # "sent troops to attack Ukraine": intended, not done
                self._frames(m, matches, ctx)
        for verb in speakers:
            demand = self._deontic_demand(verb, matches, ctx)
            if demand is not None:
                matches[demand.token.i] = demand
        if not matches:
            return []
        out: list[Event] = []
        seen: dict[tuple, int] = {}
        for m in sorted(matches.values(), key=lambda x: x.token.i):
            if m.consumed or m.type is None or "drop" in m.factuality:
                continue
            event = self._event(m, sent, ctx)
            if event is None:
                continue
            for told in (event, *self._conjunct_events(event, m, ctx)):
                key = (told.type, told.mode, _pkey(told.actor), _pkey(told.recipient), told.factuality)
                if key in seen:
                    k = seen[key]
                    if told.confidence > out[k].confidence:
                        out[k] = told
                    continue
                seen[key] = len(out)
                out.append(told)
        return _merge_tellings(out)

    def _conjunct_events(self, event: Event, m: _Match, ctx: _DocContext) -> list[Event]:
        """One event per coordinated actor or recipient ("Jordan and Britain agreed", "troops to
        Latvia and Romania"): event data are dyadic. Only conjuncts that resolve to another
        country or organization count."""
        out: list[Event] = []
        for role, tok in (("actor", m.final_actor_tok), ("recipient", m.final_recipient_tok)):
            base = getattr(event, role)
            if tok is None or not base or not base.get("code"):
                continue
            for conj in tok.conjuncts:
                part = ctx.participant(conj, recipient=role == "recipient")
                if part is None or not part.get("code") or part.get("code") == base.get("code"):
                    continue
                other = event.recipient if role == "actor" else event.actor
                if other and other.get("code") == part.get("code"):
                    continue
                digest = hashlib.sha256(f"{event.id}|{role}|{part.get('code')}|{conj.i}".encode("utf-8")).hexdigest()[:24]
                changes: dict[str, Any] = {role: _public(part)}
                if role == "recipient" and event.location and event.location.get("text") == base.get("text"):
                    # "troops to Latvia and Romania": each event is where its recipient is.
                    changes["location"] = ctx.location_at(conj)
                out.append(dataclasses.replace(event, id=digest, **changes))
        return out

    # -- triggers and patterns --------------------------------------------------------------
    def _match(self, tok: Token, is_noun: bool, ctx: _DocContext) -> _Match | None:
        r = self.rules
        if is_noun:
            if tok.ent_type_ in _NAME_ENTS:
                return None  # "the Democratic Rally party", "on March 20", "Popular Mobilization Forces"
            if tok.dep_ in ("compound", "amod") and tok.head.pos_ in ("NOUN", "PROPN"):
                return None  # "riot police", "attack helicopters", "protest movement"
            if tok.dep_ == "pobj" and tok.head.lower_ in r.topic_words:
                return None  # "regarding the deployment of troops": a topic, not a new event
            candidates = r.nouns.get(tok.lemma_.lower()) or r.nouns.get(tok.lower_) or ()
            mods = {w for c in tok.children if c.dep_ in ("amod", "compound", "nmod") for w in _forms(c)}
            # "cyber-attack" splits into cyber / - / attack; the first part is a modifier too.
            if tok.i >= 2 and tok.doc[tok.i - 1].text == "-":
                mods.update(_forms(tok.doc[tok.i - 2]))
            for p in candidates:
                if p.modifiers is not None and not (p.modifiers & mods):
                    continue
                if p.not_after and tok.dep_ == "pobj" and tok.head.lower_ in p.not_after:
                    continue  # "in protest at": a manner, not a protest
                if p.preps and not all(any(c.dep_ == "prep" and c.lower_ == word and (
                        nouns is None or any(_in(t, nouns) for t in (_pobj(c),) if t is not None) or any(
                            _in(x, nouns) for t in (_pobj(c),) if t is not None for x in t.children
                            if x.dep_ in ("amod", "compound"))) for c in tok.children) for word, nouns in p.preps):
                    continue
                return _Match(token=tok, pattern=p, noun=True, type=p.type, mode=p.mode, context=p.context, anchor=tok)
            return None
        if tok.dep_ in ("pobj", "compound", "nsubj", "dobj") and tok.tag_ != "VBG":
            return None  # "a response to the security guarantees document": a noun the tagger took for a verb
        candidates = (r.verbs.get(tok.lemma_.lower()) or r.verbs.get(r.verb_forms.get(tok.lower_, ""))
                      or ())
        if not candidates:
            return None
        args = ctx.args(tok)
        for p in candidates:
            if p.type == "ACCUSE" and p.mode == "investigate" and any(
                    o.lemma_.lower() in r.discussed_objects and not any(c.dep_ == "prep" and c.lower_ == "of" for c in o.children)
                    for o in args.objects):
                continue  # "investigated this issue in an interview": a subject discussed (not "the issue of …")
            if _holds(p, args):
                return _Match(token=tok, pattern=p, noun=False, args=args, type=p.type, mode=p.mode,
                              context=p.context, anchor=tok)
        return None

    def _purpose(self, tok: Token) -> bool:
        """Whether a verb is the purpose of another act, an infinitive that says what the act
        was for: "sent troops to attack Ukraine", "in order to arrest", "used tear gas to
        disperse" (the object-taking verb is no frame of its own)."""
        while tok.dep_ == "conj" and tok.head.i != tok.i:
            tok = tok.head  # "to arrest and detain": the first conjunct's clause
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            return False
        head = tok.head
        lemma = head.lemma_.lower()
        if lemma in self.rules.accomplished_purpose or (lemma == "use" and head.i + 1 < len(head.doc)
                                                        and head.doc[head.i + 1].lower_ == "to"):
            return False  # "met to discuss", "rallied to protest": the act is the gathering's; "used to deliver": habit
        if tok.dep_ == "advcl":
            return True
        if tok.dep_ == "acl" and head.lower_ == "order" and head.head.lower_ == "in":
            return True
        return (tok.dep_ == "xcomp" and head.pos_ == "VERB" and self.rules.frames.get(head.lemma_.lower()) is None
                and any(c.dep_ == "dobj" for c in head.children))

    def _absorb(self, matches: dict[int, _Match]) -> None:
        """Merge readings that describe one happening.

        A verb whose subject is an event noun ("the attack hit websites", "a bombing killed")
        describes that event: the noun's reading stays, with the verb's object as recipient.
        An event noun that is the constrained object of a verb pattern ("held talks", "imposed
        sanctions") is part of that verb's reading.
        """
        for m in matches.values():
            if m.noun or m.args is None:
                continue
            subj = m.args.subject
            if subj is not None and subj.i in matches and matches[subj.i].noun and not m.args.passive:
                noun = matches[subj.i]
                if m.args.objects and noun.recipient_tok is None:
                    noun.recipient_tok = m.args.objects[0]
                noun.span_tokens.append(m.token)
                m.consumed = True
                continue
            if m.pattern.object is not None or m.pattern.preps:
                for obj in m.args.objects:
                    other = matches.get(obj.i)
                    if other is not None and other.noun and m.type is not None:
                        other.consumed = True
                        m.span_tokens.append(obj)
                for word, pobj, _prep in m.args.preps:
                    other = matches.get(pobj.i) if pobj is not None else None
                    if other is not None and other.noun and m.type is not None and any(
                            pw == word and (nouns is None or _in(pobj, nouns)) for pw, nouns in m.pattern.preps):
                        other.consumed = True
                        m.span_tokens.append(pobj)

    # -- frames ----------------------------------------------------------------------------
    def _frames(self, m: _Match, matches: dict[int, _Match], ctx: _DocContext) -> None:
        """Walk up from the trigger through embedding predicates, applying frame rules."""
        r = self.rules
        node = m.token
        for _ in range(6):
            up = _governor(node)
            if up is None:
                break
            gov, how, clause = up
            kind = r.frames.get(gov.lemma_.lower()) or r.frames.get(gov.lower_)
            gov_match = matches.get(gov.i)
            if kind is None and gov_match is not None and gov_match.type is not None and gov_match.pattern.object is None \
                    and how in ("clause", "object"):
                # A governing event verb with its own reading ("condemned the attack"): the
                # embedded event is the object of that event, and stands as reported.
                m.factuality.add("reported")
                break
            if kind is None:
                if how == "object" and gov.lemma_.lower() not in r.light_verbs:
                    break
                # "tighten the blockade", "held talks": the light verb and its event noun are
                # one predicate; keep walking from the verb.
                node = gov
                continue
            if kind == "uncertain":
                m.factuality.add("drop")
                return
            if (gov_match is not None and gov_match.type is not None and gov_match.pattern.object is not None
                    and kind in ("threat", "commit", "vow", "request", "reject")
                    and gov_match.pattern.specificity >= m.pattern.specificity):
                # "ordered the newspaper to suspend publication": the governing verb's own,
                # more specific reading (COERCE/censor) is the event.
                m.consumed = True
                return
            if kind == "prepare" and how == "clause" and gov.pos_ == "VERB":
                m.factuality.add("future")
                if m.type is not None and not is_cooperation(m.type) and m.type in ("ASSAULT", "COERCE"):
                    # "prepared to resume shelling": a show of force.
                    m.type = "MOBILIZE"
                    m.mode = "weapons" if m.mode in ("heavy-weapons", "aerial", "drone", "unconventional") else "troops"
                elif m.type is not None and is_cooperation(m.type):
                    m.type, m.mode = "AGREE", None
                if gov_match is not None:
                    gov_match.consumed = True
                node = gov
                continue
            if kind == "prepare":
                kind = "intent"
            if kind in ("threat", "commit", "vow", "request", "reject"):
                if how == "prep" and kind in ("commit", "vow"):
                    break
                if how == "clause" and kind == "reject" and gov.lemma_.lower() in ("rule",):
                    kind = "reject"
                self._wrap(m, gov, kind, ctx)
                if gov_match is not None:
                    gov_match.consumed = True
                node = gov
                continue
            if kind == "negate":
                if how in ("clause", "object", "prep"):
                    m.factuality.add("negated")
                if gov_match is not None:
                    gov_match.consumed = True
                self._inherit_actor(m, gov, ctx)
                node = gov
                continue
            if kind == "intent":
                m.factuality.add("future")
                if gov_match is not None:
                    gov_match.consumed = True
                self._inherit_actor(m, gov, ctx)
                if _negated(gov):
                    m.factuality.add("negated")
                node = gov
                continue
            if kind in ("report", "accuse"):
                if how == "clause" or (kind == "accuse" and how == "prep"):
                    if kind == "report" and self._deontic(m, clause, gov, ctx):
                        node = gov
                        continue
                    m.factuality.add("reported")
                    if _would(clause):
                        m.factuality.add("future")
                        self._self_commitment(m, clause, gov, ctx)
                    # The speech act is the top: what embeds the speaker's verb (often a
                    # misattached coordination) says nothing about the reported event.
                    break
                elif how == "object":
                    # "announced a reinforcement": the speaker's own act, asserted; "mentioned
                    # the attack" says nothing about who attacked.
                    if gov.lemma_.lower() in self.rules.announce_verbs:
                        self._inherit_actor(m, gov, ctx)
                    break
                node = gov
                continue
            if kind == "modal":
                m.factuality.add("hypothetical")
                self._inherit_actor(m, gov, ctx)
                node = gov
                continue
            if kind == "aspect":
                if gov_match is not None and gov_match.pattern.object is None:
                    gov_match.consumed = True
                if (how == "clause" and gov.lemma_.lower() in r.permit_verbs and not m.frames
                        and m.type is not None and is_cooperation(m.type)):
                    # "Turkey will allow refugees to return": Turkey's act, towards them.
                    self._permit(m, gov, ctx)
                else:
                    self._inherit_actor(m, gov, ctx)
                if _negated(gov):
                    m.factuality.add("negated")
                # "will begin deploying", "could start talks": the frame verb's modality.
                inherited = {f for f in _clause_flags(gov, r, ctx) if f in ("future", "hypothetical")}
                m.factuality |= inherited
                m.modal |= inherited
                node = gov
                continue
            node = gov

    def _permit(self, m: _Match, gov: Token, ctx: _DocContext) -> None:
        """A permitted act is the permitter's: actor the frame's subject, recipient the one
        permitted (unless the act names its own)."""
        _a_tok, r_tok, _a_part, r_part = self._base(m, ctx)
        actor = ctx.subject(gov)
        if actor is None:
            return
        permitted = _child(gov, "dobj") or ctx.subject(m.token)
        if permitted is not None and permitted.i == actor.i:
            permitted = None
        m.actor_tok, m.actor_part = actor, None
        if r_tok is None and r_part is None:
            r_tok = permitted
        m.recipient_tok, m.recipient_part = r_tok, r_part
        m.frames.append("permit")
        m.anchor = gov
        m.span_tokens.append(gov)

    def _inherit_actor(self, m: _Match, gov: Token, ctx: _DocContext) -> None:
        if m.actor_tok is None and m.noun:
            subj = ctx.subject(gov)
            if subj is not None:
                m.actor_tok = subj

    def _base(self, m: _Match, ctx: _DocContext) -> tuple[Token | None, Token | None, dict | None, dict | None]:
        """Actor and recipient of the predicate itself (tokens or ready participants), before
        any frame: what an embedding frame inherits."""
        if m.frames:
            return m.actor_tok, m.recipient_tok, m.actor_part, m.recipient_part
        a_tok, r_tok, a_part, r_part = ctx.noun_participants(m) if m.noun else ctx.verb_participants(m)
        if m.pattern.reverse:
            a_tok, r_tok, a_part, r_part = r_tok, a_tok, r_part, a_part
        return a_tok, r_tok, a_part, r_part

    def _wrap(self, m: _Match, gov: Token, kind: str, ctx: _DocContext) -> None:
        """Turn the embedded event into the frame's event (THREATEN, AGREE, REQUEST, REJECT)."""
        r = self.rules
        inner_type, inner_mode = m.type, m.mode
        if m.inner_type is None:
            m.inner_type = inner_type
        if kind in ("commit", "vow"):
            m.factuality.add("future")
            conflict = inner_type is not None and not is_cooperation(inner_type)
            if not conflict:
                m.type, m.mode = "AGREE", None
            elif kind == "vow" and inner_type not in ("REQUEST", "ACCUSE", "REJECT", "THREATEN"):
                kind = "threat"
            else:
                # "promised to send troops": the act itself, in the future.
                return
        a_tok, r_tok, a_part, r_part = self._base(m, ctx)
        # What is threatened, asked or refused carries its own modality ("urged X not to
        # strike", "demanded that X must leave"); the frame event's factuality is the frame's.
        ended = "negated" in m.factuality
        m.factuality -= _CONTENT_FLAGS
        if kind == "threat":
            m.type, m.mode = "THREATEN", _table_mode(r.threat_modes, inner_type, inner_mode)
            if inner_mode and is_mode("THREATEN", inner_mode):
                m.mode = inner_mode
            if ended and inner_type is not None and is_cooperation(inner_type):
                m.mode = "relations"  # "threatened to stop negotiations": to cut ties
        elif kind in ("request", "reject"):
            new_type = "REQUEST" if kind == "request" else "REJECT"
            mode = _table_mode(r.request_modes, inner_type, inner_mode)
            if inner_type in ("REQUEST", "REJECT") and inner_mode:
                mode = inner_mode
            m.type, m.mode = new_type, mode
        actor = ctx.subject(gov)
        from_subject = None
        if _is_passive(gov):
            from_subject, actor = actor, ctx.agent(gov)
        recipient_tok, recipient_part = r_tok, r_part
        if kind == "threat" and recipient_tok is None and recipient_part is None:
            obj = _child(gov, "dobj", "dative")
            if obj is not None and obj.i != m.token.i:
                recipient_tok = obj  # "warned Kiev that it would respond"
            else:
                recipient_tok = _condition_subject(m.token, gov)  # "… unless Baghdad accepted"
        restated = (m.noun and kind in ("request", "reject")
                    and inner_type == ("REQUEST" if kind == "request" else "REJECT"))
        if kind in ("request", "reject") and not restated:
            # ("insisted on its demands that X …" restates the demand: its recipient stays.)
            obj = _child(gov, "dobj", "dative")
            if gov.lemma_.lower() in r.object_control and obj is not None and obj.i != m.token.i:
                recipient_tok, recipient_part = obj, None  # "urged X to"
            elif from_subject is not None:
                recipient_tok, recipient_part = from_subject, None
            elif a_part is not None or (a_tok is not None and (actor is None or a_tok.i != actor.i)):
                recipient_tok, recipient_part = a_tok, a_part  # "demanded that X withdraw"
        m.actor_tok, m.actor_part = actor, None
        m.recipient_tok, m.recipient_part = recipient_tok, recipient_part
        m.frames.append(kind)
        m.anchor = gov
        m.span_tokens.append(gov)

    def _deontic_demand(self, verb: Token, matches: dict[int, _Match], ctx: _DocContext) -> _Match | None:
        """"X said Y must withdraw" with no coded event in what Y must do: the demand itself,
        a REQUEST by X of Y."""
        for clause in verb.children:
            if clause.dep_ != "ccomp" or not _has_deontic(clause, self.rules.deontic) or _negated(clause):
                continue  # "don't have to": no demand
            if any(m.anchor is not None and m.anchor.i == verb.i and "request" in m.frames for m in matches.values()):
                return None
            if clause.i in matches and not matches[clause.i].consumed:
                return None  # the clause's own event was coded (and framed) already
            m = _Match(token=clause, pattern=_DEMAND, noun=False, type="REQUEST", anchor=clause)
            if self._deontic(m, clause, verb, ctx):
                return m
        return None

    def _deontic(self, m: _Match, node: Token, gov: Token, ctx: _DocContext) -> bool:
        """"X said Y must withdraw": a demand by X on Y (REQUEST), when Y is not X."""
        if not _has_deontic(node, self.rules.deontic):
            return False
        speaker = ctx.subject(gov)
        inner_subject = ctx.subject(node)
        if speaker is None or inner_subject is None or inner_subject.i == speaker.i:
            return False
        if inner_subject.lower_ in _PRONOUNS:
            return False
        mode = _table_mode(self.rules.request_modes, m.type, m.mode)
        m.type, m.mode = "REQUEST", mode
        m.factuality -= _CONTENT_FLAGS
        m.actor_tok, m.actor_part = speaker, None
        m.recipient_tok, m.recipient_part = inner_subject, None
        m.anchor = gov
        m.span_tokens.append(gov)
        m.frames.append("request")
        return True

    def _self_commitment(self, m: _Match, node: Token, gov: Token, ctx: _DocContext) -> None:
        """"X said it would send aid": a promise (AGREE); "… would blockade": a threat."""
        if m.type is None or m.frames or m.committed:
            return
        inner_subject = ctx.subject(node)
        speaker = ctx.subject(gov)
        if inner_subject is None or speaker is None:
            return
        if inner_subject.lower_ not in _PRONOUNS and inner_subject.i != speaker.i:
            return
        if m.type in ("REQUEST", "ACCUSE", "REJECT", "THREATEN", "AGREE"):
            return
        if _negated(node):
            if not is_cooperation(m.type):
                return  # "said it would not attack": the attack, negated
            # "said it would not meet the demands": a refusal.
            m.type, m.mode = "REJECT", _table_mode(self.rules.request_modes, m.type, m.mode)
        elif is_cooperation(m.type) and not _conditioned(node, self.rules):
            m.type, m.mode = "AGREE", None
        else:
            # "… would blockade", "will withdraw its force unless …": a threat.
            m.type, m.mode = "THREATEN", _table_mode(self.rules.threat_modes, m.type, m.mode)
        m.committed = True
        # The statement is the promise or threat: as factual as the speech verb, not reported.
        m.factuality -= _CONTENT_FLAGS | {"reported"}
        m.anchor = gov
        m.span_tokens.append(gov)

    # -- the record ------------------------------------------------------------------------
    def _event(self, m: _Match, sent: Span, ctx: _DocContext) -> Event | None:
        actor, recipient = self._participants(m, ctx)
        if not (_counts(actor) or (_counts(recipient) and not (recipient or {}).get("place"))):
            # An event needs a resolved or named participant; a place it happens in or is
            # aimed at ("a visit to Paris") is not one on its own.
            return None
        factuality = self._factuality(m, ctx)
        if factuality is None:
            return None
        if m.type == "ASSAULT" and (m.mode is None or m.pattern.source == "cameo") and not m.frames:
            m.mode = self._instrument_mode(m, ctx) or m.mode
        t_start, t_end = m.token.idx, m.token.idx + len(m.token)
        frame_spans = [{"start": t.idx, "end": t.idx + len(t), "text": t.text}
                       for t in sorted(set(m.span_tokens), key=lambda t: t.i) if t.i != m.token.i]
        date, precision = ctx.date(sent, m)
        quantity = ctx.quantity(m)
        location = ctx.location(sent, m)
        if m.mode is None and not m.frames:
            m.mode = self._participant_mode(m, ctx, actor, recipient, location)
        confidence = _confidence(m, actor, recipient)
        start, end = sent.start_char, sent.end_char
        doc_id = ctx.doc_id
        digest = hashlib.sha256(f"{doc_id}|{start}|{end}|{t_start}|{t_end}|{m.type}".encode("utf-8")).hexdigest()[:24]
        contexts = list(m.context)
        return Event(
            id=digest,
            doc_id=doc_id,
            type=m.type,
            mode=m.mode,
            context=tuple(contexts),
            actor=_public(actor),
            recipient=_public(recipient),
            date=date,
            date_precision=precision,
            location=location,
            quantity=quantity,
            factuality=factuality,
            evidence={"start": start, "end": end, "sentence": ctx.text[start:end],
                      "trigger": {"start": t_start, "end": t_end, "text": ctx.text[t_start:t_end]},
                      **({"frames": frame_spans} if frame_spans else {}),
                      "pattern": m.pattern.id, **({"cameo": m.pattern.cameo} if m.pattern.cameo and not m.frames else {})},
            confidence=confidence,
        )

    def _participant_mode(self, m: _Match, ctx: _DocContext, actor: dict | None, recipient: dict | None,
                          location: dict | None) -> str | None:
        """A mode the participants imply when the pattern gives none: a military or police
        move by the forces' sector (``sector_modes``); a meeting as ``multilateral`` when an
        international organization takes part, ``visit`` when it happens in the recipient's
        country, ``third-party`` when in a country neither side is from (manual 2.0)."""
        by_sector = self.rules.sector_modes.get(m.type or "")
        if by_sector:
            for part in (actor, recipient) if m.type != "MOBILIZE" else (actor,):
                mode = by_sector.get(str((part or {}).get("sector") or ""))
                if mode:
                    return mode
        if m.type != "CONSULT":
            return None
        if ctx.is_igo(actor) or ctx.is_igo(recipient):
            return "multilateral"
        where = (location or {}).get("country")
        a_code, r_code = (actor or {}).get("code"), (recipient or {}).get("code")
        if where and a_code and not (recipient or {}).get("place"):
            if r_code and where == r_code:
                return "visit"
            if where != a_code and where != r_code:
                return "third-party"
        return None

    def _instrument_mode(self, m: _Match, ctx: _DocContext) -> str | None:
        """The ASSAULT mode the weapon named around the event gives ("armed with machetes",
        "in a bomb attack", "tanks fired")."""
        words: set[str] = set()
        heads = [m.token]
        if m.args is not None and m.args.subject is not None:
            heads.append(m.args.subject)
            if m.args.subject.lower_ in _PRONOUNS:
                ante = ctx._antecedent(m.args.subject)  # "they blew themselves up": the bombers
                if ante is not None:
                    heads.append(ante)
        if m.args is not None and m.args.agent is not None:
            heads.append(m.args.agent)
        for head in heads:
            for t in head.subtree:
                if t.dep_ in ("ccomp", "relcl") and t.i != head.i:
                    continue
                words.add(t.lower_)
                words.add(t.lemma_.lower())
        for mode, cues in self.rules.assault_instruments:
            if words & cues:
                return mode
        return None

    def _participants(self, m: _Match, ctx: _DocContext) -> tuple[dict | None, dict | None]:
        if m.noun:
            actor_tok, recipient_tok, actor_part, recipient_part = ctx.noun_participants(m)
        else:
            actor_tok, recipient_tok, actor_part, recipient_part = ctx.verb_participants(m)
        if m.pattern.reverse and not m.frames:
            actor_tok, recipient_tok, actor_part, recipient_part = recipient_tok, actor_tok, recipient_part, actor_part
        actor = actor_part or (ctx.participant(actor_tok) if actor_tok is not None else None)
        recipient = recipient_part or (ctx.participant(recipient_tok, recipient=True) if recipient_tok is not None else None)
        m.final_actor_tok = actor_tok if actor_part is None else None
        m.final_recipient_tok = recipient_tok if recipient_part is None else None
        if (recipient is None and recipient_part is None and actor_tok is not None and not m.frames
                and m.type in self.rules.joint_types):
            # "Lavrov and Blinken held talks": the other party of a meeting or joint act.
            for conj in actor_tok.conjuncts:
                part = ctx.participant(conj, recipient=True)
                if part is not None and not _same(part, actor or {}):
                    recipient, m.final_recipient_tok = part, None
                    break
        if m.type == "ASSAULT" and actor_tok is not None and any(
                t.lemma_.lower() in self.rules.natural_causes for t in (actor_tok, *actor_tok.children)):
            return None, None  # "a typhoon killed 6,000 people" is no assault
        if m.args is not None and m.args.relative_object and not (actor or {}).get("code"):
            return None, None  # "the sentence Manafort received": only a coded actor's act counts here
        if m.type == "ASSAULT" and not (actor or {}).get("code"):
            actor = ctx.unidentified_attacker(m, actor_tok) or actor
        if actor is not None and recipient is not None and _same(actor, recipient):
            recipient = None
        if recipient is None and _counts(actor) and m.type not in ("REQUEST", "REJECT", "CONSULT"):
            # Only an actor's event gets a place as its recipient ("demonstrated in Serbia",
            # "threatened to ban voting in East Jerusalem"): a place alone is not a participant.
            # Where a meeting is held is its venue, not a party to it.
            recipient = ctx.place_recipient(m)
            if recipient is not None and _same(actor, recipient):
                recipient = None
        return self._domestic(m, ctx, actor, recipient, actor_tok)

    def _domestic(self, m: _Match, ctx: _DocContext, actor: dict | None, recipient: dict | None,
                  actor_tok: Token | None = None) -> tuple[dict | None, dict | None]:
        """Country codes for participants the text names only by role ("demonstrators",
        "refugees", "activists"): the country of the place the event happens in, else, for
        the event types that are mostly internal (repression, protest), the other side's."""
        r = self.rules
        a_code = (actor or {}).get("code")
        if recipient is not None and not recipient.get("code") and recipient.get("sector") and a_code:
            place = ctx.place_recipient(m)
            if place is not None:
                recipient = {**recipient, "code": place["code"]}  # "killed three militants in Gaza"
            elif m.type in r.domestic_types:
                recipient = {**recipient, "code": a_code}  # "police dispersed demonstrators"
        r_code = (recipient or {}).get("code")
        kind = m.inner_type or m.type
        # "ethnic Albanians", "ethnic Turks": a minority, coded where it lives, not as the state
        # its name comes from.
        minority = actor is not None and (bool(r.minority_words & set(str(actor.get("text") or "").lower().split()))
                                          or (actor_tok is not None and any(
                                              c.dep_ in ("amod", "compound") and c.lower_ in r.minority_words
                                              for c in actor_tok.children)))
        if actor is not None and (minority or (not a_code and actor.get("sector"))) and kind in r.domestic_actor_types:
            place = ctx.place_recipient(m)
            if place is not None:
                actor = {**actor, "code": place["code"]}  # "activists staged rallies in Gaza"
            elif r_code:
                actor = {**actor, "code": r_code}  # "refugees protested the government's refusal"
        elif (actor is not None and not a_code and actor.get("sector") in r.domestic_sectors and r_code
              and ctx.is_state(recipient)):
            # "rebels demanded that Burundi's government …": rebels, opposition and strikers
            # act against their own government.
            actor = {**actor, "code": r_code}
        a_code = (actor or {}).get("code")
        if (actor is None and m.type in r.implicit_actor_types and not m.noun and m.args is not None
                and m.args.passive and m.args.agent is None and not m.frames):
            place = ctx.place_recipient(m)
            if place is not None and place["code"] != (recipient or {}).get("code"):
                # "was arrested in Lebanon": by that country's authorities.
                actor = {"text": place["text"], "actor_id": None, "code": place["code"], "sector": None,
                         "named": False, "implicit": True}
                a_code = actor["code"]
        if (recipient is None and a_code and f"{m.pattern.type}/{m.pattern.mode}" in r.own_country_acts
                and (actor or {}).get("sector") in (None, *r.state_sectors)):
            # "imposed martial law", "declared a state of emergency": on the state's own country.
            recipient = {"text": _country_name(a_code), "actor_id": None, "code": a_code, "sector": None,
                         "named": False, "implicit": True}
        if recipient is None and a_code and m.type in r.domestic_default:
            # A protest with no named target is against the protesters' own government.
            recipient = {"text": _country_name(a_code), "actor_id": None, "code": a_code, "sector": None,
                         "named": False, "implicit": True}
        return actor, recipient

    def _factuality(self, m: _Match, ctx: _DocContext) -> str | None:
        flags = set(m.factuality)
        anchor = m.anchor or m.token
        modal: set[str] = set()
        # A threat, request or refusal is as factual as its frame verb: the modality of the
        # act it is about ("said China must drop barriers") is not its own.
        framed = m.committed or (bool(m.frames) and m.frames[-1] in ("threat", "request", "reject"))
        for tok in ({anchor} if framed else {m.token, anchor}):
            modal |= _clause_flags(tok, self.rules, ctx)
        flags |= modal
        if "reported" not in flags and _under_report(anchor, self.rules):
            flags.add("reported")  # "sources explained that the document submitted by Moscow …"
        if "future" in flags and m.type is not None and m.type not in ("THREATEN",) and _conditioned(anchor, self.rules):
            # "will withdraw its force unless …": a conditional announcement is a threat.
            inner = m.type
            m.type = "THREATEN"
            m.mode = _table_mode(self.rules.threat_modes, inner, m.mode)
            flags.discard("hypothetical")
        elif (("future" in modal or "future" in m.modal) and "negated" not in flags and "hypothetical" not in flags
                and m.frames in ([], ["permit"]) and not m.committed
                and m.type is not None and m.type != "AGREE" and is_cooperation(m.type)):
            # PLOVER codes announced future cooperation ("will visit", "will provide aid") as AGREE.
            m.type, m.mode = "AGREE", None
        if "drop" in flags:
            return None
        if "negated" in flags:
            return "negated"
        if "hypothetical" in flags:
            return "hypothetical"
        if "future" in flags or "purpose" in flags:
            return "future"
        if "reported" in flags:
            return "reported"
        return "asserted"


#: Factuality flags that belong to an act's content, dropped when a frame makes the act the
#: object of a threat, request or refusal.
_CONTENT_FLAGS = frozenset({"negated", "hypothetical", "future", "purpose"})

#: The reading of a demand made by a speech verb over a must/should clause (no pattern file
#: entry: the rule is the frame table's deontic list).
_DEMAND = Pattern(id="frame:deontic", source="hand", type="REQUEST", specificity=2.0)


def _merge_tellings(events: list[Event]) -> list[Event]:
    """One happening told twice in a sentence ("NATO announced a reinforcement …, deploying
    more troops to Latvia"): a telling without a recipient adds nothing to one of the same type,
    actor, factuality (and mode, when it has one) with a recipient, and is dropped; its quantity
    and location go to that one when it lacks them."""
    def twin(e: Event, o: Event) -> bool:
        return (o.recipient is not None and o.type == e.type and _pkey(o.actor) == _pkey(e.actor)
                and o.factuality == e.factuality and (e.mode is None or o.mode == e.mode))

    dropped = [e for e in events if e.recipient is None and e.actor and any(twin(e, o) for o in events)]
    kept = [e for e in events if not any(e is d for d in dropped)]
    for e in dropped:
        for k, o in enumerate(kept):
            if twin(e, o):
                fill = {f: getattr(e, f) for f in ("quantity", "location") if getattr(o, f) is None and getattr(e, f)}
                if fill:
                    kept[k] = dataclasses.replace(o, **fill)
    return kept


def _table_mode(table: Sequence[tuple[str, str | None, str | None]], event_type: str | None, mode: str | None) -> str | None:
    if event_type is None:
        return None
    for t, m, to in table:
        if t == event_type and (m is None or m == mode):
            return to
    return None


def _holds(p: Pattern, a: _Args) -> bool:
    # Every test is pure: the cheap set lookups go first, the word-list tests on tokens last.
    if p.particle is not None and p.particle not in a.particles:
        return False
    if p.clause and not a.has_clause:
        return False
    if p.no_object and a.objects and not a.passive:
        return False
    if p.clause == "to" and not a.has_infinitive:
        return False
    if p.object is None and p.modifiers is not None:
        return False
    for w in p.words:
        if w not in a.words and w not in a.particles:
            return False
    if p.subject is not None and (a.subject is None or not a.has(a.subject, p.subject)):
        return False
    if p.object is not None:
        hits = [o for o in a.objects if a.has(o, p.object)]
        if not hits:
            return False
        if p.modifiers is not None and not any(
                a.has(c, p.modifiers) for o in hits for c in o.children if c.dep_ in ("amod", "compound", "nmod")):
            return False
    if p.unless_preps and (any(pw in p.unless_preps for pw, _, _ in a.preps)
                           or any(c.dep_ == "acl" for o in a.objects for c in o.children)):
        return False  # "missiles targeting US troops" aims them too
    for word, nouns in p.preps:
        if not any(pw == word and (nouns is None or (pobj is not None and a.has(pobj, nouns))) for pw, pobj, _ in a.preps):
            return False
    return True


def _stray_preps(verb: Token) -> list[Token]:
    """Prepositional phrases the parser hung on the clause above a relative clause that ends
    its object, set off by a comma right after it: in "put on the table the response it
    received, on January 26, from the United States", the date and the sender are the
    receiving's, not the putting's. Only phrases that follow one another after that comma count."""
    if verb.dep_ != "relcl" or verb.head.dep_ not in ("dobj", "nsubjpass", "pobj", "attr"):
        return []
    doc = verb.doc
    i = verb.right_edge.i + 1
    if i >= len(doc) or doc[i].text != ",":
        return []
    matrix = verb.head.head
    if matrix.dep_ == "prep":
        matrix = matrix.head
    out: list[Token] = []
    while i < len(doc) and doc[i].sent == verb.sent:
        tok = doc[i]
        if tok.is_punct:
            i += 1
            continue
        if tok.dep_ == "prep" and tok.head.i == matrix.i:
            out.append(tok)
            i = tok.right_edge.i + 1
            continue
        break
    return out


def _governor(tok: Token) -> tuple[Token, str, Token] | None:
    """The predicate that embeds ``tok``, how, and the clause it embeds: ``clause``
    (xcomp/ccomp), ``object`` (an event noun or gerund as object: "held talks", "talks are
    expected"), ``prep`` ("called for the withdrawal", "accused X of violating"). Conjuncts share
    their first conjunct's governor; an adjective complement stands for its copula ("must be
    ready to")."""
    dep = tok.dep_
    head = tok.head
    if head.i == tok.i:
        return None
    if dep in ("xcomp", "ccomp", "csubj"):
        return head, "clause", tok
    if dep == "advcl" and any(c.dep_ == "mark" and c.lower_ == "for" for c in tok.children):
        return head, "clause", tok  # "pushing hard for the US (to) support …"
    if dep == "acl" and head.lower_ == "order" and head.head.lower_ == "in":
        return None  # "in order to arrest": a purpose, not an order
    if dep == "acl" and head.pos_ in ("NOUN", "ADJ") and tok.tag_ in ("VB",):
        return head, "clause", tok  # "plans to sell", "the decision to send"
    if dep in ("dobj", "nsubjpass", "attr") and (tok.pos_ in ("NOUN", "PROPN") or tok.tag_ == "VBG"):
        return head, "object", tok
    if (dep in ("pobj", "pcomp") and head.dep_ in ("prep", "agent") and head.head.i != head.i
            and head.head.pos_ in ("VERB", "AUX", "ADJ")):
        return head.head, "prep", tok
    if dep == "conj":
        up = _governor(head)
        if up is not None and up[1] != "prep":
            return up
    if dep == "acomp" and tok.pos_ == "ADJ":
        return _governor(head)
    return None


def _misparsed_predicate(verb: Token) -> bool:
    """A past-tense main verb the parser hung on its subject as a participle: the noun is the
    sentence's root ("An official Syrian newspaper called on Arabs to …"), or the subject of a
    verb that has a subject of its own ("Palestinian youths resorted to throwing stones …,
    officials said")."""
    if verb.dep_ != "acl" or verb.tag_ not in ("VBN", "VBD") or any(c.dep_ == "auxpass" for c in verb.children):
        return False
    head = verb.head
    if head.pos_ not in ("NOUN", "PROPN") or any(c.dep_ in ("dobj", "nsubjpass") for c in verb.children):
        return False
    if head.dep_ == "ROOT":
        return True
    return head.dep_ == "nsubj" and any(c.dep_ == "nsubj" and c.i != head.i for c in head.head.children)


def _negated(tok: Token) -> bool:
    for c in tok.children:
        if c.dep_ == "neg" or (c.lower_ in ("never", "no") and c.dep_ in ("neg", "advmod", "det")):
            return True
    if tok.dep_ == "acomp" and tok.head.i != tok.i:
        return any(c.dep_ == "neg" for c in tok.head.children)
    return False


def _aux_words(tok: Token) -> list[str]:
    words = [c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if tok.dep_ == "acomp" or (tok.pos_ == "ADJ" and tok.head.i != tok.i):
        words += [c.lower_ for c in tok.head.children if c.dep_ in ("aux",)]
    return words


def _would(tok: Token) -> bool:
    return any(w in ("would", "will", "shall", "'ll", "wo", "'d") for w in _aux_words(tok))


def _has_deontic(tok: Token, deontic: frozenset[str]) -> bool:
    for w in _aux_words(tok):
        if w in deontic and w not in ("have", "has", "had", "need"):
            return True
    # "X has to withdraw", "needs to": the embedded verb is an xcomp of have/need.
    if tok.lemma_.lower() in ("have", "need") and any(c.dep_ == "xcomp" for c in tok.children):
        return True
    return False


def _clause_flags(tok: Token, r: Rules, ctx: _DocContext) -> set[str]:
    """Factuality cues on one predicate: negation, modal auxiliaries, conditional marks."""
    flags: set[str] = set()
    if _negated(tok):
        flags.add("negated")
    for w in _aux_words(tok):
        if w in r.future_modals:
            flags.add("future")
        elif w in ("would", "'d"):
            flags.add("would")
        elif w in r.hypothetical_modals and w not in r.deontic:
            flags.add("hypothetical")
        elif w in ("must", "should", "ought"):
            flags.add("hypothetical")
    if "would" in flags:
        flags.discard("would")
        flags.add("future" if _in_report(tok, r) else "hypothetical")
    # "could increase unrest, instigating protests": a participle or coordinated verb shares
    # the modality of the verb it hangs off.
    node = tok
    for _ in range(3):
        if node.dep_ not in ("advcl", "conj", "xcomp") or node.head.i == node.i or node.head.pos_ not in ("VERB", "AUX"):
            break
        if node.dep_ == "xcomp" and r.frames.get(node.head.lemma_.lower()) not in (None, "aspect", "prepare"):
            break  # the frame rules decide ("threatened to", "promised to")
        if any(c.dep_ == "mark" for c in node.children):
            break
        node = node.head
        for w in _aux_words(node):
            if w in r.hypothetical_modals or w in ("would", "'d"):
                flags.add("hypothetical")
            elif w in r.future_modals:
                flags.add("future")
    # A conditional clause, or a predicate inside one.
    node = tok
    for _ in range(4):
        mark = next((c for c in node.children if c.dep_ == "mark"), None)
        if mark is not None and mark.lower_ in r.conditional:
            flags.add("drop" if mark.lower_ == "whether" else "hypothetical")
            break
        if node.dep_ in ("advcl", "ccomp", "xcomp", "conj", "relcl") and node.head.i != node.i:
            node = node.head
            if node.pos_ not in ("VERB", "AUX", "ADJ"):
                break
            continue
        break
    # Noun triggers take their governing verb's modality ("talks are expected", "an invasion
    # would be costly").
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and tok.head.i != tok.i:
        head = tok.head
        flags |= {f for f in _clause_flags(head, r, ctx) if f in ("negated", "future", "hypothetical", "drop")}
        if any(c.lower_ == "no" and c.dep_ == "det" for c in tok.children):
            flags.add("negated")
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "pobj" and tok.head.lower_ == "for":
        flags.add("purpose")  # "forces for an invasion", "left for talks": not (yet) happened
    return flags


def _condition_subject(*preds: Token) -> Token | None:
    """The subject of an unless/if clause on a threatened act or its frame: the one the
    threat is aimed at ("threatened to launch an offensive unless Baghdad accepted …")."""
    for pred in preds:
        for c in pred.children:
            if c.dep_ == "advcl" and any(x.dep_ == "mark" and x.lower_ in ("unless", "if") for x in c.children):
                sub = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass")), None)
                if sub is not None and sub.lower_ not in _PRONOUNS:
                    return sub
    return None


def _conditioned(tok: Token, r: Rules) -> bool:
    """Whether a predicate has an "unless" clause (or "if" with a future main clause)."""
    for c in tok.children:
        if c.dep_ == "advcl" and any(x.dep_ == "mark" and x.lower_ == "unless" for x in c.children):
            return True
    return False


def _under_report(tok: Token, r: Rules) -> bool:
    """Whether a predicate sits, at any depth, in the content clause of a speech verb."""
    node = tok
    for _ in range(10):
        if node.head.i == node.i:
            return False
        if node.dep_ in ("ccomp", "parataxis") and r.frames.get(node.head.lemma_.lower()) == "report":
            return True
        node = node.head
    return False


def _in_report(tok: Token, r: Rules) -> bool:
    node = tok
    for _ in range(4):
        if node.dep_ in ("ccomp",) and node.head.i != node.i:
            kind = r.frames.get(node.head.lemma_.lower())
            if kind in ("report", "commit", "vow", "threat"):
                return True
        if node.dep_ in ("xcomp", "conj", "ccomp") and node.head.i != node.i:
            node = node.head
            continue
        break
    return False


def _counts(part: Mapping[str, Any] | None) -> bool:
    """Whether a participant is resolved (a code) or named (a named entity or a person)."""
    if not part:
        return False
    return bool(part.get("code") or part.get("named"))


def _public(part: Mapping[str, Any] | None) -> dict | None:
    if part is None:
        return None
    return {k: part.get(k) for k in ("text", "actor_id", "code", "sector")}


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("actor_id") and a.get("actor_id") == b.get("actor_id"):
        return True
    return a.get("text") == b.get("text")


def _pkey(p: Mapping[str, Any] | None) -> Any:
    if p is None:
        return None
    return p.get("actor_id") or p.get("code") or p.get("text")


def _confidence(m: _Match, actor: Mapping[str, Any] | None, recipient: Mapping[str, Any] | None) -> float:
    score = 0.3 + min(0.3, 0.06 * m.pattern.specificity)
    if m.pattern.source == "hand":
        score += 0.05
    if actor is not None:
        score += 0.2 if actor.get("code") else 0.08
    if recipient is not None:
        score += 0.12 if recipient.get("code") else 0.05
    if m.frames:
        score -= 0.05
    return round(max(0.05, min(1.0, score)), 3)


# --------------------------------------------------------------------------------------------
# Per-document lookups: mentions by token, subjects, times, places, quantities

class _DocContext:
    def __init__(self, analysis: Analysis, r: Rules) -> None:
        self.analysis = analysis
        self.rules = r
        self.doc = analysis.doc
        self.doc_id = analysis.document.id
        self.published = analysis.document.published
        doc = self.doc
        self.mention_at: dict[int, Any] = {}
        for mention in analysis.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self.mention_at.setdefault(t.i, mention)
        self._args: dict[int, _Args] = {}
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The document's text, read once (``Doc.text`` rebuilds it from the tokens on every access)."""
        if self._text is None:
            self._text = doc_text(self.doc)
        return self._text

    # -- arguments of a verb -----------------------------------------------------------------
    def args(self, verb: Token) -> _Args:
        found = self._args.get(verb.i)
        if found is not None:
            return found
        passive = _is_passive(verb)
        relative_object = False
        objects: list[Token] = []
        preps: list[tuple[str, Token | None, Token]] = []
        particles: set[str] = set()
        dative = None
        agent = None
        words: set[str] = set()
        for c in verb.children:
            dep = c.dep_
            words.add(c.lower_)
            if dep in ("dobj", "obj"):
                objects.extend(_with_conjuncts(c))
            elif dep == "nsubjpass":
                objects.extend(_with_conjuncts(c))
            elif dep == "prt":
                particles.add(c.lower_)
            elif dep == "advmod" and c.lower_ in ("out", "off", "back", "away", "down", "up", "aside"):
                particles.add(c.lower_)
            elif dep == "agent":
                agent = _pobj(c)
                preps.append(("by", agent, c))
            elif dep == "dative":
                if c.pos_ == "ADP":
                    preps.append((c.lower_, _pobj(c), c))
                else:
                    dative = c
            elif dep == "prep":
                pobj = _pobj(c)
                # "on Tuesday", "in March": a time, not an argument of the verb.
                if pobj is not None and pobj.ent_type_ in ("DATE", "TIME"):
                    continue
                preps.append((c.lower_, pobj, c))
        # "25,000 tons of food aid", "thousands of troops": the counted noun is the object.
        for obj in list(objects):
            if obj.lemma_.lower() in self.rules.measure_nouns or obj.pos_ == "NUM":
                for c in obj.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        pobj = _pobj(c)
                        if pobj is not None:
                            objects.extend(_with_conjuncts(pobj))
        if verb.dep_ in ("relcl", "acl") and not passive and verb.head.pos_ in ("NOUN", "PROPN") \
                and any(c.dep_ == "nsubj" for c in verb.children) and not any(c.dep_ == "mark" for c in verb.children) \
                and (verb.tag_ != "VBG" or any(c.dep_ == "aux" for c in verb.children)):
            # An object relative clause: "the response (that) it received" has the noun as its
            # object; "the city where he lived" (a relative adverb) has none.
            rel_obj = [o for o in objects if o.lower_ in _RELATIVE]
            if rel_obj:
                objects = [verb.head if o in rel_obj else o for o in objects]
            elif not objects and any(c.dep_ == "nsubj" and c.lower_ not in _RELATIVE for c in verb.children) \
                    and not any(c.lower_ in ("where", "when", "why", "how") for c in verb.children) \
                    and not any(c.dep_ == "prep" and any(x.lower_ in _RELATIVE for x in c.children) for c in verb.children):
                objects.append(verb.head)  # not "the nation in which the Taliban seeks …"
            relative_object = any(o.i == verb.head.i for o in objects)
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and not objects and not _misparsed_predicate(verb):
            objects.append(verb.head)  # "troops deployed to the border"
            passive = True
        for obj in list(objects):
            for c in obj.children:
                if c.dep_ == "prep":
                    preps.append((c.lower_, _pobj(c), c))
        for c in _stray_preps(verb):
            pobj = _pobj(c)
            if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
                preps.append((c.lower_, pobj, c))
        subject = None if passive else self.subject(verb)
        if passive and agent is None:
            agent = None
        clause_subjects = [sub for c in verb.children if c.dep_ == "ccomp"
                           for sub in c.children if sub.dep_ in ("nsubj", "nsubjpass")]
        has_clause = any(c.dep_ in ("xcomp", "ccomp") for c in verb.children)
        has_infinitive = any(c.dep_ in ("xcomp", "ccomp") and any(x.dep_ == "aux" and x.lower_ == "to" for x in c.children)
                             for c in verb.children)
        found = _Args(subject=subject, objects=objects, passive=passive, agent=agent, preps=preps,
                      particles=particles, dative=dative, words=words, clause_subjects=clause_subjects,
                      has_clause=has_clause, has_infinitive=has_infinitive, relative_object=relative_object)
        self._args[verb.i] = found
        return found

    def subject(self, verb: Token, depth: int = 0) -> Token | None:
        """The effective subject of a predicate: its own, or inherited through control
        (xcomp), coordination, participial clauses, relative clauses and copulas."""
        if depth > 6:
            return None
        for c in verb.children:
            if c.dep_ in _SUBJECT_DEPS:
                if c.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    return verb.head
                return c
        if verb.pos_ == "ADJ" and verb.dep_ in ("acomp", "amod") and verb.head.i != verb.i:
            return self.subject(verb.head, depth + 1)
        head = verb.head
        if head.i == verb.i:
            return None
        dep = verb.dep_
        if dep == "xcomp":
            if head.lemma_.lower() in self.rules.object_control:
                obj = _child(head, "dobj")
                if obj is not None:
                    return obj
            return self.subject(head, depth + 1)
        if dep == "conj":
            return self.subject(head, depth + 1)
        if dep == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            # "accused Russia of shelling", "prevented them from leaving": the governor's
            # object does it; "resorted to throwing stones": its subject does.
            obj = _child(head.head, "dobj")
            if obj is not None:
                return obj
            return self.subject(head.head, depth + 1)
        if dep in ("advcl",) and (verb.tag_ in ("VBG", "VBN") or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)):
            return self.subject(head, depth + 1)  # "deploying troops", "to help support"
        if dep == "acl" and head.lower_ == "order" and head.head.lower_ == "in" and head.head.head.i != head.head.i:
            return self.subject(head.head.head, depth + 1)  # "deployed troops in order to arrest …"
        if dep == "acl" and (verb.tag_ == "VBG" or _misparsed_predicate(verb)):
            return head
        if dep == "acl" and head.pos_ == "NOUN":
            for c in head.children:
                if c.dep_ == "poss":
                    return c  # "Russia's plan to invade"
            if head.dep_ in ("dobj", "attr") and head.head.i != head.i:
                return self.subject(head.head, depth + 1)  # "Russia has an intention to invade"
        if dep == "relcl":
            return head
        return None

    def agent(self, verb: Token) -> Token | None:
        for c in verb.children:
            if c.dep_ == "agent":
                return _pobj(c)
        return None

    # -- participants ------------------------------------------------------------------------
    def verb_participants(self, m: _Match) -> tuple[Token | None, Token | None, dict | None, dict | None]:
        args = m.args
        if m.frames or args is None:
            return m.actor_tok, m.recipient_tok, m.actor_part, m.recipient_part
        owner = None
        if args.passive:
            actor = args.agent if args.agent is not None else self._stray_agent(m.token)
            if actor is None:
                owner = self._channel_owner(m.token)
            # The passive subject is acted upon; with a pattern that places the recipient
            # elsewhere it is the theme ("troops were sent to X"), unless the pattern says the
            # object is the recipient ("Ukraine is supplied with missiles").
            recipient = (args.objects[0] if args.objects and (not m.pattern.recipient or "object" in m.pattern.recipient)
                         else None)
        else:
            actor = args.subject
            recipient = None
        if recipient is None:
            recipient = self._recipient(m, args, actor)
        if recipient is None and m.type == "PROTEST":
            recipient = self.protest_target(m.token, actor)
        if recipient is None and m.type == "MOBILIZE":
            recipient = self._purpose_target(args, actor)
        if recipient is None and m.type in self.rules.helping_types:
            recipient = self._helped(m.token, actor)
        if recipient is None and m.type == "THREATEN":
            # "threatened to close the strait if the United States attacked"
            recipient = _condition_subject(m.token, *(c for c in m.token.children if c.dep_ in ("xcomp", "ccomp")))
        return actor, recipient, owner, None

    def _purpose_target(self, args: _Args, actor: Token | None) -> Token | None:
        """Whom forces are readied against, when a purpose phrase says so ("mobilized reservists
        for a possible war against Iraq", "massed troops for an invasion of X")."""
        for word, pobj, _prep in args.preps:
            if word != "for" or pobj is None or pobj.lemma_.lower() not in self.rules.hostile_purposes:
                continue
            for c in pobj.children:
                if c.dep_ == "prep" and c.lower_ in ("against", "on", "of", "into"):
                    target = _pobj(c)
                    if target is not None and (actor is None or target.i != actor.i) and self._ok(target, True):
                        return target
        return None

    def _helped(self, verb: Token, actor: Token | None) -> Token | None:
        """Whom aid or forces are for, when a purpose clause says so ("send material to help
        defend Saudi Arabia", "deployed troops to protect Kuwait"): the coded object of a helping
        verb in an infinitive clause on the trigger, through one more such verb."""
        r = self.rules
        frontier = [c for c in verb.children if c.dep_ in ("advcl", "xcomp")]
        for _ in range(2):
            nxt = []
            for clause in frontier:
                if clause.lemma_.lower() not in r.helping_verbs or not any(
                        x.dep_ == "aux" and x.lower_ == "to" for x in clause.children) and clause.dep_ != "xcomp":
                    continue
                for c in clause.children:
                    if c.dep_ == "dobj" and (actor is None or c.i != actor.i) and self._ok(c, True):
                        return c
                    if c.dep_ in ("xcomp", "ccomp"):
                        nxt.append(c)  # "to help defend X", "help X defend itself"
            frontier = nxt
        return None

    def _stray_agent(self, verb: Token) -> Token | None:
        """The by-agent of a passive that the parser hung on the clause above it ("X has been
        accused of misusing funds, much of it believed embezzled, by Haitian officials"): a
        by-phrase after the verb, on a governing verb that is not itself passive, naming a
        coded actor."""
        node = verb
        for _ in range(2):
            if node.dep_ not in ("ccomp", "xcomp", "conj", "advcl") or node.head.i == node.i:
                return None
            node = node.head
            if _is_passive(node):
                return None
            for c in node.children:
                if c.dep_ == "prep" and c.lower_ == "by" and c.i > verb.i:
                    pobj = _pobj(c)
                    if pobj is not None and pobj.pos_ in ("NOUN", "PROPN") and self._ok(pobj, True):
                        return pobj
        return None

    def _channel_owner(self, verb: Token) -> dict | None:
        """Who did an agentless passive act, when a coordinated passive says where it was
        published ("the documents were delivered to X and were posted on the Russian Foreign
        Ministry's website"): the owner of the channel published on, by the country its phrase
        names (a country name or demonym modifying it, or its own resolved actor). The
        channel's own sector (a website is media) is not the owner's: the owner is the
        government when the phrase says so ("ministerial", "government"), else of no known
        sector."""
        r = self.rules
        for other in (*verb.conjuncts, *(c for c in verb.children if c.dep_ == "conj")):
            if other.i == verb.i or not _is_passive(other) or other.lemma_.lower() not in r.publish_verbs:
                continue
            for c in other.children:
                pobj = _pobj(c) if c.dep_ == "prep" and c.lower_ in ("on", "in") else None
                if pobj is None or pobj.lemma_.lower() not in r.channel_nouns:
                    continue
                code = self._channel_country(pobj)
                if code is None:
                    continue
                phrase = pobj.doc[pobj.left_edge.i:pobj.i + 1]
                government = any(t.lemma_.lower() in r.government_words for t in phrase)
                return {"text": phrase.text, "actor_id": None, "code": code, "sector": "GOV" if government else None,
                        "named": True}
        return None

    def _channel_country(self, channel: Token) -> str | None:
        """The one country a channel's phrase names: "the Russian Ministerial website", "the
        Kremlin's website" (its own coded actor first)."""
        part = self.participant(channel)
        if part is not None and part.get("code"):
            return part["code"]
        dictionary = _dictionary()
        if dictionary is None:
            return None
        codes = set()
        for t in channel.subtree:
            if t.i != channel.i and t.dep_ in ("amod", "compound", "poss", "nmod") and t.pos_ in ("ADJ", "PROPN"):
                found = dictionary.country(t.text)
                if found is not None and not getattr(found, "ambiguous", False):
                    codes.add(found.code)
        return codes.pop() if len(codes) == 1 else None

    def protest_target(self, trigger: Token, actor: Token | None) -> Token | None:
        """A protest's target named by a "protest" phrase on the trigger or its object ("began
        a hunger strike to protest against X", "a hunger strike in protest of X's refusal")."""
        heads = [trigger, *(c for c in trigger.children if c.dep_ in ("dobj", "prep", "advcl", "xcomp"))]
        for h in list(heads):
            if h.dep_ == "dobj":
                heads.extend(c for c in h.children if c.dep_ == "prep")
        for h in list(heads):
            if h.dep_ == "prep":
                heads.extend(c for c in h.children if c.dep_ == "pobj")
        for h in heads:
            if h.lemma_.lower() not in self.rules.protest_heads:
                continue
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in self.rules.protest_preps:
                    pobj = _pobj(c)
                    if pobj is not None and (actor is None or pobj.i != actor.i) and self._ok(pobj, False):
                        return pobj
        return None

    def _recipient(self, m: _Match, args: _Args, actor: Token | None) -> Token | None:
        where = m.pattern.recipient or ("dative", "object", *(f"prep:{p}" for p in self.rules.recipient_preps),
                                        "clause")
        # First a recipient whose country or IGO is known, then any named one.
        lemma = m.token.lemma_.lower()
        found = self._recipient_pass(args, actor, where, coded=True, m_object=m.pattern.object, verb_lemma=lemma,
                                     m_type=m.type)
        return found if found is not None else self._recipient_pass(args, actor, where, coded=False,
                                                                    m_object=m.pattern.object, verb_lemma=lemma,
                                                                    m_type=m.type)

    def _ok(self, tok: Token, coded: bool) -> bool:
        part = self.participant(tok, recipient=True)
        return part is not None and (not coded or bool(part.get("code")))

    def _recipient_pass(self, args: _Args, actor: Token | None, where: Sequence[str], *, coded: bool,
                        m_object: frozenset[str] | None = None, verb_lemma: str = "",
                        m_type: str | None = None) -> Token | None:
        for spot in where:
            if spot == "clause":
                # "demanded that X withdraw": the embedded clause's subject is asked.
                if self.rules.frames.get(verb_lemma) not in ("request", "reject", "accuse"):
                    continue
                for c in args.clause_subjects:
                    if (actor is None or c.i != actor.i) and self._ok(c, coded):
                        return c
                continue
            if spot == "dative":
                if args.dative is not None and self._ok(args.dative, coded):
                    return args.dative
            elif spot == "object":
                for obj in args.objects:
                    if args.passive:
                        continue
                    if not coded and m_object is not None and _in(obj, m_object) and m_type in _THEME_OBJECT:
                        continue  # "deployed troops": the troops are what is moved, not a recipient
                    if self._ok(obj, coded):
                        return obj
                    # "rejected calls by Kofi Annan", "dismissed an appeal from the president":
                    # whose act the object is.
                    for c in obj.children:
                        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                            pobj = _pobj(c)
                            if pobj is not None and (actor is None or pobj.i != actor.i) and self._ok(pobj, coded):
                                return pobj
                        if c.dep_ == "acl" and c.tag_ == "VBN":
                            # "prevented the demonstration staged by students": whose act it is.
                            agent = self.agent(c)
                            if agent is not None and (actor is None or agent.i != actor.i) and self._ok(agent, coded):
                                return agent
            elif spot.startswith("prep:"):
                word = spot[5:]
                for pw, pobj, _prep in args.preps:
                    if pw == word and pobj is not None and (actor is None or pobj.i != actor.i):
                        if pobj.lemma_.lower() in self.rules.location_heads and word in ("on", "at", "along", "near"):
                            continue  # "a stronghold on the Thai border": where, not whom
                        if word == "between" and actor is None:
                            continue  # "clashes between X and Y": X is the actor, not a recipient
                        if self._ok(pobj, coded):
                            return pobj
        return None

    def _noun_actor(self, noun: Token) -> Token | None:
        for c in noun.children:
            if c.dep_ == "poss":
                return c  # "Russia's attack"; "its demands" (the pronoun is resolved later)
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "by":
                return _pobj(c)
        for c in noun.children:
            if c.dep_ in ("amod", "compound", "nmod") and c.i < noun.i:
                for t in c.subtree:
                    mention = self.mention_at.get(t.i)
                    if (mention is not None and self._coded(mention)) or (t.ent_type_ in ("NORP", "GPE") and t.i < noun.i):
                        return t  # "Russian strikes", "US sanctions" (not "naval blockade")
        head = noun.head
        if (noun.dep_ == "nsubj" and head.lemma_.lower() == "be" and head.dep_ in ("ccomp", "conj")
                and head.head.lemma_.lower() in self.rules.light_verbs
                and not any(c.dep_ in ("dobj", "obj") for c in head.head.children)):
            # "The last time X held talks was on January 21": the parser gives the light
            # verb's object to the copula that follows.
            return self.subject(head.head)
        if (noun.dep_ in _LIGHT_DEPS and head.i != noun.i and head.pos_ in ("VERB", "AUX")
                and head.lemma_.lower() in self.rules.light_verbs):
            if noun.dep_ == "nsubjpass":
                return self.agent(head)
            return self.subject(head)
        if (noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB" and head.lower_ in ("in", "into", "to", "for", "on")
                and head.head.lemma_.lower() in self.rules.participation_verbs
                and not any(c.dep_ == "dobj" for c in head.head.children)):
            # "took part in protests", "gathered for a rally" (but not "gathered forces for an
            # invasion": the forces are gathered, the invasion is their purpose)
            return self.subject(head.head)  # "took part in protests", "called for talks"
        return None

    def noun_participants(self, m: _Match) -> tuple[Token | None, Token | None, dict | None, dict | None]:
        noun = m.token
        if m.frames:
            return m.actor_tok, m.recipient_tok, m.actor_part, m.recipient_part
        actor = m.actor_tok or self._noun_actor(noun)
        recipient = m.recipient_tok
        actor_part = recipient_part = None
        for c in noun.children:
            if c.dep_ != "prep":
                continue
            word = c.lower_
            pobj = _pobj(c)
            if pobj is None:
                continue
            if word == "between":
                parts = self._mentions_in(pobj)
                if parts:
                    actor_part = actor_part or (parts[0] if actor is None else None)
                    rest = parts[1:] if actor is None else parts
                    if rest and recipient is None:
                        recipient_part = rest[0]
                continue
            if word == "of" and m.type in ("RETREAT", "MOBILIZE", "PROTEST", "CONSULT", "AID") and actor is None:
                if self.participant(pobj) is not None:
                    actor = pobj
                continue
            if recipient is None and recipient_part is None and word in self.rules.recipient_preps + ("of",) and word != "by":
                if self.participant(pobj, recipient=True) is not None:
                    recipient = pobj
        if recipient is None and recipient_part is None:
            # "the attack hit X", "the attack that hit X": what the event noun hit.
            verbs = [noun.head] if noun.dep_ == "nsubj" and noun.head.i != noun.i else []
            verbs += [c for c in noun.children if c.dep_ == "relcl"
                      and any(s.dep_ == "nsubj" and s.lower_ in _RELATIVE for s in c.children)]
            for verb in verbs:
                obj = _child(verb, "dobj")
                if obj is not None and self.participant(obj, recipient=True) is not None:
                    recipient = obj
                    break
        if recipient is None and recipient_part is None and m.type in ("REQUEST", "REJECT", "THREATEN", "ACCUSE"):
            # "its demands that Burundi's government grant …": the clause says who is asked.
            for c in noun.children:
                if c.dep_ in ("acl", "ccomp", "relcl"):
                    sub = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass")), None)
                    if sub is not None and sub.lower_ not in _RELATIVE and self.participant(sub, recipient=True):
                        recipient = sub
                        break
        if actor is not None and recipient is not None and actor.i == recipient.i:
            recipient = None
        return actor, recipient, actor_part, recipient_part

    def _mentions_in(self, tok: Token) -> list[dict]:
        out: list[dict] = []
        seen: set[int] = set()
        for t in tok.subtree:
            mention = self.mention_at.get(t.i)
            if mention is None or id(mention) in seen:
                continue
            seen.add(id(mention))
            out.append(self._from_mention(mention))
        return out

    def _antecedent(self, tok: Token) -> Token | None:
        """A pronoun's antecedent: the subject of the nearest embedding clause that has a
        non-pronoun subject ("Syria says it is willing" → Syria; "X was quoted as saying he …" → X)."""
        def subj_of(node: Token) -> Token | None:
            found = self.subject(node)
            if found is None:
                found = _child(node, "nsubjpass")
            return found

        node = tok.head
        for _ in range(8):
            if node.head.i == node.i:
                subj = subj_of(node)
                return subj if subj is not None and subj.lower_ not in _PRONOUNS and subj.i != tok.i else None
            if node.pos_ in ("VERB", "AUX"):
                subj = subj_of(node)
                if subj is not None and subj.i != tok.i and subj.lower_ not in _PRONOUNS and subj.i < tok.i:
                    return subj
            node = node.head
        subj = subj_of(node)
        return subj if subj is not None and subj.lower_ not in _PRONOUNS and subj.i != tok.i else None

    def participant(self, tok: Token | None, *, recipient: bool = False) -> dict | None:
        """``{text, actor_id, code, sector}`` for the phrase headed by ``tok``, or None when the
        phrase names no actor (no mention and no named entity)."""
        if tok is None:
            return None
        if tok.lower_ in _PRONOUNS and tok.pos_ == "PRON":
            ante = self._antecedent(tok)
            if ante is None:
                return None
            tok = ante
        if tok.lemma_.lower() in self.rules.non_actor_heads:
            # "a United States military airstrike": whose instrument it was, if the phrase says.
            for t in tok.subtree:
                if t.i < tok.i and t.i in self.mention_at and self._coded(self.mention_at[t.i]):
                    return self._from_mention(self.mention_at[t.i])
            return None
        if (tok.lemma_.lower() in self.rules.measure_nouns or tok.pos_ == "NUM") and tok.i not in self.mention_at:
            # "tens of thousands of students", "a group of refugees": the counted noun.
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "of" and _pobj(c) is not None:
                    return self.participant(_pobj(c), recipient=recipient)
        head_mention = self.mention_at.get(tok.i)
        if head_mention is not None and self._coded(head_mention):
            office = self._office(tok, head_mention)
            if office is not None:
                return _merge(self._from_mention(office), self._from_mention(head_mention))
            if tok.ent_type_ == "NORP":
                # "ethnic Albanians in south Serbia", "the Albanians of southern Serbia": an
                # ethnic group placed in a country is coded with that country.
                located = self._located_group(tok, any_head=True)
                if located is not None:
                    return _merge(located, self._from_mention(head_mention))
            return self._from_mention(head_mention)
        head_part = self._from_mention(head_mention) if head_mention is not None else None
        # A bare role noun ("activists", "troops") names no one by itself: a coded actor inside
        # its phrase ("activists from the Fatah Party", "Israeli soldiers"), or a place that
        # locates it ("groups in Zimbabwe"), says who.
        best = None
        best_dist = 10**6
        extended = head_mention is not None or tok.lemma_.lower() in self.rules.group_nouns
        for t in _np_tokens(tok, recipient=recipient, extended=extended):
            if t.i == tok.i:
                continue
            mention = self.mention_at.get(t.i)
            if mention is None or mention is head_mention or not self._coded(mention):
                continue  # a bare role word inside the phrase ("an official protest") names no one
            dist = abs(t.i - tok.i) + (0 if t.i < tok.i else 2)
            if dist < best_dist:
                best, best_dist = mention, dist
        if best is not None:
            return _merge(self._from_mention(best), head_part)
        located = self._located_group(tok)
        if located is not None:
            return _merge(located, head_part)
        if head_part is not None:
            return head_part
        named = None
        for t in [tok, *sorted(_np_tokens(tok, recipient=recipient), key=lambda t: abs(t.i - tok.i))]:
            if t.ent_type_ in NAMED_LABELS:
                ent = ent_at(t.doc, t.i)
                text = ent.text if ent is not None else t.text
                part = {"text": text, "actor_id": None, "code": self._country_code(text, t.ent_type_),
                        "sector": None, "named": True, "place": t.ent_type_ in ("GPE", "LOC", "FAC")}
                if part["code"]:
                    if named is not None and t.ent_type_ == "NORP":
                        part["text"] = f"{text} {named['text']}"  # "Iraqi" + "Kurds"
                    return part
                named = named or part
        if named is not None:
            return named
        for conj in tok.conjuncts:
            if conj.i > tok.i:
                part = self.participant(conj, recipient=recipient)
                if part is not None:
                    return part  # "to coalition partners and Washington"
        return None

    def _office(self, tok: Token, mention: Any) -> Any:
        """The country or organization a person is named with, when the text says it and the
        resolver gave another: "King Hassan of Morocco", "Kenzo Oshima, the United Nations
        relief coordinator" (the office's own modifier, not any name in the apposition: "an
        ally of Xi" says nothing of whom Putin acts for)."""
        actor = self.analysis.actors.get(mention.actor_id) if mention.actor_id else None
        if actor is None or actor.kind != "person":
            return None
        candidates: list[Token] = []
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of" and _pobj(c) is not None:
                candidates.append(_pobj(c))
            elif c.dep_ == "appos":
                candidates.extend(x for x in c.children if x.dep_ in ("compound", "amod", "poss", "nmod") and x.i < c.i)
        for cand in candidates:
            for t in cand.subtree if cand.dep_ != "pobj" else (cand,):
                found = self.mention_at.get(t.i)
                if found is None or found is mention or not self._coded(found):
                    continue
                other = self.analysis.actors.get(found.actor_id)
                if other.kind in ("state", "igo") and other.code != actor.code:
                    return found
        return None

    def _located_group(self, tok: Token, any_head: bool = False) -> dict | None:
        """"Opposition groups in Zimbabwe", "rebels in the Ivory Coast", "a missionary from
        Calgary": a group or person noun placed by an in/from phrase stands for that country
        (the place is not an actor mention, so the country comes from the place)."""
        if tok.pos_ not in ("NOUN",) and tok.i not in self.mention_at:
            return None
        head = tok.lemma_.lower()
        dictionary = _dictionary()
        is_group = any_head or head in self.rules.group_nouns
        if not is_group and dictionary is not None:
            try:
                is_group = dictionary.agent(tok.text) is not None
            except Exception:  # the dictionary is optional here
                is_group = False
        if not is_group:
            return None
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in _PLACING:
                pobj = _pobj(c)
                if pobj is None:
                    continue
                code = None
                for place in self.analysis.places:
                    if place.place is not None and place.place.country and pobj.left_edge.idx <= place.start <= pobj.idx:
                        code = place.place.country
                        break
                if code is None and pobj.ent_type_ in ("GPE", "LOC"):
                    ent = ent_at(self.doc, pobj.i)
                    code = self._country_code(ent.text if ent is not None else pobj.text, "GPE")
                if code is not None:
                    return {"text": self.text[tok.left_edge.idx:pobj.right_edge.idx + len(pobj.right_edge)],
                            "actor_id": None, "code": code, "sector": _agent_sector(dictionary, tok.text), "named": True}
        return None

    def _country_code(self, text: str, label: str) -> str | None:
        """The country a named but unresolved demonym or country name stands for ("Israeli
        tanks"): the actor layer leaves some such phrases without a mention."""
        if label not in ("NORP", "GPE"):
            return None
        dictionary = _dictionary()
        if dictionary is None:
            return None
        try:
            found = dictionary.country(text)
        except Exception:  # the dictionary is optional here; never fail the coder on it
            return None
        if found is None or getattr(found, "ambiguous", False):
            return None
        return found.code

    def is_state(self, part: Mapping[str, Any] | None) -> bool:
        """Whether a participant is a country or its government, forces or officials."""
        if not part or not part.get("code") or self.is_igo(part):
            return False
        if part.get("sector") in self.rules.state_sectors:
            return True
        actor = self.analysis.actors.get(part["actor_id"]) if part.get("actor_id") else None
        return getattr(actor, "kind", None) == "state"

    def is_igo(self, part: Mapping[str, Any] | None) -> bool:
        """Whether a participant is an international organization (by its actor record)."""
        if not part:
            return False
        if part.get("sector") == "IGO":
            return True
        actor = self.analysis.actors.get(part["actor_id"]) if part.get("actor_id") else None
        return getattr(actor, "kind", None) == "igo"

    def _coded(self, mention: Any) -> bool:
        actor = self.analysis.actors.get(mention.actor_id) if mention.actor_id else None
        return actor is not None and actor.code is not None

    def _from_mention(self, mention: Any) -> dict:
        actor = self.analysis.actors.get(mention.actor_id) if mention.actor_id else None
        named = mention.label in NAMED_LABELS or (actor is not None and actor.kind in ("person", "state", "igo"))
        if not named:
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            named = span is not None and any(t.pos_ == "PROPN" or t.ent_type_ in NAMED_LABELS for t in span)
        return {"text": mention.text, "actor_id": mention.actor_id,
                "code": actor.code if actor is not None else None,
                "sector": actor.sector if actor is not None else None, "named": named}

    def unidentified_attacker(self, m: _Match, actor_tok: Token | None) -> dict | None:
        """PLOVER's unidentified armed forces (UAF) of the country an attack happened in, when
        the attacker is only an instrument ("a roadside bombing near Samarra killed …", "were
        killed by an improvised explosive device outside Basra")."""
        # A verb's instrument subject or agent ("was killed by an explosive device"), or an
        # event noun that is itself the subject ("a roadside bombing killed"); an attack noun
        # elsewhere ("the attack on the embassy") says nothing of who attacked.
        head = m.token if (m.noun and m.token.dep_ == "nsubj") else actor_tok
        if head is None or not (head.lemma_.lower() in self.rules.non_actor_heads
                                or head.lemma_.lower() in self.rules.unidentified_attackers
                                or head.lower_ in self.rules.unidentified_attackers):
            return None
        lo, hi = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
        anchor = (m.anchor or m.token)
        lo2, hi2 = anchor.left_edge.idx, anchor.right_edge.idx + len(anchor.right_edge)
        for place in self.analysis.places:
            if place.place is None or not place.place.country:
                continue
            if lo <= place.start < hi or lo2 <= place.start < hi2:
                return {"text": self.text[lo:hi], "actor_id": None, "code": place.place.country, "sector": "UAF",
                        "named": False}
        return None

    def place_recipient(self, m: _Match) -> dict | None:
        """A country inferred from a place the event happens in or is aimed at, when no actor
        is: "demonstrated in Serbia", "curfew in the town of Cizre" (PLOVER codes such places
        as the recipient). Only places inside the trigger's own clause count."""
        for place in self._clause_places(m):
            if place.place is not None and place.place.country:
                return {"text": place.text, "actor_id": None, "code": place.place.country, "sector": None,
                        "named": True, "place": True}
        return None

    def _clause_places(self, m: _Match) -> list[Any]:
        doc = self.doc
        anchors = {m.token.i, (m.anchor or m.token).i, *(t.i for t in m.span_tokens)}
        if m.noun and m.token.dep_ in ("nsubj", "nsubjpass") and m.token.head.i != m.token.i:
            anchors.add(m.token.head.i)  # "the deployment … arrived in Bosnia": where it happened
        if (m.noun and m.token.dep_ == "pobj" and m.token.head.dep_ == "prep"
                and m.token.head.head.lemma_.lower() in self.rules.participation_verbs):
            anchors.add(m.token.head.head.i)  # "return to Geneva for talks": where they meet
        out = []
        for place in self.analysis.places:
            span = doc.char_span(place.start, place.end, alignment_mode="expand")
            if span is None or span.sent.start != m.token.sent.start:
                continue
            node = span.root
            for _ in range(8):
                if node.i in anchors:
                    out.append(place)
                    break
                if node.head.i == node.i or (node.pos_ in ("VERB", "AUX") and node.i not in anchors):
                    break
                node = node.head
        return out

    # -- attributes --------------------------------------------------------------------------
    def date(self, sent: Span, m: _Match) -> tuple[str | None, str | None]:
        """The event's date: a time expression of the event's own clause, else of a clause that
        embeds it ("On Tuesday, X denied that Y had sent …"), nearest first; a time in another
        clause ("the document presented on January 26") dates something else. Failing that,
        the publication date."""
        anchor = m.anchor or m.token
        own = {m.token.i, anchor.i, *(t.i for t in m.span_tokens)}
        own.update(c.i for c in _stray_preps(anchor))
        if m.noun:
            # "the attack hit X on Monday", "the attack that hit X on January 14": the verb
            # that tells the event noun's story is its clause.
            noun = m.token
            if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.i != noun.i:
                own.add(noun.head.i)
            own.update(c.i for c in noun.children if c.dep_ == "relcl"
                       and any(x.dep_ in ("nsubj", "nsubjpass") and x.lower_ in _RELATIVE for x in c.children))
        above: dict[int, int] = {}
        for start in (m.token, anchor):
            node, depth = start, 0
            while node.head.i != node.i and depth < 12:
                if node.dep_ == "relcl" and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in _RELATIVE
                                                for c in node.children) and not any(
                        c.lower_ in ("where", "when", "whereupon") for c in node.children):
                    # "the guarantees that Russia is asking for": a relative clause with a subject
                    # of its own tells another act, with its own time.
                    break
                node, depth = node.head, depth + 1
                above.setdefault(node.i, depth)
        best = self._clause_time(sent, own, above, anchor)
        if best is None:
            # "intends to invade, asserting that it will do so in February": the time of a
            # "do so" clause later in the sentence is the time of the act it stands for.
            for t in sent:
                if t.i > anchor.i and t.lemma_ == "do" and any(
                        c.lower_ in self.rules.do_so_words and c.dep_ in ("advmod", "dobj") for c in t.children):
                    best = self._clause_time(sent, {t.i}, {}, t)
                    if best is not None:
                        break
        if best is not None:
            return best.value, best.precision
        if self.published:
            return self.published[:10], "publication"
        return None, None

    def _clause_time(self, sent: Span, own: set[int], above: dict[int, int], anchor: Token) -> Any:
        """The sentence's time expression whose clause is ``own`` (rank 0) or an embedding one
        (ranked by depth in ``above``), nearest first; None when there is none."""
        best = None
        best_key = None
        for t in self.analysis.times:
            if not t.value[:4].isdigit():
                continue  # "PRESENT_REF", "FUTURE_REF": no date to give the event
            if not (t.start >= sent.start_char and t.end <= sent.end_char):
                continue
            span = self.doc.char_span(t.start, t.end, alignment_mode="expand")
            if span is None:
                continue
            node = span.root
            rank = None
            for _ in range(12):
                if node.i in own:
                    rank = 0
                    break
                if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
                    rank = above.get(node.i)
                    break
                node = node.head
            if rank is None:
                continue
            key = (rank, abs(t.start - anchor.idx))
            if best_key is None or key < best_key:
                best, best_key = t, key
        return best

    def location_at(self, tok: Token) -> dict | None:
        """The place named by the phrase headed by ``tok``, as an event location, or None."""
        lo, hi = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        for place in self.analysis.places:
            if lo <= place.start < hi:
                p = place.place
                return {"text": place.text, "name": p.name if p else None, "country": p.country if p else None,
                        "lat": p.lat if p else None, "lon": p.lon if p else None}
        return None

    def location(self, sent: Span, m: _Match) -> dict | None:
        for place in self._clause_places(m):
            p = place.place
            return {"text": place.text, "name": p.name if p else None, "country": p.country if p else None,
                    "lat": p.lat if p else None, "lon": p.lon if p else None}
        return None

    def quantity(self, m: _Match) -> dict | None:
        quantities = self.analysis.quantities
        if not quantities:
            return None
        heads: list[Token] = []
        if m.args is not None:
            heads.extend(m.args.objects)
        if m.noun:
            heads.append(m.token)
            for c in m.token.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    pobj = _pobj(c)
                    if pobj is not None:
                        heads.append(pobj)
        if m.recipient_tok is not None:
            heads.append(m.recipient_tok)
        by_head = {q.head_start: q for q in quantities}
        for h in heads:
            q = by_head.get(h.idx)
            if q is not None:
                return {"text": q.text, "value": q.value, "unit": q.unit, "approximate": q.approximate}
        return None


def _merge(part: dict, head: dict | None) -> dict:
    """A coded actor found inside a role phrase, with the role's sector when it has none."""
    if head is None:
        return part
    out = dict(part)
    if not out.get("sector") and head.get("sector"):
        out["sector"] = head["sector"]
    return out


def _np_tokens(tok: Token, *, recipient: bool = False, extended: bool = False) -> list[Token]:
    """The tokens of the noun phrase headed by ``tok`` (modifiers, possessors, "of" phrases;
    ``extended`` adds the head's own from/in phrases: "activists from the Fatah Party")."""
    out: list[Token] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ not in _NP_DEPS:
                continue
            if c.dep_ == "prep" and c.lower_ != "of" and not (extended and t.i == tok.i and c.lower_ in _PLACING):
                continue
            if c.dep_ == "poss" and c.pos_ == "PRON":
                continue
            stack.append(c)
    return out


@lru_cache(maxsize=256)
def _country_name(code: str) -> str:
    """A country's short name for an implied participant (the code when it is not a country)."""
    try:
        import pycountry

        found = pycountry.countries.get(alpha_3=code)
    except (ImportError, LookupError, KeyError):
        found = None
    return getattr(found, "common_name", None) or getattr(found, "name", None) or code


def _agent_sector(dictionary: Any, noun: str) -> str | None:
    if dictionary is None:
        return None
    try:
        info = dictionary.agent(noun)
    except Exception:  # the dictionary is optional here
        return None
    return info.sector if info is not None else None


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    try:
        from sitrep.analyze.dictionary import default_dictionary

        return default_dictionary()
    except Exception:  # an incomplete or missing actor dictionary only loses this fallback
        return None


# --------------------------------------------------------------------------------------------
# Entry point

@lru_cache(maxsize=1)
def default_coder() -> EventCoder:
    """The coder with the packaged rules, built once per process."""
    return EventCoder()


def code_events(analysis: Analysis) -> list[Event]:
    """PLOVER events in an analysed document (see the module docstring for how)."""
    return default_coder().code(analysis)
