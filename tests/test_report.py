"""The terminal report: what a student reads after `grade hwN`."""

from __future__ import annotations

import io

from rich.console import Console

from grader.report import render_terminal
from grader.result import Result, TestResult

HINT = "Hint: your gradient equals the last sample's term: accumulate it. Start from 0."


def _render(result: Result) -> str:
    out = io.StringIO()
    render_terminal(result, Console(file=out, width=200, color_system=None))
    return out.getvalue()


def test_a_known_mistake_is_explained_once_and_referred_to_after():
    tests = [TestResult(f"gradient: case {i}", f"t{i}", 2.0, output=f"expected {i}, got {i + 1}\n{HINT}",
                        hints=["overwritten"]) for i in range(3)]
    text = _render(Result("hw2", "Gradient descent", "gd.py", "hidden", tests))
    assert text.count(HINT) == 1
    assert text.count("Hint: your gradient equals the last sample's term (the same known mistake as above).") == 2
    assert "expected 2, got 3" in text and "Score: 0/6" in text


def test_consecutive_failures_with_one_message_are_grouped():
    tests = [TestResult(f"f: case {i}", f"t{i}", 1.0, output="`f` is not implemented yet") for i in range(3)]
    text = _render(Result("hw1", "Linear model", "lm.py", "hidden", tests))
    assert "f: case 0 and 2 more test(s) (3 points)" in text
    assert text.count("is not implemented yet") == 1
