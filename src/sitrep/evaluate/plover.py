"""Score the event coder on PLOVER and CAMEO gold sentences.

Two gold sets, both one sentence per item with the event a human (or a reference coder) gave it:

- :func:`evaluate_plover`: the PLOVER gold-standard records (JSONL; ``text``, ``event``,
  ``mode``, ``source[]``/``target[]`` with ``code``/``sector``). Older type names (DEMAND,
  DISAPPROVE, INVESTIGATE, FIGHT) and older modes are normalised through the ontology.
- :func:`evaluate_cameo`: the petrarch/UniversalPetrarch validation suite (XML ``<Sentence>``
  records with ``<EventCoding sourcecode= targetcode= eventcode=>`` and ``<Text>``), whose
  expected CAMEO codes are read as PLOVER through the crosswalk. Its sentences name fictional
  actors ("Arnor", "Gondor") from its own actor dictionary (``PETR.Validate.actors.txt``, the
  ``<Actorfile>`` its ``<Environment>`` names); that dictionary, with its agents file, supplies
  the actor mentions, so the figures measure event coding, not our actor dictionary.

Each sentence is run through the whole pipeline (``analyze_text`` then ``code_events``), on its
own, with the record's date as publication date.

Scoring is per sentence. Of the events predicted for a sentence, the one that best matches the
gold counts: the first by (same type, actor code among the gold source codes, recipient code
among the gold target codes, confidence). A sentence with no predicted event counts as wrong on
every figure. The figures:

- ``type_accuracy``: share of sentences whose best event has the gold type.
- ``type_macro_f1``: per-type F1 over sentences, the best event's type (or "no event") taken as
  the sentence's prediction, averaged over the types that occur in the gold or the predictions
  ("no event" is not a type: a missed sentence costs its gold type recall only).
- ``actor_code_accuracy``: share of sentences whose best event's actor code is one of the gold
  source codes. Codes compare on the country/IGO part: IGO short codes (``NATO``, ``UN``…)
  match the gold's generic ``IGO``, CAMEO composite codes (``GONMIL``) compare their first
  three letters.
- ``recipient_code_accuracy``: the same for the recipient, over sentences whose gold has target
  codes.
- ``mode_accuracy``: over sentences whose gold mode is a mode of the gold type (after
  normalisation), the share whose best event has that type and that mode.
- ``actor_code_precision``, ``recipient_code_precision``: the same matches over the sentences
  whose best event *has* an actor (a recipient) code: how often a code the coder gives is right,
  where the accuracies also count the sentences it leaves without one.
- ``no_event_rate``: share of sentences with no predicted event.
- ``n``: sentences scored; ``per_type``: precision, recall, F1 and support per type.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from sitrep.errors import InputRejected, SitrepError
from sitrep.events.ontology import EVENT_TYPES, normalize_mode, normalize_type
from sitrep.records import Event

#: IGO short codes that match a gold ``IGO`` code (the gold set codes all IGOs as ``IGO``).
IGO_CODES = frozenset({
    "IGO", "NATO", "UN", "EU", "OSCE", "AU", "ASEAN", "IAEA", "WHO", "ICC", "IMF", "WB", "OPEC", "ARL",
    "CIS", "CSTO", "UNHCR", "WFP", "UNSC", "ICRC", "OAS", "OAU", "ECOWAS", "SADC", "GCC", "OIC", "WTO",
    "UNICEF", "UNESCO", "IRC", "ICJ", "ICTY", "EC", "APEC", "AMU", "CARICOM", "SCO", "BRICS", "G7", "G20",
})

#: A predictor maps ``(sentence text, ISO date)`` to events (default: the whole pipeline).
Predictor = Callable[[str, str | None], Sequence[Event]]


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold sentence: text, normalised type and mode, source and target codes."""

    id: str
    text: str
    date: str | None
    types: frozenset[str]
    mode: str | None
    sources: frozenset[str]
    targets: frozenset[str]


def _code_key(code: str | None) -> str | None:
    """The comparable part of an actor code: IGOs as ``IGO``, else the first three letters."""
    if not code:
        return None
    code = code.strip().upper()
    if code in IGO_CODES or code.startswith("IGO"):
        return "IGO"
    return code[:3]


def _pipeline_predictor() -> Predictor:
    from sitrep.analyze import STEPS, analyze_text
    from sitrep.events.coder import code_events

    # The coder is called here, so an "events" analysis step (where there is one) is left out.
    steps = tuple(s for s in STEPS if s not in ("events", "statements"))

    def predict(text: str, date: str | None) -> Sequence[Event]:
        analysis = analyze_text(text, published=date, steps=steps)
        return [_igo_as_igo(e, analysis.actors) for e in code_events(analysis)]

    return predict


def _igo_as_igo(event: Event, actors: Mapping[str, Any]) -> Event:
    """Participants whose actor is an IGO compare as ``IGO`` (the gold's generic code), whatever
    short code the actor dictionary gives them ("LAS", "WFP")."""
    import dataclasses

    changes = {}
    for role in ("actor", "recipient"):
        part = getattr(event, role)
        if not part:
            continue
        kind = getattr(actors.get(part.get("actor_id")), "kind", None) if part.get("actor_id") else None
        if kind == "igo" or _igo_code(part.get("code")):
            changes[role] = {**part, "code": "IGO"}
    return dataclasses.replace(event, **changes) if changes else event


def _codes(entities: Any) -> frozenset[str]:
    if not isinstance(entities, list):
        return frozenset()
    out = set()
    for e in entities:
        if isinstance(e, Mapping):
            key = _code_key(e.get("code"))
            if key:
                out.add(key)
    return frozenset(out)


def read_plover_gold(path: Path) -> list[GoldEvent]:
    """Parse a PLOVER gold JSONL file; raises :class:`InputRejected` when it cannot be read."""
    path = Path(path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputRejected(f"cannot read the PLOVER gold file: {exc}", input=str(path)) from exc
    out: list[GoldEvent] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            event_type, implied = normalize_type(rec["event"])
            text = rec["text"]
        except (ValueError, KeyError, TypeError, SitrepError) as exc:
            raise InputRejected(f"line {n} is not a PLOVER gold record ({exc})", input=str(path)) from exc
        mode = rec.get("mode")
        mode = normalize_mode(rec["event"], mode) if mode else implied
        out.append(GoldEvent(
            id=str(rec.get("id", n)), text=text, date=rec.get("date"), types=frozenset({event_type}), mode=mode,
            sources=_codes(rec.get("source")), targets=_codes(rec.get("target")),
        ))
    if not out:
        raise InputRejected("the PLOVER gold file holds no records", input=str(path))
    return out


def _igo_code(code: str | None) -> bool:
    """A code that is neither an ISO 3166-1 alpha-3 country nor NGO: an IGO short code."""
    if not code or code in ("NGO", "IGO"):
        return code == "IGO"
    if len(code) != 3:
        return code.isupper()
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return False
    return pycountry.countries.get(alpha_3=code) is None and code not in ("XKX", "KSV")


def _participant_key(part: Mapping[str, Any] | None) -> str | None:
    """A participant's comparable code; an NGO or IGO without a code compares by its sector."""
    if not part:
        return None
    key = _code_key(part.get("code"))
    if key is None and part.get("sector") in ("NGO", "IGO"):
        return part["sector"]
    return key


def _best(events: Sequence[Event], gold: GoldEvent) -> Event | None:
    if not events:
        return None

    def key(e: Event) -> tuple:
        actor = _participant_key(e.actor)
        recipient = _participant_key(e.recipient)
        return (e.type in gold.types, actor is not None and actor in gold.sources,
                recipient is not None and recipient in gold.targets, e.confidence)

    return max(events, key=key)


def score(pairs: Iterable[tuple[GoldEvent, Sequence[Event]]]) -> dict[str, Any]:
    """The figures of the module docstring for (gold, predicted events) pairs."""
    n = type_ok = actor_ok = recipient_ok = recipient_n = mode_ok = mode_n = none = 0
    actor_given = recipient_given = recipient_given_ok = 0
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for gold, events in pairs:
        n += 1
        best = _best(events, gold)
        if best is None:
            none += 1
        predicted = best.type if best is not None else None
        gold_type = next(iter(sorted(gold.types)))
        if predicted is not None and predicted in gold.types:
            type_ok += 1
            tp[predicted] = tp.get(predicted, 0) + 1
        else:
            fn[gold_type] = fn.get(gold_type, 0) + 1
            if predicted is not None:
                fp[predicted] = fp.get(predicted, 0) + 1
        if best is not None and _participant_key(best.actor) in gold.sources:
            actor_ok += 1
        if best is not None and _participant_key(best.actor) is not None:
            actor_given += 1
        if gold.targets:
            recipient_n += 1
            if best is not None and _participant_key(best.recipient) in gold.targets:
                recipient_ok += 1
            if best is not None and _participant_key(best.recipient) is not None:
                recipient_given += 1
                recipient_given_ok += _participant_key(best.recipient) in gold.targets
        if gold.mode:
            mode_n += 1
            if best is not None and best.type in gold.types and best.mode == gold.mode:
                mode_ok += 1
    labels = [t for t in EVENT_TYPES if tp.get(t) or fp.get(t) or fn.get(t)]
    per_type: dict[str, dict[str, float]] = {}
    f1s = []
    for t in labels:
        p_den = tp.get(t, 0) + fp.get(t, 0)
        r_den = tp.get(t, 0) + fn.get(t, 0)
        p = tp.get(t, 0) / p_den if p_den else 0.0
        r = tp.get(t, 0) / r_den if r_den else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_type[t] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": r_den}
        f1s.append(f)
    return {
        "type_accuracy": type_ok / n if n else 0.0,
        "type_macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "actor_code_accuracy": actor_ok / n if n else 0.0,
        "recipient_code_accuracy": recipient_ok / recipient_n if recipient_n else 0.0,
        "mode_accuracy": mode_ok / mode_n if mode_n else 0.0,
        "actor_code_precision": actor_ok / actor_given if actor_given else 0.0,
        "recipient_code_precision": recipient_given_ok / recipient_given if recipient_given else 0.0,
        "no_event_rate": none / n if n else 0.0,
        "n": n,
        "n_recipient": recipient_n,
        "n_mode": mode_n,
        "per_type": per_type,
    }


def evaluate_plover(path: Path, *, predict: Predictor | None = None, details: bool = False) -> dict[str, Any]:
    """Score the coder on a PLOVER gold JSONL file (figures in the module docstring).

    ``predict`` replaces the pipeline (for tests); ``details`` adds ``items``: per sentence the
    gold and the best predicted event, for error analysis.
    """
    gold = read_plover_gold(Path(path))
    predict = predict or _pipeline_predictor()
    pairs = [(g, list(predict(g.text, g.date))) for g in gold]
    result = score(pairs)
    if details:
        result["items"] = [_item(g, ev) for g, ev in pairs]
    return result


def _item(g: GoldEvent, events: Sequence[Event]) -> dict[str, Any]:
    best = _best(events, g)
    return {
        "id": g.id, "text": g.text, "gold": sorted(g.types), "gold_mode": g.mode,
        "sources": sorted(g.sources), "targets": sorted(g.targets),
        "predicted": None if best is None else {
            "type": best.type, "mode": best.mode, "factuality": best.factuality,
            "actor": _participant_key(best.actor), "recipient": _participant_key(best.recipient),
            "trigger": best.evidence.get("trigger", {}).get("text"), "pattern": best.evidence.get("pattern"),
        },
        "n_events": len(events),
    }


# --------------------------------------------------------------------------------------------
# CAMEO validation suite

@dataclass(frozen=True, slots=True)
class CameoSentence:
    """One validation sentence: id, text, date and its expected (source, target, event) codes."""

    id: str
    text: str
    date: str | None
    codings: tuple[tuple[str, str, str], ...]


def read_cameo_suite(path: Path) -> tuple[list[CameoSentence], dict[str, str]]:
    """Parse the validation XML: the sentences, and the ``<Environment>`` file names."""
    path = Path(path)
    try:
        text = path.read_text("utf-8", errors="replace")
        root = ET.fromstring(text)
    except (OSError, ET.ParseError) as exc:
        raise InputRejected(f"cannot read the CAMEO validation suite: {exc}", input=str(path)) from exc
    env = {child.tag: (child.text or "").strip() for child in root.find("Environment") or ()}
    out = []
    for s in root.iter("Sentence"):
        body = s.find("Text")
        if body is None or not (body.text or "").strip():
            continue
        date = s.get("date")
        iso = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if date and len(date) == 8 and date.isdigit() else None
        codings = tuple((c.get("sourcecode", ""), c.get("targetcode", ""), c.get("eventcode", ""))
                        for c in s.findall("EventCoding"))
        out.append(CameoSentence(id=s.get("id", ""), text=" ".join(body.text.split()), date=iso, codings=codings))
    if not out:
        raise InputRejected("the CAMEO validation suite holds no sentences", input=str(path))
    return out, env


def _cameo_type(code: str) -> tuple[str, str | None] | None:
    from sitrep.events.cameo import cameo_to_plover
    from sitrep.errors import SitrepError

    try:
        return cameo_to_plover(code)
    except SitrepError:
        return None


def _read_petrarch_phrases(path: Path, agents: bool) -> list[tuple[str, str]]:
    """(phrase, code) pairs from a petrarch actor or agent dictionary: enough of the format for
    the validation dictionaries (primary phrases with ``[CODE]``, ``+synonyms``, ``{plurals}``)."""
    out: list[tuple[str, str]] = []
    pending: list[str] = []
    text = re.sub(r"<!--.*?-->", "", path.read_text("utf-8", errors="replace"), flags=re.S)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("!"):
            continue
        code_m = re.search(r"\[([^\]]*)\]", line)
        phrase_part = line[: code_m.start()] if code_m else line
        phrase_part = re.sub(r"\{[^}]*\}", "", phrase_part).strip()
        if line.startswith("\t") or line.startswith("    ") and not phrase_part:
            if code_m and pending:
                code = code_m.group(1).split()[0]
                out.extend((p, code) for p in pending)
                pending = []
            continue
        if phrase_part.startswith("+"):
            pending.append(phrase_part[1:])
            if code_m:
                code = code_m.group(1).split()[0]
                out.extend((p, code) for p in pending)
                pending = []
            continue
        if not phrase_part:
            continue
        pending = [phrase_part]
        if code_m:
            code = code_m.group(1).split()[0]
            out.extend((p, code) for p in pending)
            if not agents:
                continue
            pending = []
    phrases = []
    for phrase, code in out:
        words = phrase.replace("_", " ").split()
        if not words or code in ("---", ""):
            continue
        phrases.append((" ".join(w.lower() for w in words), code.strip("~").upper() if agents else code.upper()))
    return phrases


class _SuiteActors:
    """Actor mentions for the validation suite from its own actor and agent dictionaries."""

    def __init__(self, actors_path: Path, agents_path: Path | None) -> None:
        from spacy.matcher import PhraseMatcher

        from sitrep.analyze.nlp import load_pipeline

        self.nlp = load_pipeline()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.codes: dict[str, str] = {}
        self.sectors: dict[str, str] = {}
        for i, (phrase, code) in enumerate(_read_petrarch_phrases(actors_path, agents=False)):
            key = f"A{i}"
            self.codes[key] = code
            self.matcher.add(key, [self.nlp.make_doc(phrase)])
        if agents_path is not None and agents_path.exists():
            for i, (phrase, code) in enumerate(_read_petrarch_phrases(agents_path, agents=True)):
                key = f"G{i}"
                self.sectors[key] = code[:3]
                doc = self.nlp.make_doc(phrase)
                self.matcher.add(key, [doc])
                if not phrase.endswith("s"):
                    self.matcher.add(key, [self.nlp.make_doc(phrase + "s")])

    def analyze(self, text: str, date: str | None):
        import dataclasses

        from sitrep.analyze import analyze_parsed
        from sitrep.records import Actor, Document, Mention

        document = Document(id="cameo", text=text, published=date)
        doc = self.nlp(text)
        base = analyze_parsed(document, doc, steps=("times", "places", "quantities"))
        spans = sorted(((s, e, self.nlp.vocab.strings[k]) for k, s, e in self.matcher(doc)),
                       key=lambda x: (x[0], -(x[1] - x[0])))
        mentions: list[Mention] = []
        actors: dict[str, Actor] = {}
        taken = set()
        for s, e, key in spans:
            if any(i in taken for i in range(s, e)):
                continue
            if key.startswith("G"):
                continue
            taken.update(range(s, e))
            code = self.codes[key]
            span = doc[s:e]
            sector = None
            # An agent noun right after the actor gives the sector ("Arnor soldiers").
            for s2, e2, key2 in spans:
                if key2.startswith("G") and s2 in (e, e + 1) and not any(i in taken for i in range(s2, e2)):
                    sector = self.sectors[key2]
                    taken.update(range(s2, e2))
                    span = doc[s:e2]
                    break
            actor_id = f"suite:{code}:{sector or ''}"
            actors[actor_id] = Actor(id=actor_id, name=span.text, code=code[:3], sector=sector or (code[3:6] or None))
            mentions.append(Mention(doc_id="cameo", start=span.start_char, end=span.end_char, text=span.text,
                                    label="ACTOR", actor_id=actor_id))
        return dataclasses.replace(base, mentions=tuple(mentions), actors=actors)


def _find_dictionary(suite: Path, name: str | None, explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    if not name:
        return None
    for folder in (suite.parent, suite.parent.parent.parent / "dictionaries" / "petrarch2"):
        if (folder / name).exists():
            return folder / name
    return None


def evaluate_cameo(path: Path, *, actors: Path | None = None, agents: Path | None = None,
                   predict: Predictor | None = None, details: bool = False) -> dict[str, Any]:
    """Score the coder on the petrarch CAMEO validation suite (XML), through the crosswalk.

    The suite's expected event codes map to PLOVER types with :func:`cameo_to_plover`; a
    sentence whose codes all map to no PLOVER event (CAMEO 01, or codes outside CAMEO, which
    the suite's toy verb dictionary uses) is scored as "no event expected": ``no_event_correct``
    is the share of those for which the coder also found none. ``detection_accuracy`` is the
    share of all sentences where the coder found an event exactly when one is expected. The
    other figures are those of :func:`evaluate_plover`, over the sentences with an expected
    PLOVER event; source and target codes compare on their first three letters.

    The suite's codes come from its own toy verb dictionary (``PETR.Validate.verbs.txt``), not
    from CAMEO: "restore diplomatic ties" is 064 there (CAMEO: share intelligence), "welcomed"
    041 (CAMEO: discuss by telephone). Type figures on this suite therefore measure agreement
    with that toy codebook; the actor and detection figures are the informative ones. ``actors``/``agents`` are the suite's
    dictionaries (default: the files its ``<Environment>`` names, looked up beside the suite
    and in ``../../dictionaries/petrarch2``); without them the project's actor resolver runs.
    """
    path = Path(path)
    sentences, env = read_cameo_suite(path)
    if predict is None:
        actors_path = _find_dictionary(path, env.get("Actorfile"), actors)
        if actors_path is not None:
            from sitrep.events.coder import code_events

            suite = _SuiteActors(actors_path, _find_dictionary(path, env.get("Agentfile"), agents))

            def predict(text: str, date: str | None) -> Sequence[Event]:
                return code_events(suite.analyze(text, date))
        else:
            predict = _pipeline_predictor()
    scored: list[tuple[GoldEvent, Sequence[Event]]] = []
    empty_n = empty_ok = 0
    for s in sentences:
        types: set[str] = set()
        sources: set[str] = set()
        targets: set[str] = set()
        for src, tgt, code in s.codings:
            reading = _cameo_type(code)
            if reading is None:
                continue
            types.add(reading[0])
            if _code_key(src):
                sources.add(_code_key(src))
            if _code_key(tgt):
                targets.add(_code_key(tgt))
        events = list(predict(s.text, s.date))
        if not types:
            empty_n += 1
            empty_ok += not events
            continue
        gold = GoldEvent(id=s.id, text=s.text, date=s.date, types=frozenset(types), mode=None,
                         sources=frozenset(sources), targets=frozenset(targets))
        scored.append((gold, events))
    result = score(scored)
    result.pop("mode_accuracy", None)
    result.pop("n_mode", None)
    result["n_no_event_expected"] = empty_n
    result["no_event_correct"] = empty_ok / empty_n if empty_n else 0.0
    detected = sum(1 for _, ev in scored if ev) + empty_ok
    result["detection_accuracy"] = detected / len(sentences) if sentences else 0.0
    if details:
        result["items"] = [_item(g, ev) for g, ev in scored]
    return result
