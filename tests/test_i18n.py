"""中文: every message a student reads, in Simplified Chinese with --lang zh or a Chinese
locale, English by default; the catalogues current and complete (grader.catalog)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from conftest import ROOT, run_grade
from grader import catalog, i18n
from grader.i18n import _, bilingual, in_every_language, ngettext, using

#: The environment of a machine with no locale set, and of one set to Chinese.
NO_LOCALE = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
CHINESE_LOCALE = {**NO_LOCALE, "LANG": "zh_CN.UTF-8"}

#: English words that no line of a Chinese report may hold outside code (a call, a
#: dtype, a name in backticks): the report's own words and those of its messages.
ENGLISH = re.compile(r"\b(the|is|are|of|and|your|you|expected|got|wrong|returned|value|"
                     r"values|entries|error|tolerance|test|tests|points?|Score|Hint|Graded|"
                     r"hidden|suite|skipped|failed|passed|matches|reference|What|fix|All)\b")


def _squeezed(text: str) -> str:
    """``text`` without white space: a wrapped line compares as the line."""
    return re.sub(r"\s", "", text)


def _english_words(line: str) -> list[str]:
    """The English words of ``line`` outside code: a call with its arguments
    (``bce_loss(a=float64 (6, 1), ...)``), backticks, a path, ``name: `` labels."""
    prose = re.sub(r"`[^`]*`|\w+\((?:[^()]|\([^()]*\))*\)|\S+\.py\b|\S+/\S+", " ", line)
    return ENGLISH.findall(prose)


# ---------------------------------------------------------------------- the catalogues


def test_the_catalogues_are_current_and_every_message_is_translated():
    """Fails after a message of the code changes until `python -m grader.catalog` is run
    and the .po translated (see grader/catalog.py)."""
    problems = catalog.check()
    assert problems == [], "\n".join(problems)


def test_the_check_finds_each_kind_of_problem():
    def problems(msgid, msgstr, fuzzy=False):
        message = Message(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
        return " | ".join(catalog._problems_of(message, "zh"))

    assert "untranslated" in problems("Score: {score}", "")
    assert "fuzzy" in problems("Score: {score}", "得分：{score}", fuzzy=True)
    assert "placeholders" in problems("Score: {score}", "得分：{points}")
    assert "placeholders" in problems("{where} timed out after {seconds:g} s", "{where} 超时 {seconds} 秒")
    assert "left in English" in problems("the job summary", "the job summary")
    assert "'gradient' is not translated as '梯度'" in problems("the gradient is wrong", "导数不对")
    assert "'hidden suite' is not translated" in problems("the hidden suite ran", "隐藏的测试集运行了")
    assert problems("{test} ({points})", "{test}（{points}）") == ""
    assert problems(("{points} point", "{points} points"), ("{points} 分",)) == ""


def test_a_message_the_catalogue_lacks_is_found(tmp_path, monkeypatch):
    package = tmp_path / "grader"
    package.mkdir()
    (package / "new.py").write_text('from grader.i18n import _\n_("a brand new message")\n'
                                    'x = f"{_(\'hidden in an f-string\')}"\n'
                                    'y = _(REASON)\n'
                                    'def f(pairs):\n    for _, b in pairs:\n        pass\n')
    monkeypatch.setattr(catalog, "PACKAGE", package)
    found = "\n".join(catalog.check())
    assert "not in the catalogue (run python -m grader.catalog): 'a brand new message'" in found
    assert "grader.pot is stale" in found
    assert "grader/new.py, line 3: _() inside an f-string is not extracted" in found
    assert "grader/new.py, line 4: _() of something else than a string literal" in found
    assert "grader/new.py, line 6: _ is assigned to, which hides the function" in found


def test_the_compiled_catalogue_ships_with_the_package():
    mo = catalog.catalogue_path("zh", ".mo")
    assert mo.is_file()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"locale/*/LC_MESSAGES/*.mo"' in pyproject      # package-data: a wheel has it
    assert mo.relative_to(ROOT / "grader").match("locale/*/LC_MESSAGES/*.mo")


# ---------------------------------------------------------------------- choosing


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),         # LC_ALL before LANG
    ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_GB:zh"}, "en"),          # LANGUAGE first
    ({"LANGUAGE": "", "LANG": "zh_CN.UTF-8"}, "zh"),                  # an empty one is unset
])
def test_the_locale_chooses_the_language(monkeypatch, environ, expected):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environ.items():
        monkeypatch.setenv(variable, value)
    with using(None) as chosen:
        assert chosen == expected == i18n.language()
    assert i18n.language() == "en"


def test_messages_in_each_language():
    with using("zh"):
        assert _("Hint: ") == "提示："
        assert ngettext("{points} point", "{points} points", 3).format(points=3) == "3 分"
        assert bilingual(en="yes", zh="是") == "是"
    assert _("Hint: ") == "Hint: " and bilingual(en="yes", zh="是") == "yes"
    assert ngettext("{points} point", "{points} points", 1).format(points=1) == "1 point"
    assert in_every_language("Hint: ") == ("Hint: ", "提示：")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.use("fr")


def test_no_space_between_chinese_words_around_where():
    """"你的代码返回了…" (no stray space after 你的代码), but "`f` 返回了…" (a space after
    a function's name in backquotes); the English keeps its spaces."""
    from grader.errors import LimitExceeded, StudentTimeout, ValueCannotCross, WorkerCrashed

    with using("zh"):
        assert ValueCannotCross(None, "x").student_message == "你的代码返回了无法评分的值：x"
        assert ValueCannotCross("f", "x").student_message == "`f` 返回了无法评分的值：x"
        assert StudentTimeout(None, 2.0).student_message.startswith("你的代码运行超过 2 秒")
        assert "在运行你的代码时崩溃了" in WorkerCrashed(None, "SIGKILL").student_message
        assert "在运行 `f` 时崩溃了" in WorkerCrashed("f", "SIGKILL").student_message
        assert LimitExceeded(None, "memory_mb", "用了太多内存").student_message == "你的代码用了太多内存"
    assert ValueCannotCross(None, "x").student_message == "your code returned a value that cannot be graded: x"


# ---------------------------------------------------------------------- end to end

WRONG = {  # hw3's reference with mistakes that no known mistake describes
    "    return w1 * x ** 2 + w2 * x + b\n": "    return w1 * x ** 2 + w2 * x + 2 * b\n",
}


@pytest.fixture(scope="module")
def wrong_hw3(tmp_path_factory) -> Path:
    text = (ROOT / "reference" / "hw3" / "backprop.py").read_text(encoding="utf-8")
    for old, new in WRONG.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path_factory.mktemp("wrong") / "backprop.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_grade_hw3_lang_zh_is_chinese_end_to_end(wrong_hw3):
    proc = run_grade("hw3", "--submission", str(wrong_hw3), "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for chinese in ("评分的文件：", "（用 --submission 指定的文件）", "已用 hw3 的隐藏测试评分。",
                    "得分：", "需要修改（", "个测试未通过）：", "返回了错误的值：", "个元素中有",
                    "最大误差是", "全部测试", "quadratic_forward: 权重为张量时 ŷ = w1·x² + w2·x + b",
                    "分数"):
        assert _squeezed(chinese) in _squeezed(out), chinese
    english = {line: _english_words(line) for line in out.splitlines() if _english_words(line)}
    assert english == {}
    assert "Score" not in out and "What to fix" not in out


@pytest.mark.slow
def test_a_chinese_locale_chooses_chinese_and_english_is_the_default(wrong_hw3):
    chinese = run_grade("hw3", "--submission", str(wrong_hw3), "--public", env=CHINESE_LOCALE)
    assert chinese.returncode == 0, chinese.stderr
    assert "得分：" in chinese.stdout and "这些只是公开测试" in chinese.stdout
    default = run_grade("hw3", "--submission", str(wrong_hw3), "--public", env=NO_LOCALE)
    assert default.returncode == 0, default.stderr
    assert "Score: " in default.stdout and "得分" not in default.stdout
    english = run_grade("hw3", "--submission", str(wrong_hw3), "--public", "--lang", "en",
                        env=CHINESE_LOCALE)
    assert "Score: " in english.stdout                           # --lang beats the locale
    usage = run_grade("hw3", "--submission", "nope.py", "--lang", "zh")
    assert usage.returncode == 2 and usage.stderr.startswith("grade: 错误：找不到要提交的文件：nope.py")


def test_the_json_and_github_formats_carry_chinese_messages(wrong_hw3, tmp_path):
    summary = tmp_path / "summary.md"
    proc = run_grade("hw3", "--submission", str(wrong_hw3), "--format", "github", "--public",
                     "--lang", "zh", cwd=ROOT, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 0, proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert re.search(r"### 需要修改（\d+ 个测试未通过，共 \d+ 分）", text) and "| | 测试 | 分数 |" in text
    assert "评分的文件：" in text
    assert re.search(r"<summary>❌ quadratic_forward: .+（\d+ 分）", text), text
    doc = json.loads((ROOT / "grade-results" / "hw3.json").read_text(encoding="utf-8"))
    failed = [t for t in doc["tests"] if t["status"] == "failed"]
    assert failed and "返回了错误的值：" in failed[0]["output"]


@pytest.mark.slow
def test_batch_feedback_in_chinese_and_english_again(tmp_path, wrong_hw3):
    import nbformat

    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copyfile(wrong_hw3, folder / "alice.py")
    cells = [nbformat.v4.new_markdown_cell("# hw3"), nbformat.v4.new_code_cell("import numpy as np"),
             nbformat.v4.new_code_cell("def sigmoid(z):\n    return 1 / (1 + np.exp(-z)\n")]
    (folder / "bob.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
    out = tmp_path / "out"
    zh = run_grade("batch", "hw3", str(folder), "--out", str(out), "--public", "--lang", "zh")
    assert zh.returncode == 0, zh.stderr
    feedback = (out / "feedback" / "alice.md").read_text(encoding="utf-8")
    assert "**得分：" in feedback and re.search(r"## 需要修改（\d+ 个测试未通过）", feedback)
    assert "## 全部测试" in feedback and "| 测试 | 分数 | 状态 |" in feedback
    assert "返回了错误的值：" in feedback and "评分的文件：alice.py" in feedback
    assert re.search(r"### ✗ quadratic_forward: .+（\d+ 分）\n", feedback), feedback
    result = json.loads((out / "results" / "alice.json").read_text(encoding="utf-8"))
    assert "这些只是公开测试" in result["output"]
    bob = (out / "feedback" / "bob.md").read_text(encoding="utf-8")   # a notebook: its cell
    assert 'File "bob.ipynb"，第 3 个单元格，第 2 行' in bob and "backprop.py" not in bob
    # the gradebook holds the English result under another fingerprint: graded again
    en = run_grade("batch", "hw3", str(folder), "--out", str(out), "--public")
    assert en.returncode == 0, en.stderr
    feedback = (out / "feedback" / "alice.md").read_text(encoding="utf-8")
    assert "**Score: " in feedback and "returned a wrong value:" in feedback
    bob = (out / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert 'File "bob.ipynb", cell 3, line 2' in bob


def test_a_notebook_check_in_chinese(wrong_hw3):
    """check("hw3", lang="zh"): the report, its HTML, and the errors of a mistyped name."""
    from grader.notebook_check import check

    report = check("hw3", "quadratic_forward", cells=[wrong_hw3.read_text(encoding="utf-8")],
                   lang="zh")
    text, html = repr(report), report._repr_html_()
    assert text.startswith("hw3 · quadratic_forward: 0/6") and "已用 hw3 的隐藏测试评分。" in text
    assert "返回了错误的值：" in text and "个元素中有" in text
    assert '<th style="text-align:left">测试</th>' in html and "（4 分）</summary>" in html
    assert {line: _english_words(line) for line in text.splitlines() if _english_words(line)} == {}
    with pytest.raises(ValueError, match="^没有名为 'hw33' 的作业；你是不是想输入 'hw3'？"):
        check("hw33", cells=[], lang="zh")
    with pytest.raises(ValueError, match="^hw3 没有名为 'sigmoidd' 的函数；你是不是想输入 'sigmoid'？"):
        check("hw3", "sigmoidd", cells=[], lang="zh")
    with pytest.raises(ValueError, match="^hw3 has no function 'sigmoidd'; did you mean 'sigmoid'"):
        check("hw3", "sigmoidd", cells=[], lang="en")
    assert i18n.language() == "en"                           # the language is the call's only


def test_gradescope_results_in_chinese(tmp_path, wrong_hw3):
    """grade gradescope --lang zh: what the autograder writes for students is Chinese."""
    from grader import gradescope

    upload = tmp_path / "submission"
    upload.mkdir()
    shutil.copyfile(wrong_hw3, upload / "backprop.py")
    doc = gradescope.run(ROOT, "hw3", upload, tmp_path / "results.json", lang="zh")
    failed = [t for t in doc["tests"] if t["status"] == "failed"]
    assert failed and all("返回了错误的值：" in t["output"] for t in failed)
    assert any(t["name"].startswith("quadratic_forward: 权重为张量时") for t in failed)
    assert "Graded" not in doc["output"] and "returned a wrong value" not in json.dumps(doc)
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = gradescope.run(ROOT, "hw3", empty, tmp_path / "nothing.json", lang="zh")
    assert nothing["score"] == 0 and nothing["output"].startswith("**你的提交无法评分")
    assert i18n.language() == "en"


# ---------------------------------------------------------------------- the suites' names


def _suite_files() -> list[Path]:
    return sorted([*ROOT.glob("reference/hw*/tests/test_*.py"),
                   *ROOT.glob("assignments/hw*/tests/test_*.py"),
                   *ROOT.glob("grader/templates/new/test_*.py")])


def test_every_test_of_every_suite_has_a_chinese_name():
    """A test's name in Chinese is its docstring's 中文： line (grader.plugin): it starts
    with the same functions as the English name (``sigmoid: ``), which the report, the
    GitHub annotations and check("hw3", "sigmoid") read, and it is unique in its file."""
    import ast

    from grader.plugin import ZH_NAME

    problems = []
    for path in _suite_files():
        seen: dict[str, str] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            lines = [line.strip() for line in (ast.get_docstring(node) or "").splitlines()]
            zh = next((line[len(ZH_NAME):].strip() for line in lines if line.startswith(ZH_NAME)), None)
            where = f"{path.relative_to(ROOT)}::{node.name}"
            if zh is None:
                problems.append(f"{where}: no {ZH_NAME} line")
                continue
            if zh.partition(": ")[0] != lines[0].partition(": ")[0]:
                problems.append(f"{where}: {zh!r} does not start as {lines[0]!r}")
            if zh in seen:
                problems.append(f"{where}: the same Chinese name as {seen[zh]}")
            seen[zh] = node.name
    assert problems == [], "\n".join(problems)


#: Two English words of three letters or more ...
_PROSE = re.compile(r"\b[a-z]{3,}\b[^{}`]*?\b[a-z]{3,}\b")
#: ... outside code: `...`, placeholders, calls (``Normalize(mean, std)(x)``).
_CODE = re.compile(r"`[^`]*`|\{[^{}]*\}|\w+(?:\([^()]*\))+")


def _english_messages(path: Path) -> list[str]:
    """The messages of a suite that a student reads and that are written in English
    only: a string (or f-string) given to ``fail``, as ``assert_unchanged``'s hint, or as
    ``names=``/``name=`` of a check, that is not inside a ``bilingual(...)`` call."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    bilingual_parts = {id(n) for call in ast.walk(tree) if isinstance(call, ast.Call)
                       and isinstance(call.func, ast.Name) and call.func.id == "bilingual"
                       for n in ast.walk(call)}
    found = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            continue
        read = {"fail": call.args[:1], "assert_unchanged": call.args[2:3]}.get(call.func.id, [])
        read += [k.value for k in call.keywords if k.arg in ("names", "name", "hint")]
        for arg in read:
            for node in ast.walk(arg):
                if id(node) in bilingual_parts:
                    continue
                text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    else None
                if text is not None and _PROSE.search(_CODE.sub(" ", text)):
                    found.append(f"{path.relative_to(ROOT)}, line {node.lineno}: {text[:60]!r}")
    return found


def test_the_suites_own_messages_are_in_both_languages():
    """Every message a suite writes itself (hidden and public, hw1–hw7, grade new's
    template) goes through ``bilingual``: a message in English only fails this test."""
    problems = [line for path in _suite_files() for line in _english_messages(path)]
    assert problems == [], "\n".join(problems)
