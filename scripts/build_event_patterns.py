"""Convert the petrarch2 CAMEO verb dictionary into sitrep's event pattern file.

Usage::

    .venv/bin/python scripts/build_event_patterns.py ../shared/dictionaries/petrarch2/CAMEO.2.0.txt

writes ``src/sitrep/data/events/verb_patterns.yaml`` (override with ``--out``). The input is
petrarch2's ``CAMEO.2.0.txt`` (MIT licence, Open Event Data Alliance; its format is described
in petrarch2's ``dictionaries.rst``). The conversion is deterministic: the same input gives the
same file, byte for byte.

What is kept, per verb block (``--- NAME [CODE] ---`` and its verb lines):

- verb lemmas (lower case; the ``+``-marked word of multi-word verbs, with the other words as
  ``words`` that must hang off the verb: ``+CALL_OFF`` → lemma ``call`` with ``off``);
- the block's or the verb's own code, for the verb used alone;
- each pattern line ``- PRE * POST [CODE]`` as constraints over the dependency parse:
  ``subject`` (pre-verb nouns: the head of the subject), ``object`` (the first post-verb noun:
  the head of the direct object, with ``{MODIFIER HEAD}`` phrases giving ``modifiers``),
  ``particle`` (OFF, OUT, UP… right after the verb), ``preps`` (``(PREP NOUN)`` groups:
  a preposition and, optionally, its object's head), ``target`` (the preposition whose object
  petrarch marks as the target with ``+``), ``reverse`` (the target is the grammatical
  subject: ``[:CODE]`` codes and ``+`` before the verb);
- the CAMEO code, and its PLOVER reading through :mod:`sitrep.events.cameo`; a pattern whose
  code has no PLOVER reading (CAMEO 01, public statements) is kept with ``type: null`` so that
  it still blocks the verb's less specific readings.

Synsets (``&NAME``) are expanded into word lists. Nouns are stored lower-cased together with
their spaCy lemma, so a runtime match on either the token's text or lemma finds them.
Patterns the parse-based matcher cannot express (pre-verb function words such as ``WILL NOT``,
several bare post-verb nouns) are dropped and counted in the file header.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from sitrep.events.cameo import cameo_entry, normalize_code  # noqa: E402
from sitrep.errors import SitrepError  # noqa: E402

DEFAULT_OUT = REPO / "src" / "sitrep" / "data" / "events" / "verb_patterns.yaml"

PARTICLES = frozenset(
    "up down off out back away aside over forward together apart around about through along in on".split()
)
#: Pre-verb words that are not nouns: such patterns test auxiliaries, which the parse-based
#: matcher handles through factuality instead.
FUNCTION_WORDS = frozenset(
    "will would not no to has have had is are was were be been can could may might must shall should did do does "
    "also still again".split()
)

_HEADER = re.compile(r"^---\s+(.*?)\s+\[([^\]]*)\]\s+---")
_CODE = re.compile(r"\[([^\]]*)\]")


def _words(phrase: str) -> list[str]:
    return [w for w in phrase.lower().replace("_", " ").split() if w]


class Lemmatizer:
    """Noun lemmas through the installed spaCy pipeline's lemmatizer (rule-based, POS NOUN)."""

    def __init__(self) -> None:
        from sitrep.analyze.nlp import load_pipeline

        self.nlp = load_pipeline()
        self.cache: dict[str, str] = {}

    def noun(self, word: str) -> str:
        if word not in self.cache:
            from spacy.tokens import Doc

            doc = Doc(self.nlp.vocab, words=[word])
            doc[0].pos_ = "NOUN"
            doc[0].tag_ = "NNS" if word.endswith("s") else "NN"
            try:
                doc = self.nlp.get_pipe("lemmatizer")(doc)
                lemma = doc[0].lemma_ or word
            except Exception:  # pragma: no cover - a pipeline without a lemmatizer
                lemma = word
            self.cache[word] = lemma.lower()
        return self.cache[word]


def parse_synsets(lines: list[str]) -> dict[str, list[str]]:
    """``&NAME`` → phrases (lower case, words joined by spaces; plural forms added)."""
    synsets: dict[str, list[str]] = {}
    current: str | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("&"):
            current = line.strip().rstrip("_")
            synsets[current] = []
        elif line.startswith("+") and current:
            phrase = line[1:].strip()
            no_plural = phrase.endswith("_") or current.endswith("_")
            words = _words(phrase.rstrip("_"))
            if not words:
                continue
            synsets[current].append(" ".join(words))
            if not no_plural and not words[-1].endswith("s"):
                last = words[-1]
                plural = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith("ss") else "s")
                synsets[current].append(" ".join(words[:-1] + [plural]))
        elif line.strip():
            current = None
    return synsets


def _code_info(code: str) -> dict[str, Any] | None:
    """The PLOVER reading of a CAMEO code as pattern fields, or None for an unusable code."""
    try:
        code = normalize_code(code)
    except SitrepError:
        return None
    entry = cameo_entry(code)
    if entry is None:
        return {"cameo": code, "type": None}
    out: dict[str, Any] = {"cameo": code, "type": entry.type}
    if entry.type is not None:
        if entry.mode:
            out["mode"] = entry.mode
        if entry.context:
            out["context"] = list(entry.context)
    return out


def parse_code(text: str) -> tuple[dict[str, Any] | None, bool]:
    """``[042:043]`` → (reading of 042, False); ``[:173]`` → (reading of 173, True: the
    grammatical subject is the target); ``[---]`` → ({"type": None}, False)."""
    text = text.strip().rstrip("!")
    if text in ("---", ""):
        return {"cameo": None, "type": None}, False
    first, _, second = text.partition(":")
    first, second = first.strip(), second.strip()
    if first and first != "---":
        return _code_info(first), False
    if second and second != "---":
        return _code_info(second), True
    return {"cameo": None, "type": None}, False


class Converter:
    """Turns pattern lines into constraint dicts; counts what it had to drop."""

    def __init__(self, synsets: dict[str, list[str]], lemmatizer: Lemmatizer) -> None:
        self.synsets = synsets
        self.lemma = lemmatizer
        self.dropped: Counter[str] = Counter()
        self.used: set[str] = set()

    def nouns(self, item: str) -> tuple[list[str], list[str]] | None:
        """A noun item → (head forms, modifier words). ``&SET`` expands; ``{A B}`` is a phrase
        whose last word is the head; a bare word is a head."""
        item = item.strip()
        if item.startswith("{") and item.endswith("}"):
            words = _words(item[1:-1])
            heads: list[str] = []
            mods: list[str] = []
            for i, w in enumerate(words):
                expanded = self.expand(w)
                if expanded is None:
                    return None
                if i == len(words) - 1:
                    heads = expanded
                else:
                    mods.extend(expanded)
            return heads, mods
        expanded = self.expand(item.lower())
        if expanded is None:
            return None
        return expanded, []

    def expand(self, word: str) -> list[str] | None:
        """A word → its forms; a synset → ``["&name"]``, a reference into ``synsets``."""
        if word.startswith("&"):
            name = word.upper().rstrip("_")
            if name not in self.synsets:
                return None
            self.used.add(name)
            return ["@" + name[1:].lower()]
        return self.forms([w for w in _words(word)][-1:])

    def forms(self, heads: list[str]) -> list[str]:
        out: list[str] = []
        for h in heads:
            for form in (h, self.lemma.noun(h)):
                if form not in out:
                    out.append(form)
        return out

    def synset_table(self) -> dict[str, list[str]]:
        """The synsets the patterns refer to: ``name`` → head-word forms."""
        return {name[1:].lower(): self.forms([p.split()[-1] for p in self.synsets[name]])
                for name in sorted(self.used)}

    def pattern(self, line: str) -> dict[str, Any] | None:
        body = line[1:]
        comment = ""
        if "#" in body:
            body, comment = body.split("#", 1)
        m = _CODE.search(body)
        if not m:
            self.dropped["no code"] += 1
            return None
        reading, reverse = parse_code(m.group(1))
        if reading is None:
            self.dropped["bad code"] += 1
            return None
        body = body[: m.start()]
        if "*" not in body:
            self.dropped["no verb marker"] += 1
            return None
        pre, post = body.split("*", 1)
        out: dict[str, Any] = {}
        pre_items = _tokenize(pre)
        if "+" in pre_items:
            reverse = True
        nouns_pre = [x for x in pre_items if x not in ("$", "+", "^", "%")]
        if any(x.lower() in FUNCTION_WORDS for x in nouns_pre):
            self.dropped["pre-verb function words"] += 1
            return None
        if nouns_pre:
            found = self.nouns(nouns_pre[-1])
            if found is None:
                self.dropped["undefined synset"] += 1
                return None
            out["subject"] = found[0]
        post_items = _tokenize(post)
        object_seen = False
        preps: list[list[Any]] = []
        for item in post_items:
            if item in ("$", "^", "%"):
                continue
            if item == "+":
                continue
            if item.startswith("("):
                inner = _tokenize(item[1:-1])
                if not inner:
                    continue
                prep = inner[0].lower()
                rest = [x for x in inner[1:] if x not in ("$", "^", "%")]
                if "+" in rest:
                    out.setdefault("target", prep)
                    rest = [x for x in rest if x != "+"]
                if rest:
                    found = self.nouns(rest[-1])
                    if found is None:
                        self.dropped["undefined synset"] += 1
                        return None
                    preps.append([prep, found[0]])
                else:
                    preps.append([prep])
                continue
            low = item.lower()
            if not object_seen and low in PARTICLES and "object" not in out and "particle" not in out:
                out["particle"] = low
                continue
            if object_seen:
                self.dropped["several post-verb nouns"] += 1
                return None
            found = self.nouns(item)
            if found is None:
                self.dropped["undefined synset"] += 1
                return None
            out["object"] = found[0]
            if found[1]:
                out["modifiers"] = found[1]
            object_seen = True
        if preps:
            out["preps"] = preps
        if reverse:
            out["reverse"] = True
        out.update(reading)
        note = comment.strip()
        if note:
            out["note"] = note.split()[0].lower()
        return out


def _tokenize(text: str) -> list[str]:
    """Split a pattern half into items, keeping ``{...}`` and ``(...)`` groups whole."""
    items: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "({":
            if depth == 0 and current.strip():
                items.extend(current.split())
                current = ""
            depth += 1
            current += ch
        elif ch in ")}":
            depth -= 1
            current += ch
            if depth == 0:
                items.append(current.strip())
                current = ""
        elif ch.isspace() and depth == 0:
            if current.strip():
                items.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        items.extend(current.split())
    return items


def irregular_forms(line: str) -> list[str]:
    """The ``{...}`` forms of a verb line, lower case, the verb word only (``+CORDONED_OFF`` →
    ``cordoned``; ``WIRE_+TAPPED`` → ``tapped``)."""
    m = re.search(r"\{([^}]*)\}", line.split("#", 1)[0])
    if not m:
        return []
    out = []
    for form in m.group(1).split():
        parts = form.split("_")
        word = next((p[1:] for p in parts if p.startswith("+")), parts[0]).lower()
        if word and word not in out:
            out.append(word)
    return out


def parse_verb_line(line: str) -> tuple[str, list[str], str | None] | None:
    """A verb line → (lemma, extra words, own code or None)."""
    text = line.split("#", 1)[0]
    code = None
    m = _CODE.search(text)
    if m:
        code = m.group(1).strip()
        text = text[: m.start()]
    text = re.sub(r"\{[^}]*\}", "", text).strip()
    if not text:
        return None
    phrase = text.split()[0]
    if "+" in phrase:
        parts = phrase.split("_")
        lemma = next((p[1:] for p in parts if p.startswith("+")), parts[0].lstrip("+"))
        extra = [p.lstrip("+").lower() for p in parts if p.lstrip("+") and p.lstrip("+") != lemma]
        return lemma.lower(), extra, code
    if "_" in phrase:
        parts = phrase.split("_")
        return parts[0].lower(), [p.lower() for p in parts[1:] if p], code
    return phrase.lower(), [], code


def convert(text: str, lemmatizer: Lemmatizer) -> tuple[list[dict[str, Any]], dict[str, list[str]], Counter[str]]:
    """The dictionary text → blocks ``{name, verbs, patterns}``, the synsets they use, and a
    count of what was dropped."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if "VERB PATTERNS" in l)
    end = next((i for i, l in enumerate(lines) if "TRANSFORMATIONS" in l), len(lines))
    conv = Converter(parse_synsets(lines[:start]), lemmatizer)
    blocks: list[dict[str, Any]] = []
    block: dict[str, Any] | None = None
    for raw in lines[start + 1 : end]:
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            reading, _ = parse_code(header.group(2))
            block = {"name": header.group(1).strip().lower(), "verbs": [], "patterns": []}
            block["default"] = reading or {"cameo": None, "type": None}
            blocks.append(block)
            continue
        if block is None:
            continue
        if line.startswith("-"):
            pat = conv.pattern(line)
            if pat is None:
                continue
            if not any(k in pat for k in ("subject", "object", "preps", "particle")):
                # "- * [111] # MOCK": a reading of the one verb the comment names, not of
                # the whole synonym block.
                verb = next((v for v in block["verbs"] if v["lemma"] == pat.get("note") and "type" not in v), None)
                if verb is not None:
                    verb.update({k: v for k, v in pat.items() if k in ("cameo", "type", "mode", "context", "reverse")})
                else:
                    conv.dropped["unconstrained pattern of another verb"] += 1
                continue
            block["patterns"].append(pat)
            continue
        parsed = parse_verb_line(line)
        if parsed is None:
            continue
        lemma, extra, code = parsed
        verb: dict[str, Any] = {"lemma": lemma}
        if extra:
            verb["words"] = extra
        forms = [f for f in irregular_forms(line) if f != lemma]
        if forms:
            verb["forms"] = forms
        if code is not None:
            reading, reverse = parse_code(code)
            if reading is not None:
                verb.update(reading)
                if reverse:
                    verb["reverse"] = True
        block["verbs"].append(verb)
    return [b for b in blocks if b["verbs"]], conv.synset_table(), conv.dropped


def _flow(value: Any) -> str:
    """YAML flow style for one value (strings quoted only when needed)."""
    import yaml

    text = yaml.safe_dump([value], default_flow_style=True, width=10_000, sort_keys=False).strip()
    return text[1:-1]


def render(blocks: list[dict[str, Any]], synsets: dict[str, list[str]], dropped: Counter[str], source: str) -> str:
    """The YAML text: a header, then one block per verb synonym set, one pattern per line."""
    n_patterns = sum(len(b["patterns"]) for b in blocks)
    n_verbs = sum(len(b["verbs"]) for b in blocks)
    out = [
        "# Event verb patterns converted from the petrarch2 CAMEO verb dictionary (CAMEO.2.0.txt).",
        "# Source: github.com/openeventdata/petrarch2, petrarch2/data/dictionaries/CAMEO.2.0.txt,",
        "# Copyright (c) 2015 Open Event Data Alliance, MIT licence (see README.md in this folder).",
        "# CAMEO codes are read as PLOVER through data/events/CAMEO2PLOVER-2021.txt (CC BY-SA 4.0)",
        "# and data/events/cameo_corrections.yaml.",
        f"# Generated by scripts/build_event_patterns.py from {source}; do not edit by hand: edit",
        "# the hand-written patterns in patterns.yaml, or the converter, and rebuild.",
        f"# {len(blocks)} blocks, {n_verbs} verbs, {n_patterns} patterns;"
        f" dropped: {', '.join(f'{k} {v}' for k, v in sorted(dropped.items())) or 'none'}.",
        "#",
        "# Per block: verbs (lemma, irregular forms, extra words that must hang off the verb, own reading),",
        "# default (the block's reading for a verb used alone), patterns (constraints + reading).",
        "# Constraint keys: subject, object, modifiers, particle, preps [[prep, nouns?]...],",
        "# target (preposition introducing the target), reverse (the subject is the target).",
        "# A noun list may hold '@name', a reference to a word list under synsets.",
        "synsets:",
    ]
    for name, words in synsets.items():
        out.append(f"  {name}: {_flow(words)}")
    out.append("blocks:")
    for b in blocks:
        out.append(f"- name: {_flow(b['name'])}")
        out.append(f"  default: {_flow(b['default'])}")
        out.append("  verbs:")
        for v in b["verbs"]:
            out.append(f"  - {_flow(v)}")
        if b["patterns"]:
            out.append("  patterns:")
            for p in b["patterns"]:
                out.append(f"  - {_flow(p)}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dictionary", type=Path, help="petrarch2 CAMEO.2.0.txt")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    text = args.dictionary.read_text("utf-8", errors="replace")
    blocks, synsets, dropped = convert(text, Lemmatizer())
    args.out.write_text(render(blocks, synsets, dropped, args.dictionary.name), "utf-8")
    n = sum(len(b["patterns"]) for b in blocks)
    print(f"wrote {args.out}: {len(blocks)} blocks, {n} patterns; dropped {dict(dropped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
