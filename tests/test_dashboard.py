"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against the real
server (uvicorn on a free loopback port) over a store filled from sample articles.

Screenshots of each step go to ``tests/artifacts/`` (git-ignored)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import HOSTILE, REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (make install installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(records_store):
    from sitrep.api import create_app
    from sitrep.api.background import BackgroundServer

    with BackgroundServer(create_app(str(records_store))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    # The page itself must never trip its own Content-Security-Policy.
    pg.on("console", lambda m: pg.errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()


def api(server: str, path: str, **params) -> dict:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    with urllib.request.urlopen(f"{server}/api/{path}{query}") as r:
        return json.loads(r.read())


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def ready(page, view: str) -> None:
    page.wait_for_selector(f"body[data-ready={view}]", timeout=20000)


def click_bar(page, day: str) -> None:
    """Click the middle of a day's bar (the chart's brush overlay takes the click)."""
    box = page.locator(f"g.bar[data-day='{day}']").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()


def test_dashboard_timeline_spike_to_event_to_sentence_to_contradiction(server, page):
    page.goto(server + "/")
    ready(page, "timeline")
    shot(page, "1-timeline")
    bars = page.locator("g.bar")
    counts = {bars.nth(i).get_attribute("data-day"): int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count())}
    spike = max(counts, key=lambda d: (counts[d], d))
    click_bar(page, spike)
    page.wait_for_url(f"**since={spike}&until={spike}**")
    ready(page, "timeline")
    rows = page.locator("#event-list li.event-row")
    expected = api(server, "events", since=spike, until=spike, limit=500)["items"]
    assert rows.count() == len(expected) == counts[spike]
    assert set(page.locator("#event-list .day").all_text_contents()) == {spike}
    shot(page, "2-events-of-the-day")

    # An event whose sentence also carries a statement that something contradicts.
    target = None
    for event in expected:
        doc = api(server, f"documents/{event['doc_id']}")
        ev = event["evidence"]
        stated = {s["id"] for s in doc["statements"] if s["evidence"]["start"] < ev["end"] and ev["start"] < s["evidence"]["end"]}
        if any(r["a"] in stated or r["b"] in stated for r in doc["relations"]):
            target = event
            break
    assert target, "the spike day has an event with a contradicted statement in its sentence"
    page.locator(f"#event-list li.event-row[data-id='{target['id']}'] a.sentence-link").click()
    ready(page, "reader")
    assert f"hl=event%3A{target['id']}" in page.url or f"hl=event:{target['id']}" in page.url
    focus = "".join(page.locator("#reader .hl-focus").all_text_contents())
    assert focus.strip() == target["evidence"]["sentence"].strip()
    panel = page.locator("#record-panel")
    assert panel.locator("section.record[data-kind=event] h3").first.text_content().startswith(f"Event {target['type']}")
    assert panel.locator(".contradictions-heading").count() == 1
    pair = panel.locator(".pair[data-kind=contradicts]").first
    assert pair.locator(".statement-card").count() == 2
    assert pair.locator(".versus").text_content().startswith("contradicts")
    shot(page, "3-reader-event-and-contradiction")

    # Any highlight shows its record; every record links back to its sentence.
    page.locator("#reader .text .hl-mention").first.click()
    assert panel.locator("section.record[data-kind=mention]").count() >= 1
    assert not page.errors


def test_dashboard_brush_filters_other_views(server, page):
    page.goto(server + "/?view=timeline&by=month")
    ready(page, "timeline")
    overlay = page.locator("svg.timeline rect.overlay").bounding_box()
    y = overlay["y"] + overlay["height"] / 2
    page.mouse.move(overlay["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(overlay["x"] + overlay["width"] * 0.6, y, steps=5)
    page.mouse.up()
    page.wait_for_url("**since=**")
    ready(page, "timeline")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    since, until = query["since"][0], query["until"][0]
    assert since < until
    # The facets count over the brushed range only.
    in_range = api(server, "events", since=since, until=until, limit=500)["items"]
    facet_total = sum(int(c) for c in page.locator(".facet[data-facet=type] .count").all_text_contents())
    assert facet_total == len(in_range) > 0
    page.locator("#tabs button[data-view=network]").click()
    ready(page, "network")
    assert f"since={since}" in page.url
    net = api(server, "network", since=since, until=until)
    assert page.locator("svg.network path.edge").count() == len(net["edges"])
    shot(page, "4-network-brushed")
    page.locator("#tabs button[data-view=map]").click()
    ready(page, "map")
    assert page.locator("svg.map circle.place").count() == len(api(server, "locations", since=since, until=until)["items"])
    # A facet click adds a filter chip and narrows the events.
    page.goto(server + "/?view=timeline")
    ready(page, "timeline")
    first = page.locator(".facet[data-facet=type]").first
    value = first.get_attribute("data-value")
    first.click()
    page.wait_for_url(f"**type={value}**")
    ready(page, "timeline")
    assert page.locator("#chips .chip[data-filter=type]").count() == 1
    assert set(page.locator("#event-list .badge").all_text_contents()) <= {value} | {
        t for t in page.locator("#event-list .badge").all_text_contents() if t.startswith(value + "/")}
    assert not page.errors


def test_dashboard_claims_board_pairs_side_by_side(server, page):
    page.goto(server + "/?view=claims")
    ready(page, "claims")
    shot(page, "5-claims")
    claims = api(server, "claims")
    assert page.locator(".claim-group").count() == len(claims["items"]) > 0
    pairs = page.locator(".claim-group .pair[data-kind=contradicts]")
    assert pairs.count() == sum(g["contradictions"] for g in claims["items"])
    group = claims["items"][0]
    first = page.locator(f".claim-group[data-id='{group['id']}'] .pair").first
    cards = first.locator(".statement-card")
    by_id = {s["id"]: s for s in group["statements"]}
    a, b = by_id[group["pairs"][0]["a"]], by_id[group["pairs"][0]["b"]]
    assert [cards.nth(0).get_attribute("data-id"), cards.nth(1).get_attribute("data-id")] == [a["id"], b["id"]]
    assert cards.nth(1).locator(".speaker").text_content().startswith(b["speaker"]["text"])
    assert cards.nth(1).locator(".evidence").text_content() == b["evidence"]["sentence"]
    cards.nth(1).locator("a.sentence-link").click()
    ready(page, "reader")
    assert page.locator("#reader .hl-focus").count() >= 1
    assert page.locator(f"#record-panel section.record[data-kind=statement][data-id='{b['id']}']").count() == 1
    assert not page.errors


def test_dashboard_hostile_article_renders_as_text_and_no_script_runs(server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    docs = api(server, "documents", q="window.__pwned")["items"]
    assert len(docs) == 1
    response = page.goto(f"{server}/?view=reader&doc={docs[0]['id']}")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    ready(page, "reader")
    shot(page, "6-hostile-article")
    text = page.locator("#reader .text").text_content()
    assert text == HOSTILE["text"]
    assert page.locator("#reader .title").text_content() == HOSTILE["title"]
    assert page.locator("#reader script, #reader img, #reader a[href^='javascript']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("#reader .raw-url").text_content() == HOSTILE["url"]
    # Click every highlight: records render their fields as text too.
    spans = page.locator("#reader .text span[tabindex]")
    for i in range(spans.count()):
        spans.nth(i).click()
    assert page.locator("#record-panel script, #record-panel img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert not page.errors
    # The CSP blocks inline script even if some were injected into the page.
    page.evaluate("""() => { const s = document.createElement('script');
                              s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inline") is None
    assert any("Content Security Policy" in v for v in violations)
    assert dialogs == []


def test_dashboard_asks_for_the_token_of_a_protected_server(records_store, page):
    from sitrep.api import create_app
    from sitrep.api.background import BackgroundServer

    with BackgroundServer(create_app(str(records_store), token="s3cret")) as url:
        page.goto(url + "/?view=claims")
        page.wait_for_selector("#token-form", timeout=20000)
        assert page.locator(".claim-group").count() == 0
        page.fill("#token", "s3cret")
        page.click("#token-form button")
        page.wait_for_selector(".claim-group", timeout=20000)
        assert page.locator("#token-form").count() == 0


def test_dashboard_reader_lists_articles_to_open(server, page):
    page.goto(server + "/?view=reader&q=Moscow")
    ready(page, "reader")
    expected = api(server, "documents", q="Moscow", limit=100)["items"]
    items = page.locator("#reader .doc-list li")
    assert items.count() == len(expected) > 0
    items.first.locator("a").click()
    ready(page, "reader")
    assert page.locator("#reader .title").text_content() == (expected[0]["title"] or "(untitled)")
    assert page.locator("#reader .text").text_content()
    assert not page.errors
