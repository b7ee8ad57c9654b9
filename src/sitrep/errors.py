"""Domain errors with stable codes (like spaCy's ``E###``).

The library raises these; the CLI and the API map them to exit codes and HTTP statuses. Each
message says what went wrong with which input and, where it helps, what to do about it.
"""

from __future__ import annotations


class SitrepError(Exception):
    """Base class. ``code`` is stable across releases; ``input`` names the offending input."""

    code = "E000"

    def __init__(self, message: str, *, input: str | None = None) -> None:
        self.message = message
        self.input = input
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.input}: " if self.input else ""
        return f"[{self.code}] {where}{self.message}"


class InputRejected(SitrepError):
    """An input could not be turned into a document (empty, binary, no article…)."""

    code = "E100"


class InputTooLarge(InputRejected):
    """An input is over the configured size cap (raw or decompressed)."""

    code = "E101"


class InputCorrupt(InputRejected):
    """An input is truncated or malformed (broken gzip, clipped WARC, unparseable feed)."""

    code = "E102"


class UnsupportedInput(InputRejected):
    """No reader handles this kind of input."""

    code = "E103"


class NoArticle(InputRejected):
    """The page was read but holds no article text."""

    code = "E104"


class FetchError(InputRejected):
    """A URL could not be fetched (time-out, HTTP error, wrong content type)."""

    code = "E110"


class FetchRefused(FetchError):
    """A URL resolves to an address sitrep refuses to contact (loopback, private, metadata)."""

    code = "E111"


class StoreError(SitrepError):
    """The store cannot be opened or written (read-only, disk full, newer schema)."""

    code = "E200"


class NotFound(SitrepError):
    """A requested record does not exist."""

    code = "E404"
