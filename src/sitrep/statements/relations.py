"""Relations between statements: ``contradicts`` and ``corroborates``.

Two statements are compared when their speakers differ, neither carried the other, and their
dates lie within the window of ``data/statements/relations.yaml``. They are related in one of
two ways:

* **targeted**: one statement points at the other party's claim ("the Foreign Ministry denied
  the latest information revealed by the US State Department"; "“This is not true,” Grushko
  said, commenting on what was published by the US State Department"). Its proposition's
  ``target`` names that party; every assertion by that party (the same actor, or the same
  unnamed head such as "sources") is contradicted by a denial and corroborated by a
  confirmation. Across documents the targeted claim must also share words with the
  targeting sentence, or be a claim about the denier made within a few days. Within a
  document, a denial that names neither claim nor author ("Iran denied the accusation")
  answers the nearest claim by another speaker a few sentences before it.
* **same proposition**: the two contents say the same thing, scored from their lexical
  similarity (token-set cosine over word stems and the actor codes the contents name; at
  least one shared word must be neither a name nor a code), the event type and the actor and
  recipient codes of their propositions. Opposite commitments (one negated, or one a denial)
  contradict; equal ones corroborate. Across documents the two propositions must also share
  their event type, predicate or actor. Two speakers who clearly contradict the same claim
  the same way corroborate each other.

Statements whose speaker the text does not resolve (a bare "I", "we", "they") and contents
that state nothing (an infinitive, a bare name) take part in no relation. Relations carry no verdict on which side is right. Pairs are unordered: ``a`` is the smaller
id, so a relation found twice (again, or from the other side) is stored once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from sitrep.records import Relation, Statement
from sitrep.statements.propositions import relation_rules

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude, deterministic English stem: enough for token-set overlap ("sent"/"send" aside)."""
    w = word.lower().replace("’", "'").rstrip("'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in _SUFFIXES:
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    w = _IRREGULAR.get(w, w)
    return w[:-1] if len(w) > 3 and w.endswith("e") else w  # "response"/"responses", "move"/"moving"


# A few irregular verbs that carry news claims ("sent" vs "send", "held" vs "hold").
_IRREGULAR = {"sent": "send", "held": "hold", "gave": "give", "given": "give", "took": "take", "taken": "take",
              "made": "make", "met": "meet", "fought": "fight", "brought": "bring", "kept": "keep", "left": "leave",
              "won": "win", "lost": "lose", "struck": "strike", "shot": "shoot", "sold": "sell", "bought": "buy",
              "began": "begin", "begun": "begin", "withdrew": "withdraw", "withdrawn": "withdraw"}


def tokens(text: str, codes: Iterable[str] = ()) -> frozenset[str]:
    """Content words of ``text`` as stems, plus ``@CODE`` for each actor code it names. Words
    written with a capital inside the text (names) are marked ``^stem``: they show who the
    content is about, not what it says."""
    rules = relation_rules()
    stop = rules["stopwords"]
    reporting = _reporting_stems(rules)
    words: set[str] = set()
    for m in _WORD.finditer(text):
        w = m.group(0)
        if w.lower() in stop or len(w) < 2:
            continue
        s = stem(w)
        if s in reporting:
            continue
        name = w[:1].isupper() and m.start() > 0 and text[: m.start()].rstrip()[-1:] not in (".", "“", '"', "")
        words.add(f"^{s}" if name else s)
    return frozenset(words | {f"@{c}" for c in codes if c})


_REPORTING: dict[int, tuple[Mapping[str, Any], frozenset[str]]] = {}


def _reporting_stems(rules: Mapping[str, Any]) -> frozenset[str]:
    """Stems of the reporting nouns and verbs, computed once per rule set."""
    cached = _REPORTING.get(id(rules))
    if cached is None or cached[0] is not rules:
        cached = _REPORTING[id(rules)] = (rules, frozenset(stem(w) for w in rules["report_nouns"] | rules["report_verbs"]))
    return cached[1]


def _says_something_shared(a: frozenset[str], b: frozenset[str]) -> bool:
    """The two contents share a word that is neither a name nor an actor code."""
    return any(not w.startswith(("@", "^")) for w in a & b)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set cosine: |a ∩ b| / sqrt(|a| |b|)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


@dataclass(frozen=True)
class _Facts:
    """What comparing needs from one statement, computed once."""

    st: Statement
    speaker: str | None
    codes: frozenset[str]
    words: frozenset[str]
    context: frozenset[str]
    polarity: int
    day: date | None
    prop: Mapping[str, Any]
    #: ``codes`` plus the speaker's and the target's codes (what ``_may_relate`` compares).
    all_codes: frozenset[str] = frozenset()
    #: The content states something (``_claim_like``), read once.
    claim_like: bool = False


_PRONOUNS = frozenset("i me we us you he him she her it they them who which that this these those one".split())


def _speaker_key(st: Statement) -> str | None:
    """Who a statement is by, for telling speakers apart; None when the text does not say
    (an unresolved pronoun: "I", "we", "they" in an interview) — such statements take part in
    no relation."""
    sp = st.speaker or {}
    if sp.get("actor_id"):
        return f"id:{sp['actor_id']}"
    words = (sp.get("refers_to") or sp.get("text") or "").lower().split()
    if not words or (len(words) == 1 and words[0] in _PRONOUNS) or " ".join(words) in ("the latter", "the former", "people"):
        return None
    return "text:" + " ".join(words)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def facts(st: Statement) -> _Facts:
    """The comparable facts of a statement."""
    rules = relation_rules()
    prop = st.proposition or {}
    codes = set(prop.get("codes") or [])
    for part in (prop.get("actor"), prop.get("recipient")):
        if part and part.get("code"):
            codes.add(part["code"])
    polarity = int(rules["stance_polarity"].get(st.stance, 0))
    if prop.get("negated"):
        polarity = -polarity
    content = st.content.get("text", "")
    words = tokens(content, codes)
    plain = sum(1 for w in words if not w.startswith(("@", "^")))
    text = content.strip("“”\"' ").lower()
    return _Facts(
        st=st,
        speaker=_speaker_key(st),
        codes=frozenset(codes),
        words=words,
        context=tokens((st.evidence or {}).get("sentence", ""), codes),
        polarity=polarity,
        day=_day(st.date),
        prop=prop,
        all_codes=frozenset(codes | {c for c in ((st.speaker or {}).get("code"), (prop.get("target") or {}).get("code")) if c}),
        claim_like=plain >= int(rules["min_content_words"]) and not text.startswith("to "),
    )


def _same_speaker(a: _Facts, b: _Facts) -> bool:
    """One speaker named twice: the same key, or a bare surname and the full name ("Vesey",
    "Andy Vesey") when neither is resolved to an actor."""
    if a.speaker == b.speaker:
        return True
    if a.speaker.startswith("text:") and b.speaker.startswith("text:"):
        wa, wb = a.speaker[5:].split(), b.speaker[5:].split()
        return wa[-1] == wb[-1] and wa[-1][:1].isalpha() and (len(wa) == 1 or len(wb) == 1)
    return False


def _carried(a: _Facts, b: _Facts) -> bool:
    """One statement carried the other, or they are one statement nested in another."""
    if a.st.doc_id == b.st.doc_id:
        for x, y in ((a, b), (b, a)):
            segs = x.st.content.get("segments") or [x.st.content]
            if any(s["start"] <= y.st.cue["start"] and y.st.cue["end"] <= s["end"] for s in segs):
                return True
    for x, y in ((a, b), (b, a)):
        sp = y.st.speaker or {}
        for v in x.st.via:
            if (v.get("actor_id") and v.get("actor_id") == sp.get("actor_id")) or (
                    v.get("start") is not None and v.get("start") == sp.get("start") and x.st.doc_id == y.st.doc_id):
                return True
    return False


def _targets(x: _Facts, y: _Facts) -> bool:
    """``x``'s content points at a claim made by ``y``'s speaker (or by a carrier of it)."""
    target = x.prop.get("target")
    if not target:
        return False
    parties = [y.st.speaker or {}, *y.st.via]
    for sp in parties:
        if target.get("actor_id") and _same_party(target["actor_id"], sp.get("actor_id")):
            return True
        words = _strip_det(target.get("text") or "")
        if words and sp.get("text") and re.search(rf"\b{re.escape(words)}\b", _strip_det(sp["text"])):
            return True  # "the US State Department" → "US State Department officials"
        head = target.get("head")
        if head and sp.get("text") and re.search(rf"\b{re.escape(head)}", sp["text"].lower()):
            return True
    return False


def _claim_like(f: _Facts) -> bool:
    """A content that states something: a clause of a few content words, not an infinitive
    ("wants me to represent them") or a bare noun."""
    return f.claim_like


def _anchored(a: _Facts, b: _Facts) -> bool:
    """Across documents words alone are weak evidence: the two propositions must also share
    their event type, their predicate or their actor."""
    ta, tb = a.prop.get("type"), b.prop.get("type")
    if ta and ta == tb and ta not in ("CLAIM", "REFERENCE"):
        return True
    pa, pb = a.prop.get("predicate"), b.prop.get("predicate")
    if pa and pb and stem(pa) == stem(pb) and stem(pa) not in ("be", "hav", "have", "do"):
        return True
    ca = (a.prop.get("actor") or {}).get("code")
    return bool(ca and ca == (b.prop.get("actor") or {}).get("code"))


def _about_itself(x: _Facts, y: _Facts) -> bool:
    """A named party denies (or confirms) a claim by the named target that is about the party
    itself, made within a few days: "Moscow denied the claim from Berlin" and Berlin's "Russia
    poisoned Navalny"."""
    code = (x.st.speaker or {}).get("code")
    target = x.prop.get("target") or {}
    close = x.day is not None and y.day is not None and abs((x.day - y.day).days) <= int(relation_rules()["target_days"])
    # Undated statements (no publication date) cannot be tied this way.
    return bool(code and target.get("actor_id") and close and code in y.codes)


def _same_party(a: str | None, b: str | None) -> bool:
    """Same actor id, or two ids for one government as a whole ("Berlin" and "the German
    government": ``DEU:gov``, ``DEU:government``)."""
    if not a or not b:
        return False
    if a == b:
        return True
    generic = {"gov", "government"}
    ca, _, ra = a.partition(":")
    cb, _, rb = b.partition(":")
    return ca == cb and ra in generic and rb in generic


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", " ".join(text.split()).lower())


def _proposition_score(a: _Facts, b: _Facts) -> float:
    rules = relation_rules()
    w, pen = rules["weights"], rules["penalties"]
    score = w["lexical"] * similarity(a.words, b.words)
    ta, tb = a.prop.get("type"), b.prop.get("type")
    if ta and tb and ta not in ("CLAIM", "REFERENCE") and tb not in ("CLAIM", "REFERENCE"):
        score += w["type"] if ta == tb else -pen["type"]
    for role in ("actor", "recipient"):
        ca = (a.prop.get(role) or {}).get("code")
        cb = (b.prop.get(role) or {}).get("code")
        if ca and cb:
            if ca == cb:
                score += w[role]
            elif role in pen:
                score -= pen[role]
    return max(0.0, min(1.0, score))


def compare(a: Statement | _Facts, b: Statement | _Facts) -> Relation | None:
    """The relation between two statements, or None."""
    fa = a if isinstance(a, _Facts) else facts(a)
    fb = b if isinstance(b, _Facts) else facts(b)
    if fa.st.id == fb.st.id or fa.speaker is None or fb.speaker is None or _same_speaker(fa, fb):
        return None
    if fa.polarity == 0 or fb.polarity == 0 or _carried(fa, fb):
        return None
    rules = relation_rules()
    if fa.day and fb.day and abs((fa.day - fb.day).days) > int(rules["window_days"]):
        return None
    same_doc = fa.st.doc_id == fb.st.doc_id
    for x, y in ((fa, fb), (fb, fa)):
        kind = rules["targeted"].get(x.st.stance)
        if kind and y.st.stance != "deny" and y.polarity > 0 and _targets(x, y):
            overlap = similarity(x.context, y.words)
            if not same_doc and overlap < float(rules["thresholds"]["targeted"]) and not _about_itself(x, y):
                continue
            score = round(min(1.0, 0.6 + overlap), 3)
            return _relation(kind, x, y, score, targeted=True)
    if "REFERENCE" in (fa.prop.get("type"), fb.prop.get("type")) or not fa.prop or not fb.prop:
        return None
    if not (_claim_like(fa) and _claim_like(fb)):
        return None
    if similarity(fa.words, fb.words) < float(rules["thresholds"]["min_lexical"]) or not _says_something_shared(fa.words, fb.words):
        return None  # matching actors, names and event type alone do not make one proposition
    if not same_doc and not _anchored(fa, fb):
        return None
    score = _proposition_score(fa, fb)
    if fa.polarity * fb.polarity < 0 and score >= float(rules["thresholds"]["contradicts"]):
        return _relation("contradicts", fa, fb, round(score, 3))
    if fa.polarity * fb.polarity > 0 and score >= float(rules["thresholds"]["corroborates"]):
        return _relation("corroborates", fa, fb, round(score, 3))
    return None


def _who(f: _Facts) -> str:
    sp = f.st.speaker or {}
    name = sp.get("refers_to") or sp.get("text") or "an unnamed source"
    via = ", ".join(v.get("text", "") for v in f.st.via if v.get("text"))
    return f"{name} (via {via})" if via else name


def _quote(f: _Facts, limit: int = 160) -> str:
    text = " ".join(f.st.content.get("text", "").split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text.strip('“”')}” [{f.st.doc_id[:8]}:{f.st.content['start']}-{f.st.content['end']}]"


def _relation(kind: str, x: _Facts, y: _Facts, score: float, *, targeted: bool = False) -> Relation:
    if targeted:
        verb = {"contradicts": "denies", "corroborates": "confirms"}[kind]
        explanation = (f"{_who(x)} {verb} {_quote(x)} the claim of {_who(y)} {_quote(y)}.")
    else:
        how = "the opposite of" if kind == "contradicts" else "the same as"
        explanation = f"{_who(x)} says {_quote(x)}, {how} {_who(y)}: {_quote(y)}."
    a, b = sorted((x.st.id, y.st.id))
    return Relation(kind=kind, a=a, b=b, score=score, explanation=explanation)


def relate(statements: Sequence[Statement], others: Sequence[Statement] | None = None, *,
           cache: dict[str, _Facts] | None = None) -> list[Relation]:
    """Relations among ``statements`` (``others`` None) or between ``statements`` and
    ``others``; each unordered pair at most once, strongest kind first. ``cache`` (statement
    id to facts) lets calls on overlapping statements compute each one's facts once."""
    known: dict[str, _Facts] = {} if cache is None else cache

    def facts_of(s: Statement) -> _Facts:
        f = known.get(s.id)
        if f is None or f.st != s:
            f = known[s.id] = facts(s)
        return f

    left = [facts(s) for s in statements] if cache is None else [facts_of(s) for s in statements]
    if others is None:
        right = left
    else:
        # A statement given on both sides (a loaded document's statements are stored, so they
        # come back among ``others``) has its facts computed once.
        if cache is None:
            known.update((f.st.id, f) for f in left)
        right = [facts_of(s) for s in others if _speaker_key(s) is not None]
    out: dict[tuple[str, str], Relation] = {}
    if others is None:
        for rel in _antecedent_relations(left):
            out[(rel.a, rel.b)] = rel
    window = int(relation_rules()["window_days"])
    index = _CandidateIndex(left, right) if others is not None else None
    # A statement on both sides meets each partner twice, once from either side. Unless one of
    # the two targets a claim, ``compare`` gives both meetings the same kind and score, and the
    # first one is kept: the second is skipped.
    position = {id(f): i for i, f in enumerate(left)} if others is not None else {}
    on_right = {id(f) for f in right} if others is not None else set()
    for i, fa in enumerate(left):
        if fa.speaker is None or fa.polarity == 0:
            continue
        if index is None:
            candidates: Iterable[int] = range(len(right))
        else:
            # Only statements within the time window (or undated) are compared.
            candidates = sorted(j for j in index.candidates(i) if fa.day is None or right[j].day is None
                                or abs((right[j].day - fa.day).days) <= window)
        met_before = id(fa) in on_right and not index.targets(fa) if index is not None else False
        for j in candidates:
            fb = right[j]
            if others is None and j <= i:
                continue
            if others is not None and not _may_relate(fa, fb):
                continue
            if met_before and position.get(id(fb), i) < i and not index.targets(fb):
                continue
            rel = compare(fa, fb)
            if rel is not None:
                key = (rel.a, rel.b)
                if key not in out or out[key].score < rel.score:
                    out[key] = rel
    if others is None:
        for rel in _shared_opponent(left, list(out.values())):
            out.setdefault((rel.a, rel.b), rel)
    return sorted(out.values(), key=lambda r: (r.kind, r.a, r.b))


class _CandidateIndex:
    """The pairs of ``left`` x ``right`` statements that ``compare`` may relate across documents.

    Across documents ``compare`` relates a pair along one of two paths only:

    * targeted: one side targets another party's claim (a denial or confirmation naming the
      party), the other is a positive, non-denying statement; ``_may_relate`` then needs a
      shared actor code or content word. Targeting statements are few: an inverted index on
      those keys finds these pairs.
    * same proposition: both sides state a claim-like proposition that is no reference, with a
      lexical similarity of at least ``min_lexical``. A sparse product of the two token
      matrices counts the shared tokens of every such pair at once, so pairs that share only a
      common word are never looked at one by one.

    The result is a superset of the pairs ``compare`` relates (each candidate still goes through
    ``_may_relate`` and ``compare``), so the relations are exactly those of comparing every pair
    that shares a key. Statements that commit to nothing (a question) or whose speaker is not
    resolved take part in no pair.
    """

    #: Left rows multiplied at a time (bounds the memory of the product).
    BLOCK = 2048

    def __init__(self, left: Sequence[_Facts], right: Sequence[_Facts]) -> None:
        self._pairs: dict[int, set[int]] = {}
        right_roles = [_roles(f) if f.speaker is not None and f.polarity != 0 else (False, False, False) for f in right]
        left_roles = [_roles(f) if f.speaker is not None and f.polarity != 0 else (False, False, False) for f in left]
        # Targeted path: statements that target a claim, and statements a targeting one may answer.
        targeted: dict[str, list[int]] = {}
        targetable: dict[str, list[int]] = {}
        for j, (targets, can_be_targeted, _) in enumerate(right_roles):
            if targets or can_be_targeted:
                for key in _index_keys(right[j]):
                    if targets:
                        targeted.setdefault(key, []).append(j)
                    if can_be_targeted:
                        targetable.setdefault(key, []).append(j)
        for i, (targets, can_be_targeted, _) in enumerate(left_roles):
            if not (targets or can_be_targeted):
                continue
            found = self._pairs.setdefault(i, set())
            for key in _index_keys(left[i]):
                if targets:
                    found.update(targetable.get(key, ()))
                if can_be_targeted:
                    found.update(targeted.get(key, ()))
        self._claims(left, left_roles, right, right_roles)

    def _claims(self, left: Sequence[_Facts], left_roles: Sequence[tuple[bool, bool, bool]],
                right: Sequence[_Facts], right_roles: Sequence[tuple[bool, bool, bool]]) -> None:
        """Same-proposition path: pairs of claims with a lexical similarity of ``min_lexical``."""
        import numpy as np

        rows_r = [j for j, r in enumerate(right_roles) if r[2] and right[j].words]
        rows_l = [i for i, r in enumerate(left_roles) if r[2] and left[i].words]
        if not rows_r or not rows_l:
            return
        vocab: dict[str, int] = {}
        for j in rows_r:
            for w in right[j].words:
                vocab.setdefault(w, len(vocab))
        right_matrix = _token_matrix([right[j].words for j in rows_r], vocab).T.tocsr()
        right_sizes = np.array([len(right[j].words) for j in rows_r], dtype=np.float64)
        # A hair under the threshold: ``compare`` decides exactly, this only must not lose a pair.
        threshold = float(relation_rules()["thresholds"]["min_lexical"]) - 1e-9
        for start in range(0, len(rows_l), self.BLOCK):
            block = rows_l[start:start + self.BLOCK]
            shared = (_token_matrix([left[i].words for i in block], vocab) @ right_matrix).tocoo()
            if not shared.nnz:
                continue
            left_sizes = np.array([len(left[i].words) for i in block], dtype=np.float64)
            score = shared.data / np.sqrt(left_sizes[shared.row] * right_sizes[shared.col])
            keep = score >= threshold
            for r, c in zip(shared.row[keep].tolist(), shared.col[keep].tolist()):
                self._pairs.setdefault(block[r], set()).add(rows_r[c])

    def candidates(self, i: int) -> set[int]:
        """Indexes into ``right`` that ``left[i]`` may relate to."""
        return self._pairs.get(i, set())

    def targets(self, f: _Facts) -> bool:
        """``f`` targets another party's claim (``compare`` may then relate a pair differently
        depending on which side comes first)."""
        return _roles(f)[0]


def _token_matrix(token_sets: Sequence[frozenset[str]], vocab: Mapping[str, int]) -> Any:
    """A 0/1 sparse matrix, one row per token set, one column per ``vocab`` token (tokens not in
    ``vocab`` are left out: no other set shares them)."""
    import numpy as np
    from scipy import sparse

    indptr = [0]
    indices: list[int] = []
    for tokens_ in token_sets:
        indices.extend(vocab[w] for w in tokens_ if w in vocab)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int32)
    return sparse.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
                             shape=(len(token_sets), len(vocab)))


def _plain(words: Iterable[str]) -> set[str]:
    """Content words that are neither names (``^``) nor actor codes (``@``)."""
    return {w for w in words if not w.startswith(("@", "^"))}


def _roles(f: _Facts) -> tuple[bool, bool, bool]:
    """What ``compare`` lets a statement be: (targets a claim, may be targeted, states a
    proposition it can compare) -- the conditions ``compare`` checks, read once."""
    rules = relation_rules()
    targets = bool(rules["targeted"].get(f.st.stance)) and bool(f.prop.get("target"))
    targetable = f.st.stance != "deny" and f.polarity > 0
    claim = bool(f.prop) and f.prop.get("type") != "REFERENCE" and _claim_like(f)
    return targets, targetable, claim


def _shared_opponent(items: Sequence[_Facts], relations: Sequence[Relation]) -> list[Relation]:
    """Two speakers who contradict the same claim the same way corroborate each other
    ("Downing Street has denied the claims" … "Lord Goldsmith also denied them")."""
    by_id = {f.st.id: f for f in items}
    against: dict[str, list[tuple[str, float]]] = {}
    for rel in relations:
        if rel.kind == "contradicts":
            against.setdefault(rel.a, []).append((rel.b, rel.score))
            against.setdefault(rel.b, []).append((rel.a, rel.score))
    out = []
    for claim, opponents in against.items():
        for i, (x_id, sx) in enumerate(opponents):
            for y_id, sy in opponents[i + 1:]:
                x, y = by_id.get(x_id), by_id.get(y_id)
                if x is None or y is None or _same_speaker(x, y) or x.polarity != y.polarity or _carried(x, y):
                    continue
                if min(sx, sy) < float(relation_rules()["thresholds"]["shared_opponent"]):
                    continue  # only clear contradictions make allies
                z = by_id.get(claim)
                if z is None:
                    continue
                a, b = sorted((x.st.id, y.st.id))
                out.append(Relation(
                    kind="corroborates", a=a, b=b, score=round(min(sx, sy) * 0.9, 3),
                    explanation=f"{_who(x)} {_quote(x)} and {_who(y)} {_quote(y)} both contradict what {_who(z)} says: {_quote(z)}.",
                ))
    return out


def _antecedent_relations(items: Sequence[_Facts]) -> list[Relation]:
    """"Iran denied the accusation", "Lord Goldsmith also denied them": a denial (or
    confirmation) that names neither the claim nor its author answers the nearest claim before
    it in the same document, by another speaker, within a few sentences."""
    rules = relation_rules()
    reach = int(rules["antecedent_chars"])
    out = []
    for x in items:
        kind = rules["targeted"].get(x.st.stance)
        if not kind or x.prop.get("type") != "REFERENCE" or x.prop.get("target") or x.speaker is None:
            continue
        start = int((x.st.evidence or {}).get("start", x.st.cue["start"]))
        best = None
        for y in items:
            ev = y.st.evidence or {}
            if y is x or y.speaker in (None, x.speaker) or y.polarity <= 0 or y.prop.get("type") in (None, "REFERENCE"):
                continue
            if y.st.stance == "deny" or _carried(x, y) or not (start - reach <= int(ev.get("start", 0)) < start):
                continue
            if best is None or int(ev.get("start", 0)) > int((best.st.evidence or {}).get("start", 0)):
                best = y
        if best is not None:
            out.append(_relation(kind, x, best, 0.5, targeted=True))
    return out


def _codes(f: _Facts) -> frozenset[str]:
    return f.all_codes


def _index_keys(f: _Facts) -> set[str]:
    """What two statements must share for ``_may_relate`` to let them be compared: an actor
    code, or a word of their contents (no shared word means no lexical similarity)."""
    return {f"code:{c}" for c in _codes(f)} | {f"word:{w}" for w in f.words}


def _may_relate(a: _Facts, b: _Facts) -> bool:
    """Across documents, only statements that share an actor or enough words are compared."""
    if a.st.doc_id == b.st.doc_id:
        return False
    return bool(_codes(a) & _codes(b)) or similarity(a.words, b.words) >= float(relation_rules()["thresholds"]["min_lexical"])


def document_relations(statements: Sequence[Statement]) -> list[Relation]:
    """Relations between the statements of one document (``relate`` plus denials that answer
    the claim just before them)."""
    return relate(statements)


def link_statements(store: Any, doc_ids: Sequence[str], *, limit: int = 20000, chunk: int = 5000) -> int:
    """Compare the stored statements of ``doc_ids`` with stored statements of other documents
    in the time window that share an actor; store the new relations. Returns how many.

    One comparison holds at most ``limit`` stored statements. When the window of all the new
    statements holds more (a large load at once: a whole corpus spans months), the dated new
    statements are compared a stretch of days at a time (about ``chunk`` statements, cut where
    the day changes), each stretch with the stored statements of its own window, so that none
    is left without the statements it may relate to."""
    if not doc_ids:
        return 0
    new = store.statements_of(doc_ids)
    if not new:
        return 0
    window = int(relation_rules()["window_days"])
    days = [d for d in (_day(s.date) for s in new) if d]
    others = store.statements_near(
        exclude=[], since=min(days) if days else None, until=max(days) if days else None, days=window, limit=limit + 1,
    )
    if len(others) <= limit:
        return store.write_relations(relate(new, others))
    written = 0
    dated = sorted((s for s in new if _day(s.date)), key=lambda s: (_day(s.date), s.doc_id, s.id))
    cache: dict[str, _Facts] = {}
    for part in _day_stretches(dated, chunk):
        near = store.statements_near(exclude=[], since=_day(part[0].date), until=_day(part[-1].date), days=window,
                                     limit=limit)
        written += store.write_relations(relate(part, near, cache=cache))
    undated = [s for s in new if not _day(s.date)]
    if undated:  # compared with the whole window, as in one comparison
        written += store.write_relations(relate(undated, others[:limit]))
    return written


def _day_stretches(statements: Sequence[Statement], size: int) -> list[list[Statement]]:
    """Statements sorted by day, cut into runs of at least ``size`` (the last may be shorter),
    each cut where the day changes."""
    out: list[list[Statement]] = []
    current: list[Statement] = []
    for st in statements:
        if len(current) >= size and _day(st.date) != _day(current[-1].date):
            out.append(current)
            current = []
        current.append(st)
    if current:
        out.append(current)
    return out
