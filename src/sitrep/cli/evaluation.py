"""sitrep evaluate …: scoring against gold sets."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sitrep.cli._common import _report, evaluate_app


@evaluate_app.command("extraction")
def evaluate_extraction(
    directory: Path = typer.Argument(..., help="Folder with ground-truth.json and html/<id>.html.gz."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    baseline: bool = typer.Option(False, "--baseline", help="Score plain trafilatura instead, for comparison."),
) -> None:
    """Score article extraction (precision, recall, F1 of 4-gram shingles)."""
    from sitrep.evaluate.extraction import evaluate_extraction as run_eval

    _report(lambda: run_eval(directory, baseline=baseline), as_json)


@evaluate_app.command("time")
def evaluate_time(
    directory: Path = typer.Argument(..., help="Folder of TimeML (.tml) or MEANTIME (.xml) files, searched recursively."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score time expressions (TempEval-3 style span and value F1)."""
    from sitrep.evaluate.time import evaluate_time as run_eval

    _report(lambda: run_eval(directory), as_json)


@evaluate_app.command("actors")
def evaluate_actors(
    gold: Path = typer.Argument(..., help="Actor gold file (JSONL), e.g. data/eval/actors_gold.jsonl."),
    shared: Optional[Path] = typer.Option(None, help="The ../shared folder that by-reference gold items point into."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score actor resolution (code and sector accuracy of gold mentions)."""
    from sitrep.evaluate.actors import evaluate_actors as run_eval

    _report(lambda: run_eval(gold, shared=shared), as_json)


@evaluate_app.command("plover")
def evaluate_plover(
    gold: Path = typer.Argument(..., help="PLOVER gold JSONL, e.g. ../shared/eval/plover/plover_gsr_dev.jsonl."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    details: bool = typer.Option(False, "--details", help="Add, per sentence, the gold and the best predicted event."),
) -> None:
    """Score the event coder on PLOVER gold sentences (type, actor, recipient, mode)."""
    from sitrep.evaluate.plover import evaluate_plover as run_eval

    _report(lambda: run_eval(gold, details=details), as_json)


@evaluate_app.command("cameo")
def evaluate_cameo(
    suite: Path = typer.Argument(..., help="CAMEO validation suite XML, e.g. ../shared/eval/cameo/TestSuite_test.xml."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the event coder on a CAMEO test suite through the CAMEO→PLOVER crosswalk."""
    from sitrep.evaluate.plover import evaluate_cameo as run_eval

    _report(lambda: run_eval(suite), as_json)


@evaluate_app.command("attribution")
def evaluate_attribution(
    directory: Path = typer.Argument(..., help="PolNeAR folder (with dev/ and train/), or one split folder."),
    split: str = typer.Option("dev", help="Split to score."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score statement extraction on PolNeAR (source, cue, content; exact and overlap)."""
    from sitrep.evaluate.attribution import evaluate_attribution as run_eval

    _report(lambda: run_eval(directory, split=split), as_json)


@evaluate_app.command("contradictions")
def evaluate_contradictions(
    gold: Path = typer.Argument(..., help="Contradiction test set (JSONL), e.g. data/eval/contradictions.jsonl."),
    shared: Optional[Path] = typer.Option(None, help="The ../shared folder that by-reference passages point into."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score contradicts/corroborates relations between statement pairs (precision, recall)."""
    from sitrep.evaluate.contradictions import evaluate_contradictions as run_eval

    _report(lambda: run_eval(gold, shared=shared), as_json)
