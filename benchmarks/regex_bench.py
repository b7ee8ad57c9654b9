"""Time every junk pattern (and the normaliser's regexes) on adversarial strings.

Catastrophic backtracking shows up as time that explodes with the length of a run of the
characters a pattern repeats, followed by a character that makes the match fail at the end. So
for each pattern this builds, from the literal words in the pattern and a pool of characters its
classes repeat, strings ``<trigger word> + <run of one character> + <a failing tail>`` at
several lengths, and reports the worst time per pattern:

* ``worst_ms_guarded``: through :func:`sitrep.extract.junk.match_line`, as ingest runs it (the
  ``max_len`` guard skips longer lines before the regex runs);
* ``worst_ms_raw``: the regex itself on every length, guard bypassed, which shows whether the
  pattern is linear (time grows with length, not faster).

Prints JSON on stdout.
"""

from __future__ import annotations

import json
import re
import sys
import time

from sitrep.extract import junk, normalize

RUN_CHARS = [" ", "a", "A", ".", ",", ":", "-", "|", "0", "(", ")", "'", "©", "\t", "é", "—", "!"]
TAILS = ["", ".", "\u0000", "!", " x", ". x"]
LENGTHS = (50, 200, 1_000, 5_000, 20_000)
WORD = re.compile(r"[a-z©][a-z' ]{1,30}")


def triggers(pattern: str) -> list[str]:
    """Literal words of a pattern, the strings most likely to lead a match deep into it."""
    words = {w.strip() for w in WORD.findall(pattern.lower()) if w.strip()}
    return sorted(words | {""})[:40]


def adversarial(pattern: str, lengths=LENGTHS):
    for prefix in triggers(pattern):
        for ch in RUN_CHARS:
            for n in lengths:
                for tail in TAILS:
                    yield prefix + " " + ch * n + tail if prefix else ch * n + tail


def _time(fn, text: str, repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def bench_junk() -> list[dict]:
    rows = []
    for index, rule in enumerate(junk.default_rules()):
        worst_raw, worst_guarded, worst_text = 0.0, 0.0, ""
        by_length: dict[int, float] = {}
        for text in adversarial(rule.regex.pattern):
            raw = _time(rule.regex.fullmatch, text)
            guarded = _time(lambda t: junk.match_line(t, (rule,)), text)
            n = len(text)
            bucket = min(LENGTHS, key=lambda L: abs(L - n))
            by_length[bucket] = max(by_length.get(bucket, 0.0), raw)
            if raw > worst_raw:
                worst_raw, worst_text = raw, text
            worst_guarded = max(worst_guarded, guarded)
        rows.append({
            "rule": index, "name": rule.name, "pattern": rule.regex.pattern, "max_len": rule.max_len,
            "worst_ms_guarded": round(worst_guarded * 1000, 4), "worst_ms_raw": round(worst_raw * 1000, 4),
            "worst_raw_input": (worst_text[:40] + f"… ({len(worst_text)} chars)"),
            "worst_ms_raw_by_length": {str(k): round(v * 1000, 4) for k, v in sorted(by_length.items())},
        })
    return rows


def bench_normalize() -> list[dict]:
    rows = []
    for name in ("_CONTROL", "_SPACES", "_BLANK_RUNS", "_GLUE"):
        regex = getattr(normalize, name)
        worst = 0.0
        for ch in RUN_CHARS + ["\n", "\n \n", "Ab", "aB"]:
            for n in LENGTHS:
                for tail in TAILS:
                    worst = max(worst, _time(lambda t: regex.sub("", t), ch * n + tail))
        rows.append({"name": f"normalize.{name}", "pattern": regex.pattern, "worst_ms_raw": round(worst * 1000, 4)})
    text = "".join(f"Word{i}Quoting " for i in range(20_000))
    rows.append({"name": "normalize_text(400 kB glued text)", "worst_ms_raw": round(_time(normalize.normalize_text, text) * 1000, 2)})
    return rows


def main() -> None:
    started = time.perf_counter()
    junk_rows = bench_junk()
    result = {
        "junk_patterns": junk_rows,
        "normalize": bench_normalize(),
        "worst_ms_guarded": max(r["worst_ms_guarded"] for r in junk_rows),
        "worst_ms_raw": max(r["worst_ms_raw"] for r in junk_rows),
        "lengths": list(LENGTHS),
        "seconds": round(time.perf_counter() - started, 1),
    }
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
