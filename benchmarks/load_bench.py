"""Load on the read API: ``sitrep serve`` on loopback, driven by an async httpx loop.

Builds the sample store (the bundled Wikinews sample, analysed, as ``make demo`` does) unless
``--db`` names one, starts the real server in a subprocess, and for each concurrency level runs
that many clients in a closed loop over a mix of read routes until ``--requests`` requests are
done or ``--seconds`` have passed, whichever comes first. Reports p50/p99 latency, errors
(non-200 answers and failed connections) and throughput per level, for both ways the server
can hold the store (see the API docs): a read-only open per request (default) and one shared
read-write connection (``--writes``). Prints JSON on stdout; progress on stderr.

Goal: zero errors and p99 < 250 ms at 50 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "wikinews"
TOKEN = "load-bench-token"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_store(path: Path) -> None:
    from sitrep.pipeline import ingest
    from sitrep.store import Store

    started = time.monotonic()
    with Store(path) as store:
        report = ingest([str(p) for p in sorted(SAMPLE.glob("*.csv"))], store)
    log(f"built {path}: {report.new} documents in {time.monotonic() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, *, writes: bool) -> subprocess.Popen:
    args = [sys.executable, "-m", "sitrep.cli", "serve", "--db", str(db), "--port", str(port)]
    env = dict(os.environ)
    if writes:
        args += ["--writes", "--token", TOKEN]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/api/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=2)
            if r.status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


def routes(base: str) -> list[str]:
    """The request mix: lists, filters, details, actors, mentions, sources, health."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as client:
        docs = client.get("/api/documents", params={"limit": 20}).json()["items"]
        actors = client.get("/api/actors", params={"limit": 10}).json()["items"]
    mix = ["/api/health", "/api/documents?limit=50", "/api/documents?q=Ukraine&limit=20",
           "/api/documents?since=2020-01-01&limit=20", "/api/actors?limit=20", "/api/actors?code=USA",
           "/api/mentions?limit=50", "/api/sources"]
    mix += [f"/api/documents/{d['id']}" for d in docs[:8]]
    mix += [f"/api/actors/{a['id']}" for a in actors[:4]]
    return mix


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def level(base: str, mix: list[str], concurrency: int, max_requests: int, max_seconds: float) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    rng = random.Random(concurrency)
    stop_at = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30,
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        async def worker() -> None:
            nonlocal issued
            while issued < max_requests and time.monotonic() < stop_at:
                issued += 1
                path = rng.choice(mix)
                started = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    key = f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors[key] = errors.get(key, 0) + 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "seconds": round(elapsed, 1),
    }


def run_mode(db: Path, *, writes: bool, levels: list[int], max_requests: int, max_seconds: float) -> dict:
    port = free_port()
    proc = start_server(db, port, writes=writes)
    base = f"http://127.0.0.1:{port}"
    try:
        mix = routes(base)
        asyncio.run(level(base, mix, 4, 40, 10))  # warm-up: caches, first query plans
        rows = []
        for concurrency in levels:
            row = asyncio.run(level(base, mix, concurrency, max_requests, max_seconds))
            log(f"{'shared connection' if writes else 'read-only per request'}: {row}")
            rows.append(row)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"mode": "shared_connection" if writes else "read_only_per_request", "routes": mix, "levels": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="an existing store (default: build the sample store in a temp dir)")
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--requests", type=int, default=1500, help="requests per level at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per level at most")
    parser.add_argument("--modes", default="read_only,shared")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "sample.duckdb"
            build_store(db)
        from sitrep.store import Store

        with Store(db, read_only=True) as store:
            documents = store.count("documents")
        modes = [run_mode(db, writes=(m == "shared"), levels=levels, max_requests=args.requests, max_seconds=args.seconds)
                 for m in args.modes.split(",")]
    default = modes[0]["levels"]
    at50 = next((r for r in default if r["concurrency"] == 50), default[-1])
    result = {
        "store_documents": documents,
        "limits": {"requests_per_level": args.requests, "seconds_per_level": args.seconds},
        "levels": default,
        "modes": modes,
        "goal": "zero errors and p99 < 250 ms at 50 clients",
        "goal_met": at50["errors"] == 0 and at50["p99_ms"] < 250,
    }
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
