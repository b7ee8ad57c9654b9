"""Score actor resolution on the actor gold set (``data/eval/actors_gold.jsonl``).

The gold set annotates every span of a sentence that denotes a political actor with the code
(ISO 3166-1 alpha-3 or an IGO short code) and the sector an event-data analyst would give it;
``data/eval/ACTORS_GOLD.md`` has the guidelines. Items whose text may not be stored in the
project (the seed article, PLOVER sentences) carry a ``ref`` into ``../shared`` instead of their
text; they are resolved at load time and skipped, with a message, when ``../shared`` is absent.

Scoring is per gold mention. Each gold mention is matched to the predicted mention with the
largest character overlap, a prediction matching at most one gold mention. Code accuracy is the
share of gold mentions whose matched prediction has the same code; a missed gold mention is
wrong unless its gold code is null (an abstention is the right answer for an uncodable mention).
Sector accuracy is the same on sectors. Coded precision is the share of predictions with a
non-null code whose code equals the code of the gold mention they overlap; a coded prediction
that overlaps no gold mention is a false positive.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from sitrep.errors import InputRejected

log = logging.getLogger(__name__)

#: IGO short codes accepted besides ISO 3166-1 alpha-3 country codes.
IGO_CODES = frozenset(
    {"NATO", "UN", "EU", "OSCE", "AU", "ASEAN", "IAEA", "WHO", "ICC", "IMF", "WB", "OPEC", "ARL",
     "CIS", "CSTO"}
)

#: Sectors the gold set uses (PLOVER / CAMEO agent codes; ACTORS_GOLD.md defines each).
SECTORS = frozenset(
    {"GOV", "MIL", "COP", "JUD", "LEG", "REB", "SPY", "OPP", "PTY", "BUS", "MED", "EDU", "CVL",
     "NGO", "IGO", "REL", "REF", "LAB", "AGR", "CRM", "ELI", "HLH", "UAF"}
)

#: The three parts of the gold set, named by the prefix of each item id.
ORIGINS = ("wikinews", "seed", "plover")

#: A predictor maps ``(sentence text, ISO date)`` to mentions ``{start, end, code, sector}``.
Predictor = Callable[[str, str], Sequence[Mapping[str, Any]]]


@dataclass(frozen=True, kw_only=True, slots=True)
class GoldMention:
    """One annotated actor mention: offsets into the sentence, code, sector, annotator's note."""

    start: int
    end: int
    text: str
    code: str | None
    sector: str | None
    note: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class GoldSentence:
    """One gold sentence with its text resolved.

    ``group`` is ``wikinews``, ``seed`` or ``plover``; ``origin`` is where the sentence comes
    from (article URL, or the path in ``../shared``); ``date`` is the publication date used to
    resolve roles; ``ref`` is the pointer into ``../shared`` for items stored without text.
    """

    id: str
    group: str
    origin: str
    date: str
    text: str
    mentions: tuple[GoldMention, ...]
    ref: Mapping[str, Any] | None = None


class GoldSentences(list):
    """The list of loaded :class:`GoldSentence` plus what could not be loaded.

    ``skipped`` counts items left out because their ``../shared`` source is missing;
    ``skipped_by_group`` splits that count by group; ``messages`` says why.
    """

    def __init__(self, items: Iterable[GoldSentence] = ()) -> None:
        super().__init__(items)
        self.skipped = 0
        self.skipped_by_group: dict[str, int] = {g: 0 for g in ORIGINS}
        self.messages: list[str] = []


def _hash(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def is_valid_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-3 country code or one of :data:`IGO_CODES`."""
    if code in IGO_CODES:
        return True
    if not isinstance(code, str) or len(code) != 3 or not code.isupper():
        return False
    import pycountry

    try:
        return pycountry.countries.get(alpha_3=code) is not None
    except (KeyError, LookupError):
        return False


def default_shared(gold_path: Path) -> Path | None:
    """The ``shared`` folder beside the repository that holds ``gold_path`` (may not exist).

    The gold file lives at ``<repo>/data/eval/``; the data folder is ``<repo>/../shared``. None
    when the path is too shallow to sit in a repository.
    """
    parents = Path(gold_path).resolve().parents
    return parents[3] / "shared" if len(parents) > 3 else None


def _group(item_id: str, where: str) -> str:
    group = item_id.split("-", 1)[0]
    if group not in ORIGINS:
        raise InputRejected(f"item id {item_id!r} must start with one of {ORIGINS}", input=where)
    return group


class _SharedReader:
    """Reads ``../shared`` files once each; PLOVER files are indexed by record id."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._files: dict[str, str | None] = {}
        self._records: dict[str, dict[str, Mapping[str, Any]] | None] = {}

    def text(self, rel: str) -> str | None:
        if rel not in self._files:
            path = self.root / rel if self.root else None
            self._files[rel] = path.read_text(encoding="utf-8") if path and path.is_file() else None
        return self._files[rel]

    def record(self, rel: str, record_id: str) -> Mapping[str, Any] | None:
        if rel not in self._records:
            raw = self.text(rel)
            records = (json.loads(line) for line in (raw or "").splitlines() if line.strip())
            self._records[rel] = None if raw is None else {rec["id"]: rec for rec in records}
        index = self._records[rel]
        return None if index is None else index.get(record_id)


def _resolve(item: Mapping[str, Any], reader: _SharedReader, where: str) -> str | None:
    """The sentence text an item's ``ref`` points at, or None when the source is unavailable."""
    ref = item["ref"]
    rel = ref.get("path")
    if not isinstance(rel, str) or rel.startswith("/") or ".." in Path(rel).parts:
        raise InputRejected(f"ref path must be relative to ../shared, got {rel!r}", input=where)
    if "id" in ref:
        record = reader.record(rel, ref["id"])
        text = None if record is None else record.get("text")
    else:
        whole = reader.text(rel)
        text = None if whole is None else whole[ref["start"] : ref["end"]]
    if text is None:
        return None
    if "sha256" in ref and _hash(text, len(ref["sha256"])) != ref["sha256"]:
        raise InputRejected(
            f"the text {rel} gives for item {item['id']} is not the annotated one (sha256 "
            "differs); the shared data changed, so the gold offsets no longer apply",
            input=where,
        )
    return text


def _mention(raw: Mapping[str, Any], text: str, item_id: str, where: str) -> GoldMention:
    start, end = raw["start"], raw["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise InputRejected(f"item {item_id}: bad offsets {start}..{end}", input=where)
    span = text[start:end]
    if raw.get("text") is not None and raw["text"] != span:
        raise InputRejected(
            f"item {item_id}: text[{start}:{end}] is {span!r}, not {raw['text']!r}", input=where
        )
    check = raw.get("check")
    if check is not None and _hash(span, len(check)) != check:
        raise InputRejected(
            f"item {item_id}: span {start}..{end} fails its check hash", input=where
        )
    return GoldMention(
        start=start, end=end, text=span, code=raw.get("code"), sector=raw.get("sector"),
        note=raw.get("note"),
    )


def load_gold(path: Path, shared: Path | None = None) -> GoldSentences:
    """Read the gold JSONL, resolving ``ref`` items from ``shared``.

    ``shared`` defaults to :func:`default_shared`. Items whose source file is missing are
    skipped, counted in ``.skipped`` and explained in ``.messages`` (also logged), so the
    Wikinews part still scores on a machine without ``../shared``. Malformed lines, offsets that
    do not slice the text, and shared files whose text changed raise
    :class:`~sitrep.errors.InputRejected`.
    """
    path = Path(path)
    reader = _SharedReader(Path(shared) if shared is not None else default_shared(path))
    out = GoldSentences()
    missing: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputRejected(f"cannot read the gold file ({exc})", input=str(path))
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            item = json.loads(line)
            item_id = item["id"]
            raw_mentions = item["mentions"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InputRejected(f"not a gold item ({exc})", input=where)
        group = _group(item_id, where)
        text = item.get("text")
        if text is None:
            if not isinstance(item.get("ref"), Mapping):
                raise InputRejected(f"item {item_id} has neither text nor ref", input=where)
            text = _resolve(item, reader, where)
            if text is None:
                rel = item["ref"].get("path")
                missing[rel] = missing.get(rel, 0) + 1
                out.skipped += 1
                out.skipped_by_group[group] += 1
                continue
        mentions = tuple(_mention(m, text, item_id, where) for m in raw_mentions)
        out.append(
            GoldSentence(
                id=item_id, group=group, origin=item.get("origin") or "",
                date=item.get("date") or "", text=text, mentions=mentions, ref=item.get("ref"),
            )
        )
    for rel, count in sorted(missing.items()):
        message = (
            f"skipped {count} gold item(s): {rel} is not in {reader.root} "
            "(the ../shared data folder is missing); they are scored where it is present"
        )
        out.messages.append(message)
        log.warning(message)
    return out


def gold_problems(sentences: Iterable[GoldSentence]) -> list[str]:
    """Everything wrong with loaded gold sentences: codes, sectors, overlaps, dates, duplicates.

    An empty list means the set is well formed. Offsets are already checked by :func:`load_gold`.
    """
    problems: list[str] = []
    seen: set[str] = set()
    for s in sentences:
        if s.id in seen:
            problems.append(f"{s.id}: duplicate id")
        seen.add(s.id)
        try:
            _dt.date.fromisoformat(s.date)
        except ValueError:
            problems.append(f"{s.id}: date {s.date!r} is not an ISO date")
        previous_end = -1
        for m in sorted(s.mentions, key=lambda m: m.start):
            if s.text[m.start : m.end] != m.text:
                problems.append(f"{s.id}: {m.start}..{m.end} does not slice {m.text!r}")
            if m.start < previous_end:
                problems.append(f"{s.id}: mention {m.text!r} overlaps the previous one")
            previous_end = max(previous_end, m.end)
            if m.code is not None and not is_valid_code(m.code):
                problems.append(f"{s.id}: {m.text!r} has unknown code {m.code!r}")
            if m.sector is not None and m.sector not in SECTORS:
                problems.append(f"{s.id}: {m.text!r} has unknown sector {m.sector!r}")
            if m.code is None and m.sector is None and not m.note:
                problems.append(f"{s.id}: {m.text!r} has neither code nor sector and no note")
    return problems


def analyze_predictor(text: str, date: str) -> list[dict[str, Any]]:
    """The default predictor: sitrep's own analysis, as ``{start, end, code, sector}`` mentions.

    Mentions without a resolved actor are returned with null code and sector.
    """
    from sitrep.analyze import analyze_text

    result = analyze_text(text, published=date or None)
    actors = getattr(result, "actors", {}) or {}
    out = []
    for m in result.mentions:
        actor = actors.get(m.actor_id) if m.actor_id is not None else None
        out.append(
            {
                "start": m.start,
                "end": m.end,
                "code": getattr(actor, "code", None),
                "sector": getattr(actor, "sector", None),
            }
        )
    return out


@dataclass(kw_only=True, slots=True)
class _Counts:
    sentences: int = 0
    mentions: int = 0
    skipped: int = 0
    matched: int = 0
    code_correct: int = 0
    sector_correct: int = 0
    predicted: int = 0
    coded_predicted: int = 0
    coded_correct: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        return {
            "code_accuracy": ratio(self.code_correct, self.mentions),
            "sector_accuracy": ratio(self.sector_correct, self.mentions),
            "coded_precision": ratio(self.coded_correct, self.coded_predicted),
            "n_sentences": self.sentences,
            "n_mentions": self.mentions,
            "n_skipped": self.skipped,
            "n_matched": self.matched,
            "n_code_correct": self.code_correct,
            "n_sector_correct": self.sector_correct,
            "n_predicted": self.predicted,
            "n_coded_predicted": self.coded_predicted,
            "n_coded_correct": self.coded_correct,
        }


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match_mentions(
    gold: Sequence[GoldMention], predicted: Sequence[Mapping[str, Any]]
) -> dict[int, int]:
    """Gold index → prediction index, pairing by largest character overlap, one-to-one.

    Pairs are taken greedily from the largest overlap down; ties go to the prediction whose
    length is closest to the gold span, then to the earlier gold mention.
    """
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            ov = _overlap(g.start, g.end, p["start"], p["end"])
            if ov:
                length_gap = abs((p["end"] - p["start"]) - (g.end - g.start))
                pairs.append((-ov, length_gap, gi, pi))
    pairs.sort()
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, _, gi, pi in pairs:
        if gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    return matched


def _clean_predictions(
    raw: Sequence[Mapping[str, Any]], text: str, sid: str
) -> list[dict[str, Any]]:
    out = []
    for p in raw or ():
        try:
            start, end = int(p["start"]), int(p["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{sid}: a prediction needs integer start and end ({exc}): {p!r}")
        if not 0 <= start < end <= len(text):
            raise ValueError(f"{sid}: prediction offsets {start}..{end} are outside the sentence")
        out.append({"start": start, "end": end, "code": p.get("code"), "sector": p.get("sector")})
    return out


def _score_sentence(
    s: GoldSentence, predicted: list[dict[str, Any]], counts: Sequence[_Counts], details: bool
) -> None:
    matched = match_mentions(s.mentions, predicted)
    for c in counts:
        c.sentences += 1
        c.mentions += len(s.mentions)
        c.predicted += len(predicted)
    for gi, g in enumerate(s.mentions):
        p = predicted[matched[gi]] if gi in matched else None
        code = p["code"] if p else None
        sector = p["sector"] if p else None
        code_ok = code == g.code
        sector_ok = sector == g.sector
        for c in counts:
            c.matched += p is not None
            c.code_correct += code_ok
            c.sector_correct += sector_ok
        if details:
            counts[0].rows.append(
                {
                    "id": s.id, "start": g.start, "end": g.end, "text": g.text, "gold_code": g.code,
                    "gold_sector": g.sector, "code": code, "sector": sector,
                    "pred_span": None if p is None else [p["start"], p["end"]],
                    "code_ok": code_ok, "sector_ok": sector_ok,
                }
            )
    gold_of = {pi: gi for gi, pi in matched.items()}
    for pi, p in enumerate(predicted):
        if p["code"] is None:
            continue
        gi = gold_of.get(pi)
        if gi is None:
            # An unmatched coded prediction is judged against the gold mention it overlaps most
            # (a second prediction inside one gold span is right if its code is), else it is a
            # false positive.
            overlaps = (
                (_overlap(g.start, g.end, p["start"], p["end"]), i)
                for i, g in enumerate(s.mentions)
            )
            best = max(overlaps, default=(0, None))
            gi = best[1] if best[0] > 0 else None
        ok = gi is not None and s.mentions[gi].code == p["code"]
        for c in counts:
            c.coded_predicted += 1
            c.coded_correct += ok


def evaluate_actors(
    path: Path,
    *,
    shared: Path | None = None,
    predict: Predictor | None = None,
    details: bool = False,
) -> dict[str, Any]:
    """Score a predictor (default: :func:`analyze_predictor`) on the actor gold set.

    Returns ``{"code_accuracy", "sector_accuracy", "coded_precision", "n_sentences",
    "n_mentions", "n_skipped", "by_origin": {"wikinews", "seed", "plover"}, "messages"}`` plus the
    underlying counts; each ``by_origin`` entry has the same keys (without ``by_origin``). A ratio
    is None when its denominator is zero. ``details`` adds ``"mentions"``: one row per gold
    mention with the prediction it was matched to.
    """
    sentences = load_gold(path, shared)
    predict = predict or analyze_predictor
    total = _Counts(skipped=sentences.skipped)
    groups = {g: _Counts(skipped=sentences.skipped_by_group[g]) for g in ORIGINS}
    for s in sentences:
        predicted = _clean_predictions(predict(s.text, s.date), s.text, s.id)
        _score_sentence(s, predicted, (total, groups[s.group]), details)
    result = total.summary()
    result["by_origin"] = {g: c.summary() for g, c in groups.items()}
    result["messages"] = list(sentences.messages)
    if details:
        result["mentions"] = total.rows
    return result
