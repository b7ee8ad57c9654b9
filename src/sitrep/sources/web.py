"""Safe URL fetching for ingest, fit to run inside a server.

A URL given to sitrep may come from a stranger (a feed, a REST call), so fetching it must not
become a way to reach the machine's own network (server-side request forgery). The rules:

* only ``http`` and ``https``, never URLs with credentials;
* the host is resolved here, once per hop, and every address it resolves to must be public
  (:func:`address_refusal`); numeric spellings such as ``http://2130706433/`` are read as the
  address they denote, without asking DNS;
* the connection dials the address that was checked, never a second resolution, so a DNS
  answer that changes between check and use (DNS rebinding) cannot redirect it. TLS still uses
  the URL's host name for SNI and certificate checks;
* redirects are followed by hand, at most :data:`MAX_REDIRECTS`, each hop checked again;
* one deadline covers resolution, connection, every redirect and the body, so a server that
  drips bytes cannot hold a worker; the body is capped while it streams.

The transport is :mod:`httpcore` (httpx's engine) with a network backend that only dials
pinned addresses. httpx's client is not used: its transport offers no hook for a network
backend, and by default it routes through proxies named in the environment, which would
resolve the host again on their side.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import ssl
import threading
import time
import zlib
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

import httpcore
import httpx

from sitrep import __version__, settings
from sitrep.errors import FetchError, FetchRefused, InputTooLarge
from sitrep.sources import RawItem

#: Most redirects followed for one fetch.
MAX_REDIRECTS = 5

#: Accepted media types and the :class:`RawItem` kind each becomes.
CONTENT_KINDS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
}

_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_READ_CHUNK = 64 * 1024

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[_IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(cidr), reason) for cidr, reason in pairs)


# Order matters: the first match names the reason, so the specific entries (metadata
# endpoints) come before the ranges that contain them.
_V4_REFUSED = _networks(
    [
        ("169.254.169.254/32", "cloud metadata"),
        ("168.63.129.16/32", "cloud metadata (Azure host endpoint)"),
        ("100.100.100.200/32", "cloud metadata (Alibaba)"),
        ("0.0.0.0/8", "unspecified ('this network')"),
        ("10.0.0.0/8", "private (RFC 1918)"),
        ("100.64.0.0/10", "carrier-grade NAT (shared address space)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.0.0.0/24", "reserved (IETF protocol assignments)"),
        ("192.0.2.0/24", "reserved (documentation)"),
        ("192.88.99.0/24", "reserved (6to4 relay anycast)"),
        ("192.168.0.0/16", "private (RFC 1918)"),
        ("198.18.0.0/15", "reserved (benchmarking)"),
        ("198.51.100.0/24", "reserved (documentation)"),
        ("203.0.113.0/24", "reserved (documentation)"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    ]
)

_V6_REFUSED = _networks(
    [
        ("fd00:ec2::254/128", "cloud metadata"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        # Deprecated IPv4-compatible form (::a.b.c.d): nothing public lives there.
        ("::/96", "reserved (IPv4-compatible IPv6)"),
        ("64:ff9b:1::/48", "private (local-use NAT64)"),
        ("100::/64", "reserved (discard-only)"),
        # Includes Teredo (2001::/32), which tunnels to an obfuscated IPv4 address.
        ("2001::/23", "reserved (IETF protocol assignments, Teredo)"),
        ("2001:db8::/32", "reserved (documentation)"),
        # 6to4 tunnels to the IPv4 address embedded in it; deprecated, so refuse outright.
        ("2002::/16", "6to4 (tunnels to an embedded IPv4 address)"),
        ("3fff::/20", "reserved (documentation)"),
        ("5f00::/16", "reserved (SRv6)"),
        ("fc00::/7", "private (unique local)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    ]
)

#: Every network refused by default, with the reason an error message gives.
REFUSED_NETWORKS: tuple[tuple[_IPNetwork, str], ...] = _V4_REFUSED + _V6_REFUSED

# IPv6 forms that carry an IPv4 address in their low 32 bits and reach it when dialled:
# mapped (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d, RFC 2765) and NAT64 (RFC 6052).
_V4_EMBEDDING = _networks(
    [
        ("::ffff:0:0/96", "IPv4-mapped"),
        ("::ffff:0:0:0/96", "IPv4-translated"),
        ("64:ff9b::/96", "NAT64"),
    ]
)
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")


def _embedded_v4(ip: _IPAddress) -> tuple[ipaddress.IPv4Address, str] | None:
    if ip.version != 6:
        return None
    for net, form in _V4_EMBEDDING:
        if ip in net:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), form
    return None


def _as_ip(address: str | _IPAddress) -> _IPAddress:
    if isinstance(address, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return address
    # Zone ids (fe80::1%eth0) name an interface, not an address: policy ignores them.
    return ipaddress.ip_address(address.split("%", 1)[0])


def address_refusal(
    address: str | ipaddress.IPv4Address | ipaddress.IPv6Address,
    allowed_networks: Sequence[str | ipaddress.IPv4Network | ipaddress.IPv6Network] = (),
) -> str | None:
    """Why sitrep refuses to connect to ``address``, or None when it may.

    Refused: loopback, private (RFC 1918, fc00::/7), link-local, multicast, reserved,
    unspecified, carrier-grade NAT, cloud metadata endpoints, anything else that is not public
    unicast, and the IPv4-mapped, -translated and NAT64 IPv6 forms of those. An address inside
    one of ``allowed_networks`` (CIDR strings) is accepted whatever it is.
    """
    ip = _as_ip(address)
    allowed = [ipaddress.ip_network(n, strict=False) if isinstance(n, str) else n for n in allowed_networks]
    embedded = _embedded_v4(ip)
    for net in allowed:
        if ip.version == net.version and ip in net:
            return None
        if embedded and net.version == 4 and embedded[0] in net:
            return None
    if embedded is not None:
        inner, form = embedded
        reason = address_refusal(inner)
        return f"{reason}, in {form} IPv6 form" if reason else None
    for net, reason in REFUSED_NETWORKS:
        if ip.version == net.version and ip in net:
            return reason
    if ip.version == 6 and ip not in _GLOBAL_UNICAST_V6:
        return "reserved (not IPv6 global unicast)"
    if not ip.is_global:
        # A safety net for ranges the tables above miss as the registries change.
        return "not a public address"
    return None


def _parse_ipv4_number(part: str) -> int | None:
    """One part of a legacy IPv4 spelling: decimal, octal (leading 0) or hex (0x)."""
    text = part.lower()
    try:
        if text.startswith("0x"):
            return int(text[2:], 16) if text[2:] else 0
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` the way inet_aton and browsers do (``2130706433``, ``0x7f.1``, ``127.1``).

    Doing it here rather than trusting the resolver makes the answer the same on every
    platform, and keeps such hosts away from DNS altogether.
    """
    if host.endswith("."):
        host = host[:-1]
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_parse_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _looks_numeric(host: str) -> bool:
    # Browsers treat a host whose last label is numeric as an IPv4 address, valid or not.
    last = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if last.startswith("0x"):
        return all(c in "0123456789abcdef" for c in last[2:])
    return last.isdigit()


def _resolve(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to (tests replace this to stage DNS answers)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


class _Deadline:
    """One clock for the whole fetch; every blocking step asks it how long it may wait."""

    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._at - time.monotonic()

    def clamp(self, timeout: float | None, exc: type[Exception]) -> float:
        left = self.remaining()
        if left <= 0:
            raise exc("deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read, write and TLS handshake stops at the deadline.

    A per-read time-out alone lets a server that sends one byte a second live for ever.
    """

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wrapped = self._inner.start_tls(
            ssl_context, server_hostname, self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(wrapped, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Dials only addresses that were checked for a (host, port); never resolves a name.

    httpcore hands us the URL's host name; we look up the addresses validated for it and dial
    those. The host name still reaches TLS (SNI, certificate) and the Host header unchanged.
    """

    def __init__(self, deadline: _Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline
        self.pins: dict[tuple[str, int], list[str]] = {}
        #: (host, port, address) of every connection attempt, for diagnostics and tests.
        self.dialled: list[tuple[str, int, str]] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.pins.get((host.lower(), port))
        if not addresses:
            # Reaching this means a code path tried to connect to a host nobody checked.
            raise httpcore.ConnectError(f"no validated address for {host}:{port}")
        last: Exception | None = None
        for address in addresses:
            self.dialled.append((host, port, address))
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=self._deadline.clamp(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for URL fetches")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(self._deadline.remaining(), 0)))


class _TimedOut(Exception):
    pass


def _resolve_within(host: str, port: int, deadline: _Deadline) -> list[str]:
    """Call :func:`_resolve` but give up at the deadline (getaddrinfo has no time-out).

    The lookup runs on a daemon thread; one that outlives the deadline ends on its own when
    the system resolver gives up.
    """
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["result"] = _resolve(host, port)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    left = deadline.remaining()
    if left <= 0:
        raise _TimedOut
    worker = threading.Thread(target=work, name="sitrep-resolve", daemon=True)
    worker.start()
    worker.join(left)
    if worker.is_alive():
        raise _TimedOut
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return list(box["result"])  # type: ignore[call-overload]


@functools.lru_cache(maxsize=4)
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx's verifying context (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), built once."""
    # Loading the CA bundle takes tens of milliseconds: too slow to repeat for every URL in a
    # batch. The arguments only key the cache on the environment variables httpx reads.
    return httpx.create_ssl_context()


def _redact(url: str) -> str:
    """The URL with any user:password replaced, fit for an error message."""
    try:
        parsed = httpx.URL(url)
    except Exception:
        return url
    if not parsed.userinfo:
        return url
    return str(parsed.copy_with(username="***", password=None))


_PRIVATE_HINT = (
    "sitrep only fetches from public addresses. If this is your own network, pass --allow-private "
    "(or set SITREP_ALLOW_PRIVATE=1) to fetch from it; never do that on a server."
)


def _unparseable(text: str, exc: Exception, *, where: str, given: str) -> FetchError:
    """The error for a URL httpx cannot parse."""
    # httpx rejects dotted quads with leading zeros ("0177.0.0.1"), which inet_aton reads as
    # octal: say which address that spelling means rather than call it a typo.
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        host = ""
    numeric = _numeric_ipv4(host) if _looks_numeric(host) else None
    if numeric is not None:
        return FetchRefused(
            f"{where} was refused: the host {host!r} is an unusual spelling of the address "
            f"{numeric}; write the address in plain dotted-decimal form",
            input=given,
        )
    return FetchError(f"{where} is not a valid URL ({exc}); check it for typos", input=given)


def _check_url(raw: str | httpx.URL, *, where: str, given: str) -> httpx.URL:
    """Parse and check the scheme, host and credentials of one hop."""
    try:
        url = raw if isinstance(raw, httpx.URL) else httpx.URL(raw)
    except Exception as exc:
        raise _unparseable(str(raw), exc, where=where, given=given) from None
    if url.scheme not in ("http", "https"):
        hint = "; add http:// or https:// in front" if not url.scheme else ""
        raise FetchRefused(
            f"{where} uses the scheme {url.scheme or '(none)'!r}; only http and https URLs are fetched{hint}",
            input=given,
        )
    if url.userinfo:
        raise FetchRefused(
            f"{where} carries credentials (user:password@); sitrep does not send credentials, "
            "remove them from the URL",
            input=given,
        )
    if not url.raw_host:
        raise FetchError(f"{where} has no host", input=given)
    return url


def _addresses_for(
    url: httpx.URL,
    *,
    where: str,
    given: str,
    deadline: _Deadline,
    allow_private: bool,
    allowed_networks: Sequence[_IPNetwork],
) -> list[str]:
    """The checked addresses to dial for one hop, or FetchRefused naming the first bad one."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    literal: _IPAddress | None = None
    if ":" in host:
        try:
            literal = ipaddress.ip_address(host.replace("%25", "%"))
        except ValueError:
            raise FetchError(f"{where} has an invalid IPv6 host {host!r}", input=given) from None
    elif _looks_numeric(host):
        literal = _numeric_ipv4(host)
        if literal is None:
            raise FetchRefused(
                f"{where} has a numeric host {host!r} that is not a valid IPv4 address", input=given
            )
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = _resolve_within(host, port, deadline)
        except _TimedOut:
            raise
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                f"{where}: could not resolve host {host!r} ({exc}); check the URL and your network",
                input=given,
            ) from None
        if not addresses:
            raise FetchError(f"{where}: host {host!r} resolved to no address", input=given)
    checked: list[str] = []
    for address in addresses:
        try:
            ip = _as_ip(address)
        except ValueError:
            raise FetchError(
                f"{where}: the resolver returned {address!r}, which is not an IP address", input=given
            ) from None
        if not allow_private:
            reason = address_refusal(ip, allowed_networks)
            if reason:
                if literal is not None:
                    shown = f"the host is the address {address}"
                else:
                    shown = f"{host} resolves to {address}"
                raise FetchRefused(f"{where} was refused: {shown} ({reason}). {_PRIVATE_HINT}", input=given)
        checked.append(address)
    return checked


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type, charset) from a Content-Type value."""
    if not content_type:
        return "", None
    media, *params = content_type.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


class _Decoder:
    """Content-Encoding decoding that never produces more than it is allowed to.

    A few kilobytes of gzip can inflate to gigabytes, so output is bounded per call rather
    than checked after the fact.
    """

    def __init__(self, encoding: str | None) -> None:
        self.encoding = (encoding or "identity").lower()
        if self.encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._z = zlib.decompressobj()
            self._raw_fallback = True
        elif self.encoding == "identity":
            self._z = None
        else:
            raise ValueError(self.encoding)
        self._first = True

    def feed(self, chunk: bytes, room: int) -> bytes:
        """Decode ``chunk``; more than ``room`` bytes of output raises OverflowError."""
        if self._z is None:
            if len(chunk) > room:
                raise OverflowError
            return chunk
        try:
            out = self._z.decompress(chunk, room + 1)
        except zlib.error:
            # Some servers send raw deflate under "deflate"; retry once without the header.
            if not (self._first and self.encoding == "deflate"):
                raise
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._z.decompress(chunk, room + 1)
        self._first = False
        if len(out) > room or self._z.unconsumed_tail:
            raise OverflowError
        return out

    def finish(self) -> None:
        if self._z is not None and not self._z.eof:
            raise zlib.error("compressed body ended early")


def fetch_url(
    url: str,
    *,
    allow_private: bool | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    allowed_networks: Sequence[str] = (),
) -> RawItem:
    """Fetch one http(s) URL safely and return it as a :class:`RawItem`.

    Refuses (:class:`~sitrep.errors.FetchRefused`) other schemes, credentials in the URL and
    hosts that resolve to non-public addresses unless ``allow_private`` is true or the address
    is inside ``allowed_networks`` (CIDRs). Follows at most :data:`MAX_REDIRECTS` redirects,
    checking each hop. ``timeout`` (seconds) bounds the whole fetch, redirects and body
    included; ``max_bytes`` bounds the decoded body (:class:`~sitrep.errors.InputTooLarge`).
    Unset values come from the ``allow_private``, ``fetch_timeout`` and ``fetch_max_bytes``
    settings. ``kind`` is ``"html"``, ``"feed"`` or ``"text"`` by the response's content type.
    """
    allow_private = bool(settings.get("allow_private", allow_private))
    timeout = float(settings.get("fetch_timeout", timeout))
    max_bytes = int(settings.get("fetch_max_bytes", max_bytes))
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, not {timeout}")
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, not {max_bytes}")
    if isinstance(allowed_networks, str):
        allowed_networks = (allowed_networks,)
    # Parsed up front so that a typo fails loudly instead of allowing nothing.
    networks = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in allowed_networks)

    given = _redact(url)
    deadline = _Deadline(timeout)
    backend = _PinnedBackend(deadline)
    pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")),
        network_backend=backend,
        max_connections=2,
        retries=0,
        http1=True,
        http2=False,
    )
    try:
        return _fetch(
            url,
            given=given,
            pool=pool,
            backend=backend,
            deadline=deadline,
            allow_private=allow_private,
            max_bytes=max_bytes,
            allowed_networks=networks,
        )
    except (_TimedOut, httpcore.TimeoutException):
        raise FetchError(
            f"timed out after {timeout:g} s (connection, redirects and body together); "
            "the server is too slow or unreachable. Retry later, or raise SITREP_FETCH_TIMEOUT",
            input=given,
        ) from None
    finally:
        pool.close()


def _fetch(
    url: str,
    *,
    given: str,
    pool: httpcore.ConnectionPool,
    backend: _PinnedBackend,
    deadline: _Deadline,
    allow_private: bool,
    max_bytes: int,
    allowed_networks: Sequence[_IPNetwork],
) -> RawItem:
    where = "the URL"
    current = _check_url(url, where=where, given=given)
    for hop in range(MAX_REDIRECTS + 1):
        port = current.port or (443 if current.scheme == "https" else 80)
        host = current.raw_host.decode("ascii")
        addresses = _addresses_for(
            current,
            where=where,
            given=given,
            deadline=deadline,
            allow_private=allow_private,
            allowed_networks=allowed_networks,
        )
        backend.pins[(host.lower(), port)] = addresses
        request_url = httpcore.URL(
            scheme=current.raw_scheme, host=current.raw_host, port=current.port, target=current.raw_path
        )
        headers = [
            (b"Host", current.netloc),
            (b"User-Agent", f"sitrep/{__version__}".encode()),
            (b"Accept", b"text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
             b"application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.8"),
            (b"Accept-Encoding", b"gzip, deflate"),
        ]
        # Every timeout is the whole budget; the deadline clamps each step to what is left.
        budget = max(deadline.remaining(), 0.001)
        extensions = {"timeout": {"connect": budget, "read": budget, "write": budget, "pool": budget}}
        try:
            with pool.stream("GET", request_url, headers=headers, extensions=extensions) as response:
                status = response.status
                if status in _REDIRECT_STATUSES:
                    location = _header(response.headers, b"location")
                    if not location:
                        raise FetchError(
                            f"{where} answered HTTP {status} without a Location to follow", input=given
                        )
                    if hop == MAX_REDIRECTS:
                        raise FetchError(
                            f"too many redirects (more than {MAX_REDIRECTS}); the last one was to "
                            f"{_redact(location)}. Ingest the final URL directly if it is right",
                            input=given,
                        )
                    try:
                        target = current.join(location)
                    except Exception as exc:
                        where = f"redirect {hop + 1} to {_redact(location)}"
                        raise _unparseable(location, exc, where=where, given=given) from None
                    where = f"redirect {hop + 1} to {_redact(str(target))}"
                    current = _check_url(target, where=where, given=given)
                    continue
                return _read_response(
                    response, url=url, given=given, where=where, final=current, max_bytes=max_bytes
                )
        except httpcore.TimeoutException:
            raise
        except httpcore.ConnectError as exc:
            raise FetchError(
                f"{where}: could not connect to {host} port {port} ({exc or type(exc).__name__}); "
                "check the URL, or retry later",
                input=given,
            ) from None
        except (httpcore.ProtocolError, httpcore.NetworkError) as exc:
            raise FetchError(
                f"{where}: the connection failed mid-response ({exc or type(exc).__name__}); retry later",
                input=given,
            ) from None
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _read_response(
    response: httpcore.Response,
    *,
    url: str,
    given: str,
    where: str,
    final: httpx.URL,
    max_bytes: int,
) -> RawItem:
    status = response.status
    if status >= 400:
        phrase = response.extensions.get("reason_phrase", b"").decode("latin-1", "replace")
        hint = "the page does not exist (check the URL)" if status in (404, 410) else (
            "the server failed; retry later" if status >= 500 else "the server refused the request"
        )
        raise FetchError(f"{where} answered HTTP {status} {phrase}".rstrip() + f": {hint}", input=given)
    if not 200 <= status < 300:
        raise FetchError(f"{where} answered HTTP {status}, which is not a page to ingest", input=given)

    content_type = _header(response.headers, b"content-type")
    media, charset = _media_type(content_type)
    kind = CONTENT_KINDS.get(media)
    if kind is None:
        shown = repr(content_type) if content_type else "no content type"
        raise FetchError(
            f"{where} returned {shown}; sitrep ingests HTML, XHTML, RSS/Atom/XML feeds and plain text",
            input=given,
        )

    too_large = (
        f"{where}: the response is larger than {max_bytes:,} bytes; "
        "raise SITREP_FETCH_MAX_BYTES if it is a real article"
    )
    length = _header(response.headers, b"content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise InputTooLarge(too_large, input=given)
    try:
        decoder = _Decoder(_header(response.headers, b"content-encoding"))
    except ValueError as exc:
        raise FetchError(
            f"{where} used the content encoding {exc}, which was not asked for", input=given
        ) from None

    body = bytearray()
    raw_total = 0
    try:
        for chunk in response.iter_stream():
            raw_total += len(chunk)
            if raw_total > max_bytes:
                raise InputTooLarge(too_large, input=given)
            body += decoder.feed(chunk, max_bytes - len(body))
        decoder.finish()
    except OverflowError:
        raise InputTooLarge(too_large, input=given) from None
    except zlib.error as exc:
        raise FetchError(f"{where}: the {decoder.encoding} body is corrupt ({exc})", input=given) from None

    return RawItem(
        origin=url,
        content=bytes(body),
        kind=kind,
        url=str(final),
        content_type=content_type,
        meta={"http_status": status, "charset": charset},
    )
