"""The terminal report: what a student reads after `grade hwN`: the failures first, then
the table of every test; 80 columns at most, wrapped lines under their own indentation
and labels (hanging indents); in English or Chinese."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from grader.i18n import using
from grader.report import MAX_WIDTH, render_terminal
from grader.result import Result, TestResult

HINT = "Hint: your gradient equals the last sample's term: accumulate it. Start from 0."
CALL = "gradient(x=float64 (4,), y=float64 (4,), w=0.5) returned a wrong value:"
ERROR = ("expected 0.5, got 1.5; the largest error is 1 at index [{i}]: expected 1.25, got "
         "2.25 (tolerance rtol=0.0001, atol=1e-06)")


def _render(result: Result, width: int = 200) -> str:
    out = io.StringIO()
    render_terminal(result, Console(file=out, width=width, color_system=None))
    return out.getvalue()


def _flat(text: str) -> str:
    """``text`` with its line breaks and indentation made single spaces (undoes wrapping)."""
    return " ".join(text.split())


def _gradient_result(n: int = 3) -> Result:
    tests = [TestResult(f"gradient: case {i}", f"t{i}", 2.0,
                        output=f"{CALL}\n{ERROR.format(i=i)}\n{HINT}",
                        hints=["overwritten"]) for i in range(n)]
    tests.append(TestResult("sigmoid: no overflow for |z| up to 1e4", "s", 1.0, score=1.0,
                            status="passed"))
    return Result("hw2", "Gradient descent (梯度下降, 随机梯度下降, mini-batch)", "gd.py", "hidden",
                  tests, notes=["Graded with the hidden suite of hw2."])


def test_a_known_mistake_is_explained_once_and_referred_to_after():
    text = _flat(_render(_gradient_result()))
    assert text.count(HINT) == 1
    assert text.count("Hint: your gradient equals the last sample's term (the same known "
                      "mistake as above).") == 2
    assert "expected 0.5, got 1.5" in text and "Score: 6/7" not in text and "Score: 1/7" in text


def test_consecutive_failures_with_one_message_are_grouped():
    tests = [TestResult(f"f: case {i}", f"t{i}", 1.0, output="`f` is not implemented yet") for i in range(3)]
    text = _render(Result("hw1", "Linear model", "lm.py", "hidden", tests))
    assert "✗ f: case 0 and 2 more tests (3 points)" in text
    assert text.count("is not implemented yet") == 1
    one = _render(Result("hw1", "Linear model", "lm.py", "hidden", tests[:2]))
    assert "✗ f: case 0 and 1 more test (2 points)" in one


def test_the_failures_come_before_the_table_of_every_test():
    text = _render(_gradient_result())
    fix, table = text.index("What to fix (3 tests failed):"), text.index("All tests")
    assert fix < table
    assert text.index("Score: 1/7") < fix                       # the score at the top ...
    assert text.rstrip().splitlines()[-1].split() == ["│", "Score:", "1/7", "│"]  # ... and foot
    assert text.index("sigmoid: no overflow") > table            # a passed test: in the table only


def test_the_report_fits_80_columns_with_hanging_indents():
    text = _render(_gradient_result(), width=200)
    lines = text.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= MAX_WIDTH
    # the error line wraps under the message's indentation (4 columns) ...
    start = next(i for i, line in enumerate(lines) if line.startswith("    expected 0.5, got 1.5"))
    assert lines[start + 1].startswith("    ") and not lines[start + 1].startswith("     ")
    # ... and the hint under the text after its label
    hint = next(i for i, line in enumerate(lines) if line.startswith("    Hint: your gradient"))
    assert lines[hint + 1].startswith(" " * 10) and lines[hint + 1][10] != " "
    # nothing is lost in the wrapping
    assert _flat(ERROR.format(i=2)) in _flat(text) and _flat(CALL) in _flat(text)


def test_a_long_test_name_wraps_in_the_table_under_its_function():
    """In the table of every test, a name too long for its column goes on under the text
    after ``sigmoid: ``, and a Chinese one fills its line before it wraps."""
    english = "sigmoid: matches the reference on random inputs of shapes (5,), (3, 4), (2, 3, 4)"
    chinese = "sigmoid: 在形状为 (5,)、(3, 4)、(2, 3, 4) 的随机输入上与参考答案一致，而且没有溢出警告"
    tests = [TestResult(name, f"t{i}", 3.0, score=3.0, status="passed")
             for i, name in enumerate((english, chinese))]
    text = _render(Result("hw3", "Backpropagation", "bp.py", "hidden", tests), width=80)
    lines = text.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= MAX_WIDTH
    for name in (english, chinese):
        first = next(i for i, line in enumerate(lines) if name[:20] in line)
        cell = lines[first + 1].split("│")[1]
        assert cell.startswith(" " + " " * len("sigmoid: ")) and cell[10] != " ", lines[first + 1]
        assert _flat(name).replace(" ", "") in "".join(
            line.split("│")[1] for line in lines[first:first + 2]).replace(" ", "")
    first = next(i for i, line in enumerate(lines) if chinese[:20] in line)
    assert cell_len(lines[first].split("│")[1].rstrip()) >= cell_len(lines[first].split("│")[1]) - 2


def test_a_narrow_terminal_gets_a_narrower_report():
    text = _render(_gradient_result(), width=60)
    assert max(cell_len(line.rstrip()) for line in text.splitlines()) <= 60
    assert HINT in _flat(text)


def test_chinese_is_measured_in_terminal_cells():
    message = "提示：" + "你的梯度只是最后一个样本的梯度，应该把每个样本的梯度累加起来。" * 3
    tests = [TestResult("gradient: 梯度", "t", 2.0, output=message)]
    text = _render(Result("hw2", "梯度下降", "gd.py", "hidden", tests), width=200)
    lines = [line for line in text.splitlines() if "样本" in line]
    assert len(lines) >= 2 and max(cell_len(line.rstrip()) for line in text.splitlines()) <= 80
    assert lines[1].startswith(" " * 10) and not lines[1].startswith(" " * 11)  # under 提示：
    assert "".join(line.strip() for line in lines) == message


def test_chinese_breaks_between_characters_not_only_at_spaces():
    """A Chinese sentence after a short English word fills the line it starts on (a
    break at the last space alone would leave that line half empty), and no line starts
    with a closing mark such as ，or ）(Unicode's line breaking rules)."""
    message = ("`sigmoid` 运行超过 5 秒（单次调用的时间限制）而超时。检查是否有死循环（条件永远"
               "不会为假的 `while`），或者增长过快的计算量。")
    tests = [TestResult("sigmoid: σ(0) = 0.5", "t", 1.0, output=message)]
    text = _render(Result("hw3", "反向传播", "bp.py", "public", tests), width=80)
    lines = [line.rstrip() for line in text.splitlines() if "超时" in line or "计算量" in line]
    assert len(lines) == 2, text
    assert cell_len(lines[0]) >= 74 and cell_len(lines[0]) <= 80, lines[0]
    assert lines[1].startswith("    ") and lines[1][4] not in "，。）：；、"
    assert "".join("".join(line.split()) for line in lines) == "".join(message.split())


def test_the_report_says_which_file_was_graded_and_why():
    result = _gradient_result()
    result.submission = "assignments/hw2/gradient_descent.ipynb"
    result.graded_because = "the notebook, because gradient_descent.py is still the released stub"
    text = _flat(_render(result))
    assert ("Graded: assignments/hw2/gradient_descent.ipynb (the notebook, because "
            "gradient_descent.py is still the released stub)") in text


def test_the_report_in_chinese():
    with using("zh"):
        text = _render(_gradient_result())
    assert "得分：1/7" in text and "需要修改（3 个测试未通过）：" in text and "全部测试" in text
    assert "（2 分）" in text
    assert "What to fix" not in text and "points" not in text and "Score" not in text
