"""Screenshots of each dashboard view for the README (docs/screenshots/*.png).

    python scripts/dashboard_screenshots.py --db sitrep.duckdb --out docs/screenshots [--day 2022-02-01]

Serves the store on a free loopback port, drives Debian's Chromium with Playwright and saves
timeline.png (``--day`` or the busiest day chosen), reader.png (an event of that day in its article, with
the statements of its sentence and what contradicts them), claims.png, network.png and map.png.

``--build`` first fills the store from the bundled sample (and the seed from ../shared when
present) with the ingest pipeline.
"""

from __future__ import annotations

import argparse
import json
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build(db: Path) -> None:
    from sitrep.pipeline import ingest
    from sitrep.store import Store

    inputs = sorted(str(p) for p in (REPO / "data" / "sample" / "wikinews").glob("*.csv"))
    inputs += sorted(str(p) for p in (REPO.parent / "shared" / "corpora" / "seed").glob("*.txt"))
    with Store(db) as store:
        print(ingest(inputs, store).as_dict())


def get(url: str) -> dict:
    with urllib.request.urlopen(url) as r:
        return json.loads(r.read())


def shrink(path: Path) -> None:
    """Quantise to 256 colours when Pillow is present (screenshots stay well under 300 KB)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as img:
        img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def day_event(base: str, day: str | None) -> tuple[str, dict]:
    """``day`` (default: the busiest day of the timeline) and, on it, an event whose sentence
    carries a statement that another statement contradicts (else the day's first event)."""
    if day is None:
        timeline = get(f"{base}/api/timeline")
        shown = [t for t in timeline["totals"] if timeline["range"]["p01"] <= t["period"] <= timeline["range"]["p99"]]
        day = max(shown, key=lambda t: (t["count"], t["period"]))["period"]
    events = get(f"{base}/api/events?since={day}&until={day}&limit=500")["items"]
    for event in events:
        doc = get(f"{base}/api/documents/{event['doc_id']}")
        ev = event["evidence"]
        stated = {s["id"] for s in doc["statements"] if s["evidence"]["start"] < ev["end"] and ev["start"] < s["evidence"]["end"]}
        if any(r["a"] in stated or r["b"] in stated for r in doc["relations"]):
            return day, event
    return day, events[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sitrep.duckdb")
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--build", action="store_true", help="fill the store first (see the module docstring)")
    parser.add_argument("--day", help="the day to select on the timeline (default: the busiest)")
    args = parser.parse_args()
    db, out = Path(args.db), Path(args.out)
    if args.build:
        build(db)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from sitrep.api import create_app
    from sitrep.api.background import BackgroundServer

    with BackgroundServer(create_app(str(db))) as base, sync_playwright() as p:
        day, event = day_event(base, args.day)
        views = {
            "timeline": f"/?view=timeline&since={day}&until={day}",
            "reader": f"/?view=reader&doc={event['doc_id']}&hl=event:{event['id']}",
            "claims": "/?view=claims",
            "network": "/?view=network",
            "map": "/?view=map",
        }
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
        page = browser.new_page(viewport={"width": 1360, "height": 860})
        for name, path in views.items():
            page.goto(base + path)
            page.wait_for_selector(f"body[data-ready={name}]", timeout=30000)
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            shrink(target)
            print(f"{target} ({target.stat().st_size // 1024} KB)")
        browser.close()


if __name__ == "__main__":
    main()
