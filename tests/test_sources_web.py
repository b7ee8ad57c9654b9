"""Safe URL fetching, against real HTTP servers the tests start on loopback.

127.0.0.2 (routable on Linux loopback) stands in for "the public internet": tests allow it with
``allowed_networks=["127.0.0.2/32"]``, while 127.0.0.1 plays the private service a request
forger would aim at. No test sends traffic outside 127.0.0.0/8, and every host name is
answered by a stand-in resolver, never by DNS.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
import tracemalloc
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sitrep.errors import FetchError, FetchRefused, InputTooLarge
from sitrep.sources import web
from sitrep.sources.web import address_refusal, fetch_url

PUBLIC = "127.0.0.2"  # the stand-in for a public server
PRIVATE = "127.0.0.1"  # the stand-in for a service the fetcher must not reach
ALLOW = ["127.0.0.2/32"]
PAGE = b"<html><head><title>Talks</title></head><body><p>Moscow denied it.</p></body></html>"

Route = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture(autouse=True)
def _no_env_overrides(monkeypatch):
    """Tests rely on the built-in defaults, whatever the developer's shell exports."""
    for name in ("SITREP_ALLOW_PRIVATE", "SITREP_FETCH_TIMEOUT", "SITREP_FETCH_MAX_BYTES"):
        monkeypatch.delenv(name, raising=False)


# ---------------------------------------------------------------------------------------------
# Test servers


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup we neither need nor want.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class _Handler(BaseHTTPRequestHandler):
    timeout = 10  # a stuck client cannot keep a handler thread for longer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        server = self.server
        server.hits.append({"path": self.path, "host": self.headers.get("Host")})
        route = server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            reply(self, status=404, body=b"not found", ctype="text/plain")
        else:
            route(self)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


def reply(h: BaseHTTPRequestHandler, *, status: int = 200, body: bytes = PAGE,
          ctype: str | None = "text/html; charset=utf-8", headers: dict[str, str] | None = None,
          length: bool = True) -> None:
    """Send one complete response."""
    h.send_response(status)
    if ctype is not None:
        h.send_header("Content-Type", ctype)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    if length:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    try:
        h.wfile.write(body)
    except OSError:
        pass


def page(body: bytes = PAGE, ctype: str | None = "text/html; charset=utf-8",
         status: int = 200, **kw) -> Route:
    return lambda h: reply(h, status=status, body=body, ctype=ctype, **kw)


def redirect(location: str, status: int = 302) -> Route:
    return lambda h: reply(h, status=status, body=b"", ctype="text/plain", headers={"Location": location})


@contextmanager
def serve(host: str, routes: dict[str, Route], port: int = 0) -> Iterator[_Server]:
    """A threaded HTTP server on ``host`` (loopback only) for the duration of the block."""
    assert ipaddress.ip_address(host) in ipaddress.ip_network("127.0.0.0/8")
    server = _Server((host, port), _Handler)
    server.routes = routes
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def serve_pair(routes: dict[str, Route], trap_routes: dict[str, Route]) -> Iterator[tuple[_Server, _Server]]:
    """A "public" server on 127.0.0.2 and a trap on 127.0.0.1 listening on the same port.

    Same port, so a connection that went to the wrong address would land in the trap instead
    of failing to connect, and the test would see it.
    """
    last: OSError | None = None
    for _ in range(10):
        with serve(PUBLIC, routes) as public:
            try:
                trap_cm = serve(PRIVATE, trap_routes, port=public.server_port)
                trap = trap_cm.__enter__()
            except OSError as exc:  # that port is taken on 127.0.0.1; try another
                last = exc
                continue
            try:
                yield public, trap
            finally:
                trap_cm.__exit__(None, None, None)
            return
    raise RuntimeError(f"could not bind a server pair: {last}")


def url_of(server: _Server, path: str = "/", host: str | None = None) -> str:
    return f"http://{host or server.server_address[0]}:{server.server_port}{path}"


class FakeDNS:
    """Stands in for :func:`web._resolve`: answers from a script and counts lookups."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        # The last answer repeats once the script runs out.
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


# ---------------------------------------------------------------------------------------------
# Normal fetches


def test_sources_web_fetches_allow_listed_page():
    with serve(PUBLIC, {"/article": page()}) as server:
        target = url_of(server, "/article?id=1")
        item = fetch_url(target, allowed_networks=ALLOW, timeout=5)
    assert item.kind == "html"
    assert item.content == PAGE
    assert item.url == target and item.origin == target
    assert item.content_type == "text/html; charset=utf-8"
    assert item.meta == {"http_status": 200, "charset": "utf-8"}
    assert server.hits == [{"path": "/article?id=1", "host": f"{PUBLIC}:{server.server_port}"}]


@pytest.mark.parametrize(
    ("ctype", "kind", "charset"),
    [
        ("text/plain", "text", None),
        ("application/rss+xml; charset=\"ISO-8859-1\"", "feed", "ISO-8859-1"),
        ("application/atom+xml", "feed", None),
        ("Application/XML", "feed", None),
        ("text/xml; charset=utf-8", "feed", "utf-8"),
        ("application/xhtml+xml", "html", None),
    ],
)
def test_sources_web_kind_follows_content_type(ctype, kind, charset):
    with serve(PRIVATE, {"/": page(b"<rss></rss>", ctype=ctype)}) as server:
        item = fetch_url(url_of(server), allow_private=True, timeout=5)
    assert (item.kind, item.meta["charset"], item.content_type) == (kind, charset, ctype)


def test_sources_web_follows_redirects_and_reports_final_url():
    with serve(PUBLIC, {}) as server:
        server.routes.update(
            {
                "/a": redirect("/b", 301),
                "/b": redirect(url_of(server, "/c"), 307),
                "/c": redirect("d", 308),  # relative to /c
                "/d": page(),
            }
        )
        item = fetch_url(url_of(server, "/a"), allowed_networks=ALLOW, timeout=5)
    assert item.url == url_of(server, "/d")
    assert item.origin == url_of(server, "/a")
    assert [hit["path"] for hit in server.hits] == ["/a", "/b", "/c", "/d"]


def test_sources_web_decodes_gzip_body():
    body = PAGE * 50
    with serve(PUBLIC, {"/": page(gzip.compress(body), headers={"Content-Encoding": "gzip"})}) as server:
        item = fetch_url(url_of(server), allowed_networks=ALLOW, timeout=5)
    assert item.content == body


def test_sources_web_defaults_come_from_settings(monkeypatch):
    with serve(PRIVATE, {"/": page()}) as server:
        with pytest.raises(FetchRefused):
            fetch_url(url_of(server))
        monkeypatch.setenv("SITREP_ALLOW_PRIVATE", "1")
        assert fetch_url(url_of(server)).content == PAGE
        monkeypatch.setenv("SITREP_FETCH_MAX_BYTES", "10")
        with pytest.raises(InputTooLarge):
            fetch_url(url_of(server))


# ---------------------------------------------------------------------------------------------
# Refusals before any connection


@pytest.fixture
def no_network(monkeypatch):
    """Records every lookup and connection attempt; tests assert the lists stay empty."""
    attempts: list[object] = []

    def fake_resolve(host, port):
        attempts.append(("resolve", host))
        raise socket.gaierror(socket.EAI_NONAME, "no DNS in this test")

    real_connect = socket.socket.connect

    def spy_connect(self, address):
        attempts.append(("connect", address))
        return real_connect(self, address)

    monkeypatch.setattr(web, "_resolve", fake_resolve)
    monkeypatch.setattr(socket.socket, "connect", spy_connect)
    return attempts


def test_sources_web_refuses_loopback_by_default():
    with serve(PRIVATE, {"/": page()}) as server:
        with pytest.raises(FetchRefused) as info:
            fetch_url(url_of(server), timeout=5)
    assert server.hits == []
    message = str(info.value)
    assert info.value.code == "E111"
    assert url_of(server) in message and "loopback" in message and "--allow-private" in message


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.2/pub/",
        "gopher://127.0.0.2:70/_",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "127.0.0.2/page",
    ],
)
def test_sources_web_refuses_scheme(url, no_network):
    with pytest.raises(FetchRefused, match="scheme"):
        fetch_url(url, allowed_networks=ALLOW)
    assert no_network == []


@pytest.mark.parametrize("userinfo", ["user:secret@", "user@", ":secret@"])
def test_sources_web_refuses_credentials(userinfo, no_network):
    with pytest.raises(FetchRefused, match="credentials") as info:
        fetch_url(f"http://{userinfo}127.0.0.2:8/", allowed_networks=ALLOW)
    assert "secret" not in str(info.value)
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",  # octal
        "http://0177.1/",
        "http://127.1/",
        "http://127.0.1/",
        "http://0/",  # 0.0.0.0 reaches loopback on Linux
        "http://0x0.0x0.0x0.0x0/",
        "http://2852039166/",  # 169.254.169.254
        "http://0xa9fea9fe/",
        "http://0251.0376.0251.0376/",
        "http://167772161/",  # 10.0.0.1
        "http://127.0.0.1./",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        "http://[::]/",
        "http://[fe80::1%25lo]/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:169.254.169.254]/",
    ],
)
def test_sources_web_refuses_numeric_ip_spellings(url, no_network):
    with pytest.raises(FetchRefused) as info:
        fetch_url(url, timeout=5)
    assert "--allow-private" in str(info.value) or "dotted-decimal" in str(info.value)
    assert no_network == []


def test_sources_web_refuses_when_any_resolved_address_is_private(monkeypatch):
    dns = FakeDNS([PUBLIC, "10.1.2.3"])
    monkeypatch.setattr(web, "_resolve", dns)
    with serve(PUBLIC, {"/": page()}) as server:
        with pytest.raises(FetchRefused, match=r"10\.1\.2\.3 \(private"):
            fetch_url(url_of(server, host="mixed.test"), allowed_networks=ALLOW, timeout=5)
    assert server.hits == []


def test_sources_web_reports_unresolvable_host(monkeypatch):
    def nxdomain(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(web, "_resolve", nxdomain)
    with pytest.raises(FetchError, match="could not resolve host 'nowhere.test'") as info:
        fetch_url("http://nowhere.test/", timeout=5)
    assert not isinstance(info.value, FetchRefused)


# ---------------------------------------------------------------------------------------------
# The address policy itself

REFUSED_EXAMPLES = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("169.254.1.1", "link-local"),
    ("169.254.169.254", "metadata"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.255", "carrier-grade NAT"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.1", "documentation"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fd00:ec2::254", "metadata"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback, in IPv4-mapped"),
    ("::ffff:10.0.0.1", "private (RFC 1918), in IPv4-mapped"),
    ("::ffff:169.254.169.254", "metadata, in IPv4-mapped"),
    ("::ffff:0:127.0.0.1", "loopback, in IPv4-translated"),
    ("64:ff9b::a9fe:a9fe", "metadata, in NAT64"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("2002:7f00:1::1", "6to4"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("2001:db8::1", "documentation"),
]


@pytest.mark.parametrize(("address", "reason"), REFUSED_EXAMPLES)
def test_sources_web_address_policy_refuses(address, reason):
    assert reason in (address_refusal(address) or "")


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8"],
)
def test_sources_web_address_policy_accepts_public(address):
    assert address_refusal(address) is None


def test_sources_web_allowed_networks_are_checked_up_front(no_network):
    with pytest.raises(ValueError, match="127.0.0.300"):
        fetch_url("http://news.test/", allowed_networks=["127.0.0.300/32"])
    # A lone string is one network, not a sequence of one-character networks.
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1 \(loopback\)"):
        fetch_url("http://127.0.0.1:1/", allowed_networks="127.0.0.2/32")
    assert no_network == []


@pytest.mark.parametrize(
    ("address", "allowed", "expected"),
    [
        ("127.0.0.2", ["127.0.0.2/32"], None),
        ("127.0.0.1", ["127.0.0.2/32"], "loopback"),
        ("10.20.30.40", ["10.20.0.0/16"], None),
        ("10.21.0.1", ["10.20.0.0/16"], "private (RFC 1918)"),
        ("::ffff:10.20.30.40", ["10.20.0.0/16"], None),
        ("fd00::5", ["fd00::/64"], None),
    ],
)
def test_sources_web_address_policy_allow_list(address, allowed, expected):
    assert address_refusal(address, allowed) == expected


# Written out here rather than read from the module, so that a range dropped from the
# module's table makes these properties fail.
REQUIRED_REFUSED_NETWORKS = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
    "fd00:ec2::254/128",
]


@st.composite
def address_in(draw, networks: list[str]) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    net = ipaddress.ip_network(draw(st.sampled_from(networks)))
    return net[draw(st.integers(0, net.num_addresses - 1))]


@given(address_in(REQUIRED_REFUSED_NETWORKS))
@hsettings(max_examples=300, deadline=None)
def test_sources_web_address_policy_refuses_whole_networks(ip):
    assert address_refusal(ip) is not None
    assert address_refusal(str(ip)) is not None


@given(
    address_in([n for n in REQUIRED_REFUSED_NETWORKS if ":" not in n]),
    st.sampled_from(["::ffff:", "::ffff:0:", "64:ff9b::"]),
)
@hsettings(max_examples=300, deadline=None)
def test_sources_web_address_policy_refuses_ipv4_in_ipv6_forms(ip, prefix):
    assert address_refusal(f"{prefix}{ip}") is not None


@given(address_in(REQUIRED_REFUSED_NETWORKS))
@hsettings(max_examples=100, deadline=None)
def test_sources_web_address_policy_allow_list_lifts_refusal(ip):
    assert address_refusal(ip, [f"{ip}/{ip.max_prefixlen}"]) is None


# ---------------------------------------------------------------------------------------------
# Redirects


def test_sources_web_refuses_redirect_to_loopback():
    with serve_pair({}, {"/admin": page(b"secret")}) as (public, trap):
        public.routes["/go"] = redirect(url_of(trap, "/admin"))
        with pytest.raises(FetchRefused) as info:
            fetch_url(url_of(public, "/go"), allowed_networks=ALLOW, timeout=5)
    assert trap.hits == []
    message = str(info.value)
    assert f"redirect 1 to {url_of(trap, '/admin')}" in message and "loopback" in message
    assert message.startswith(f"[E111] {url_of(public, '/go')}: ")


@pytest.mark.parametrize(("hops", "ok"), [(5, True), (6, False)])
def test_sources_web_limits_redirect_chain(hops, ok):
    routes = {f"/{i}": redirect(f"/{i + 1}") for i in range(hops)}
    routes[f"/{hops}"] = page()
    with serve(PUBLIC, routes) as server:
        if ok:
            item = fetch_url(url_of(server, "/0"), allowed_networks=ALLOW, timeout=5)
            assert item.url == url_of(server, f"/{hops}")
        else:
            with pytest.raises(FetchError, match="too many redirects"):
                fetch_url(url_of(server, "/0"), allowed_networks=ALLOW, timeout=5)
    # The refused chain stops at the sixth redirect: the page itself is never requested.
    assert len(server.hits) == (hops + 1 if ok else 6)


def test_sources_web_stops_redirect_loop():
    with serve(PUBLIC, {"/loop": redirect("/loop")}) as server:
        with pytest.raises(FetchError, match="too many redirects"):
            fetch_url(url_of(server, "/loop"), allowed_networks=ALLOW, timeout=5)
    assert len(server.hits) == 6


@pytest.mark.parametrize(
    ("location", "match"),
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://127.0.0.2:70/_", "scheme 'gopher'"),
        ("ftp://127.0.0.2/", "scheme 'ftp'"),
        ("http://user:pw@127.0.0.2/", "credentials"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::ffff:127.0.0.1]:1/", "loopback"),
        ("http://0x7f.1:1/", "loopback"),
        ("http://0177.0.0.1:1/", "unusual spelling of the address 127.0.0.1"),
    ],
)
def test_sources_web_refuses_redirect_to_bad_target(location, match):
    with serve(PUBLIC, {"/go": redirect(location)}) as server:
        with pytest.raises(FetchRefused, match=match) as info:
            fetch_url(url_of(server, "/go"), allowed_networks=ALLOW, timeout=5)
    assert "redirect 1 to" in str(info.value)
    assert len(server.hits) == 1


# ---------------------------------------------------------------------------------------------
# DNS rebinding


@pytest.fixture
def rebinding_dns(monkeypatch):
    """``rebind.test`` answers 127.0.0.2 once, then 127.0.0.1, in the fetcher's resolver.

    Any lookup that goes around the fetcher's resolver (socket.getaddrinfo) gets the rebound
    answer straight away, so a connection that resolves the name again ends in the trap.
    """
    dns = FakeDNS([PUBLIC], [PRIVATE])
    monkeypatch.setattr(web, "_resolve", dns)
    real_getaddrinfo = socket.getaddrinfo

    def rebound_getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.startswith("rebind.test"):
            dns.calls.append(f"getaddrinfo:{host}")
            return real_getaddrinfo(PRIVATE, port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound_getaddrinfo)
    return dns


def test_sources_web_dns_rebinding_connects_to_pinned_address(rebinding_dns):
    with serve_pair({"/": page()}, {"/": page(b"<p>internal admin page</p>")}) as (public, trap):
        target = url_of(public, "/", host="rebind.test")
        item = fetch_url(target, allowed_networks=ALLOW, timeout=5)
    assert item.content == PAGE
    assert trap.hits == []
    assert rebinding_dns.calls == ["rebind.test"]  # one resolution for one hop, nothing else
    # The pinned connection still speaks to the host by name.
    assert public.hits == [{"path": "/", "host": f"rebind.test:{public.server_port}"}]


def test_sources_web_dns_rebinding_on_redirect_is_refused(rebinding_dns):
    with serve_pair({}, {"/admin": page(b"secret")}) as (public, trap):
        public.routes["/"] = redirect(url_of(public, "/admin", host="rebind.test"))
        refusal = r"redirect 1 to .*rebind\.test resolves to 127\.0\.0\.1 \(loopback\)"
        with pytest.raises(FetchRefused, match=refusal):
            fetch_url(url_of(public, "/", host="rebind.test"), allowed_networks=ALLOW, timeout=5)
    assert trap.hits == []
    assert rebinding_dns.calls == ["rebind.test", "rebind.test"]  # one resolution per hop


def test_sources_web_backend_never_dials_unchecked_host():
    backend = web._PinnedBackend(web._Deadline(5))
    backend.pins[("checked.test", 80)] = [PUBLIC]
    with pytest.raises(web.httpcore.ConnectError, match="no validated address"):
        backend.connect_tcp("other.test", 80, timeout=1)
    with pytest.raises(web.httpcore.ConnectError, match="no validated address"):
        backend.connect_tcp("checked.test", 81, timeout=1)
    assert backend.dialled == []


# ---------------------------------------------------------------------------------------------
# HTTPS: the pinned connection still verifies the certificate against the URL's host name

OPENSSL = shutil.which("openssl")


def _make_cert(tmp_path, name: str) -> tuple[str, str]:
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True, timeout=30,
    )
    return str(cert), str(key)


@contextmanager
def serve_tls(cert: str, key: str, routes: dict[str, Route]) -> Iterator[tuple[_Server, list[str]]]:
    sni: list[str] = []
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = lambda sock, name, context: sni.append(name)
    with serve(PUBLIC, routes) as server:
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        yield server, sni


@pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command to make a test certificate")
@pytest.mark.parametrize(("cert_name", "ok"), [("news.test", True), ("other.test", False)])
def test_sources_web_https_checks_certificate_of_original_host(tmp_path, monkeypatch, cert_name, ok):
    cert, key = _make_cert(tmp_path, cert_name)
    monkeypatch.setenv("SSL_CERT_FILE", cert)  # trust only this self-signed certificate
    dns = FakeDNS([PUBLIC])
    monkeypatch.setattr(web, "_resolve", dns)
    with serve_tls(cert, key, {"/": page()}) as (server, sni):
        target = f"https://news.test:{server.server_port}/"
        if ok:
            assert fetch_url(target, allowed_networks=ALLOW, timeout=5).content == PAGE
        else:
            with pytest.raises(FetchError, match="could not connect") as info:
                fetch_url(target, allowed_networks=ALLOW, timeout=5)
            assert "certificate" in str(info.value).lower() or "hostname" in str(info.value).lower()
    assert sni == ["news.test"]
    assert dns.calls == ["news.test"]


# ---------------------------------------------------------------------------------------------
# Deadline


def _drip(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(80):  # 8 s at most, whatever the client does
        try:
            h.wfile.write(b"x")
        except OSError:
            return
        time.sleep(0.1)


def _slow_headers(h: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    reply(h)


def _slow_redirect(h: BaseHTTPRequestHandler) -> None:
    time.sleep(0.3)
    step = int(h.path.rsplit("/", 1)[1])
    reply(h, status=302, body=b"", ctype="text/plain", headers={"Location": f"/hop/{step + 1}"})


def _stall_after_headers(h: BaseHTTPRequestHandler) -> None:
    # Late headers, then silence: a read time-out counted from the start of the request
    # rather than from the shared deadline would let this run to about 1.6 s.
    time.sleep(0.6)
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    h.wfile.write(b"<html>")
    time.sleep(3)


@pytest.mark.parametrize("path", ["/drip", "/slow-headers", "/stall", "/hop/0"])
def test_sources_web_deadline_covers_whole_fetch(path):
    routes = {"/drip": _drip, "/slow-headers": _slow_headers, "/stall": _stall_after_headers}
    routes.update({f"/hop/{i}": _slow_redirect for i in range(10)})
    with serve(PUBLIC, routes) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out") as info:
            fetch_url(url_of(server, path), allowed_networks=ALLOW, timeout=1.0)
        elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 1.5
    assert info.value.code == "E110"
    assert url_of(server, path) in str(info.value)


def test_sources_web_deadline_covers_slow_resolver(monkeypatch):
    def slow_resolve(host, port):
        time.sleep(3)
        return [PUBLIC]

    monkeypatch.setattr(web, "_resolve", slow_resolve)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch_url("http://slow-dns.test/", allowed_networks=ALLOW, timeout=0.5)
    assert time.monotonic() - started < 1.5


# ---------------------------------------------------------------------------------------------
# Body size, content type and status


def test_sources_web_rejects_declared_length_over_cap():
    with serve(PUBLIC, {"/": page(b"x" * 5000)}) as server:
        with pytest.raises(InputTooLarge, match="larger than 1,000 bytes") as info:
            fetch_url(url_of(server), allowed_networks=ALLOW, max_bytes=1000, timeout=5)
    assert info.value.code == "E101"


def test_sources_web_rejects_declared_length_before_reading_body():
    def promise_huge(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "50000000")
        h.end_headers()
        time.sleep(3)  # no body comes: only the header can have told the fetcher

    with serve(PUBLIC, {"/": promise_huge}) as server:
        started = time.monotonic()
        with pytest.raises(InputTooLarge):
            fetch_url(url_of(server), allowed_networks=ALLOW, max_bytes=1000, timeout=2)
        assert time.monotonic() - started < 1.0


def test_sources_web_stops_streaming_body_over_cap():
    total = 50_000_000
    sent: list[int] = []
    done = threading.Event()

    def endless(h: BaseHTTPRequestHandler) -> None:
        # No Content-Length: the size is only known by reading, so the cap must act mid-stream.
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        count = 0
        try:
            while count < total:
                h.wfile.write(b"y" * 65536)
                count += 65536
        except OSError:
            pass
        finally:
            sent.append(count)
            done.set()

    with serve(PUBLIC, {"/": endless}) as server:
        with pytest.raises(InputTooLarge):
            fetch_url(url_of(server), allowed_networks=ALLOW, max_bytes=100_000, timeout=10)
        assert done.wait(10)
    assert sent[0] < total  # the fetcher hung up instead of reading everything


def test_sources_web_bounds_gzip_bomb():
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    with serve(PUBLIC, {"/": page(bomb, headers={"Content-Encoding": "gzip"})}) as server:
        tracemalloc.start()
        try:
            with pytest.raises(InputTooLarge):
                fetch_url(url_of(server), allowed_networks=ALLOW, max_bytes=100_000, timeout=5)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # Inflating the whole bomb before checking its size would have needed 50 MB.
    assert peak < 10_000_000


def test_sources_web_accepts_body_exactly_at_cap():
    with serve(PUBLIC, {"/": page(b"z" * 1000, length=False)}) as server:
        item = fetch_url(url_of(server), allowed_networks=ALLOW, max_bytes=1000, timeout=5)
    assert len(item.content) == 1000


@pytest.mark.parametrize("ctype", ["image/png", "application/octet-stream", "application/pdf", None])
def test_sources_web_refuses_wrong_content_type(ctype):
    with serve(PUBLIC, {"/": page(b"\x89PNG\r\n", ctype=ctype)}) as server:
        with pytest.raises(FetchError) as info:
            fetch_url(url_of(server), allowed_networks=ALLOW, timeout=5)
    message = str(info.value)
    assert not isinstance(info.value, FetchRefused)
    assert (ctype or "no content type") in message and url_of(server) in message


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_sources_web_reports_http_error_status(status):
    with serve(PUBLIC, {"/": page(b"oops", status=status)}) as server:
        with pytest.raises(FetchError, match=f"HTTP {status}") as info:
            fetch_url(url_of(server), allowed_networks=ALLOW, timeout=5)
    assert info.value.code == "E110"


def test_sources_web_reports_connection_refused():
    with serve(PUBLIC, {}) as server:
        port = server.server_port
    with pytest.raises(FetchError, match="could not connect"):
        fetch_url(f"http://{PUBLIC}:{port}/", allowed_networks=ALLOW, timeout=5)
