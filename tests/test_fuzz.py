"""A short run of each atheris fuzz target (``make fuzz`` runs them longer).

Skipped cleanly where atheris is not installed. A crash fails the test with the input the
fuzzer saved; every such input becomes a regression test in ``tests/test_hostile_input.py``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

SECONDS = int(os.environ.get("SITREP_FUZZ_SECONDS", "4"))

pytestmark = pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")


@pytest.mark.parametrize("target, corpus", [("fuzz_html.py", "html"), ("fuzz_text.py", "text")])
def test_fuzz_target_short_run(tmp_path, target, corpus):
    work = tmp_path / "corpus"
    shutil.copytree(REPO / "fuzz" / "corpus" / corpus, work)  # the fuzzer adds to its corpus
    proc = subprocess.run(
        [sys.executable, str(REPO / "fuzz" / target), str(work), f"-max_total_time={SECONDS}",
         "-max_len=4096", "-rss_limit_mb=3072", f"-artifact_prefix={tmp_path}/", "-print_final_stats=1"],
        capture_output=True, text=True, timeout=SECONDS + 120,
    )
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert proc.returncode == 0 and not crashes, f"{crashes}\n{proc.stderr[-4000:]}"
    runs = [line for line in proc.stderr.splitlines() if line.startswith("stat::number_of_executed_units")]
    assert runs and int(runs[0].split(":")[-1]) > 0  # the target really ran
