"""The fast subset for iterations, `python -m pytest -m "not slow"` (README), and CI's
whole suite: the ``slow`` marker is registered, it leaves tests on both sides (pytest's
exit status 5, "no tests collected", must never be what the fast subset gives), and
CI's command selects no marker, so that it runs everything."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

FAST = 'python -m pytest -m "not slow"'


def test_the_slow_marker_is_registered(pytestconfig):
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))


def test_the_fast_subset_and_the_slow_tests_are_both_non_empty():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not slow",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    counts = re.search(r"(\d+)/(\d+) tests collected \((\d+) deselected\)", proc.stdout)
    assert counts, proc.stdout[-1000:]
    selected, total, deselected = map(int, counts.groups())
    assert selected > 0 and deselected > 0 and selected + deselected == total
    assert "tests/test_fast_subset.py::test_the_slow_marker_is_registered" in proc.stdout


def test_the_readme_shows_the_fast_subset_and_ci_runs_everything():
    assert FAST in (ROOT / "README.md").read_text()
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert command.endswith("python -m pytest"), command  # no -m, no -k: every test
