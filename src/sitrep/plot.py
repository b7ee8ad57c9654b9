"""Charts for people who would rather look than read (matplotlib, an optional extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sitrep.errors import SitrepError


class PlotUnavailable(SitrepError):
    """matplotlib is not installed."""

    code = "E720"


def plot_timeline(data: dict[str, Any], out: str | Path) -> Path:
    """Draw a timeline (:func:`sitrep.store.aggregates.timeline`) as stacked bars to ``out``
    (the format follows the suffix: .png, .svg, .pdf)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise PlotUnavailable("matplotlib is needed for --plot; pip install 'sitrep[plot]'") from exc
    from datetime import date

    periods = sorted({i["period"] for i in data["items"]})
    width = {"day": 1.0, "week": 6.0, "month": 25.0}.get(data.get("by") or "day", 1.0)
    days = [date.fromisoformat(p) for p in periods]
    bottom = {p: 0 for p in periods}
    fig, ax = plt.subplots(figsize=(11, 4), dpi=120)
    cmap = plt.get_cmap("tab20")
    for i, group in enumerate(data["groups"]):
        counts = {it["period"]: it["count"] for it in data["items"] if it["group"] == group}
        heights = [counts.get(p, 0) for p in periods]
        ax.bar(days, heights, width=width, bottom=[bottom[p] for p in periods], label=group, color=cmap(i % 20))
        for p, h in zip(periods, heights):
            bottom[p] += h
    ax.set_ylabel("events")
    ax.set_title(f"events per {data.get('by')} by {data.get('group')}")
    if data["groups"]:
        ax.legend(fontsize=7, ncol=2, loc="upper left", frameon=False)
    fig.autofmt_xdate()
    fig.tight_layout()
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(target)
    except (OSError, ValueError) as exc:
        raise SitrepError(f"cannot write the chart: {exc}", input=str(target)) from exc
    finally:
        plt.close(fig)
    return target
