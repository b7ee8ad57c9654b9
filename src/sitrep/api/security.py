"""Who may call the API, from where, and where it may write: tokens, CORS, safe paths.

* **Tokens.** A bearer token is compared with :func:`hmac.compare_digest`, so the response time
  does not reveal how much of a guess matched. Write routes always need the token (with no
  token configured they are refused outright); read routes need it too while ``private`` is on
  (the default whenever a token is set; the ``api_private`` setting turns it off).
* **CORS** is closed by default: no ``Access-Control-Allow-Origin`` header is ever sent unless
  origins are configured (``cors_origins``, comma-separated), and then only for those origins,
  without credentials.
* **Paths.** Files the server writes (uploads, exports) go through :func:`safe_join`: a name
  from a request is reduced to a plain file name and the result must lie inside the target
  folder after every symlink is resolved.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable, Sequence

from fastapi import Depends, FastAPI
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitrep.errors import InputRejected

_bearer = HTTPBearer(auto_error=False, description="The token the server was started with.")


class UnsafePath(InputRejected):
    """A requested file name would land outside its target folder."""

    code = "E105"


def token_matches(given: str | None, expected: str) -> bool:
    """True when ``given`` equals ``expected``, compared in constant time."""
    given_bytes = (given or "").encode("utf-8")
    # compare_digest runs in time independent of where the first difference is.
    return hmac.compare_digest(given_bytes, expected.encode("utf-8")) and given is not None


def _unauthorized(message: str) -> StarletteHTTPException:
    return StarletteHTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})


def require_token(token: str | None) -> Callable[..., None]:
    """A FastAPI dependency that demands ``Authorization: Bearer <token>``.

    With ``token`` None the dependency refuses every call (403): a route guarded by it is a
    write route, and writes without a token are never allowed.
    """

    def check(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
        if token is None:
            raise StarletteHTTPException(
                403, "write routes need a token: start the server with --token (or SITREP_TOKEN)"
            )
        if credentials is None or not token_matches(credentials.credentials, token):
            raise _unauthorized("missing or wrong bearer token; send Authorization: Bearer <token>")

    return check


def read_dependencies(token: str | None, *, private: bool) -> list[Any]:
    """Dependencies of the read routes: the token check when the read API is private."""
    if token is None or not private:
        return []
    return [Depends(require_token(token))]


def write_dependencies(token: str | None) -> list[Any]:
    """Dependencies of the write routes: always the token check."""
    return [Depends(require_token(token))]


def parse_origins(value: str | Sequence[str] | None) -> list[str]:
    """``"https://a.example, https://b.example"`` → a list of origins; ``*`` is refused."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    origins = [o.strip().rstrip("/") for o in items if o.strip()]
    if "*" in origins:
        raise ValueError("cors_origins: '*' is not allowed; list the origins that may call the API")
    return origins


def install_cors(app: FastAPI, origins: str | Sequence[str] | None) -> None:
    """Allow cross-origin reads from exactly ``origins``; with none, install nothing (closed)."""
    allowed = parse_origins(origins)
    if not allowed:
        return
    from fastapi.middleware.cors import CORSMiddleware

    app.add_middleware(
        CORSMiddleware, allow_origins=allowed, allow_credentials=False,
        allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"],
    )


_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str | None, *, prefix: str | None = None, default: str = "upload") -> str:
    """A plain file name derived from an untrusted ``name``.

    Folders (``/`` and ``\\``), drive letters, NUL and control characters, leading dots and
    anything outside ``[A-Za-z0-9._-]`` are dropped and the length is bounded. ``prefix`` (say,
    a content hash) goes in front, so that two uploads with the same name never collide.
    """
    raw = unicodedata.normalize("NFKC", name or "")
    base = re.split(r"[/\\]", raw)[-1]
    base = base.split(":")[-1]
    base = _UNSAFE_CHARS.sub("_", base).lstrip("._-")[-120:] or default
    if prefix:
        base = f"{_UNSAFE_CHARS.sub('_', prefix)}-{base}"
    return base


def safe_join(folder: str | Path, name: str) -> Path:
    """``folder/name`` for a plain ``name``; raises :class:`UnsafePath` when the result (after
    resolving symlinks) is not inside ``folder``."""
    root = Path(folder).resolve()
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise UnsafePath("not a plain file name", input=name)
    target = (root / name).resolve()
    if target.parent != root:
        raise UnsafePath(f"resolves outside {root}", input=name)
    return target
