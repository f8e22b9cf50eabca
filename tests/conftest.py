"""Shared helpers for the engine's own tests: run `grade` as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"


def run_grade(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300):
    """Run the `grade` CLI in a subprocess; returns the CompletedProcess (text mode)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def grade_json(assignment: str, submission: Path, *extra: str) -> dict:
    """Grade ``submission`` with --format json; returns the parsed results document."""
    proc = run_grade(assignment, "--submission", str(submission), "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def graded():
    """Memoized grade_json, so each submission is graded once per test session."""
    cache: dict[tuple, dict] = {}

    def get(assignment: str, submission: Path, *extra: str) -> dict:
        key = (assignment, str(submission), extra)
        if key not in cache:
            cache[key] = grade_json(assignment, submission, *extra)
        return cache[key]

    return get
