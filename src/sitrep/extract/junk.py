"""Junk removal: drop injected links, comment prompts, share/subscribe boilerplate and promos.

The rules live in ``data/junk_patterns.yaml``. Cleaning works line by line on the extracted
text and reports what it removed, because a page full of injected links says something about
its source: the counts become ``Document.quality`` flags and the removed lines are kept there
for audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

#: At most this many removed lines are kept verbatim in the quality flags.
MAX_KEPT_REMOVED = 50


@dataclass(frozen=True, kw_only=True, slots=True)
class JunkRule:
    """One compiled line rule (see the YAML file for the meaning of each field)."""

    name: str
    regex: re.Pattern[str]
    max_len: int
    truncate: bool = False


def load_rules(text: str | None = None) -> tuple[JunkRule, ...]:
    """Compile rules from YAML ``text`` (default: the packaged rule file)."""
    if text is None:
        text = resources.files("sitrep.data").joinpath("junk_patterns.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    rules = []
    for raw in data.get("rules", []):
        rules.append(
            JunkRule(
                name=raw["name"],
                regex=re.compile(raw["pattern"], re.IGNORECASE),
                max_len=int(raw.get("max_len", 200)),
                truncate=bool(raw.get("truncate", False)),
            )
        )
    return tuple(rules)


@lru_cache(maxsize=1)
def default_rules() -> tuple[JunkRule, ...]:
    """The packaged rules, compiled once per process."""
    return load_rules()


def match_line(line: str, rules: tuple[JunkRule, ...] | None = None) -> JunkRule | None:
    """The first rule a stripped line matches in full, or None."""
    stripped = line.strip()
    if not stripped:
        return None
    for rule in rules if rules is not None else default_rules():
        if len(stripped) <= rule.max_len and rule.regex.fullmatch(stripped):
            return rule
    return None


def clean(text: str, rules: tuple[JunkRule, ...] | None = None) -> tuple[str, dict[str, Any]]:
    """Remove junk lines from ``text``.

    Returns the cleaned text (blank-line runs collapsed to one empty line) and quality flags:
    one count per rule name that fired, plus ``"removed"`` with the removed lines.
    """
    flags: dict[str, Any] = {}
    removed: list[str] = []
    kept: list[str] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        rule = match_line(line, rules)
        if rule is None:
            kept.append(line.rstrip())
            continue
        flags[rule.name] = flags.get(rule.name, 0) + 1
        removed.append(line.strip())
        if rule.truncate:
            rest = [l.strip() for l in lines[index + 1 :] if l.strip()]
            removed.extend(rest)
            if rest:
                flags["truncated_lines"] = len(rest)
            break
    if removed:
        flags["removed"] = removed[:MAX_KEPT_REMOVED]
    return _collapse_blank_lines(kept), flags


def _collapse_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
