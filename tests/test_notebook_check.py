"""``from grader import check; check("hw3")`` in a notebook: what the kernel defines is
graded in the sandbox and shown as HTML.  The end-to-end test executes a notebook with
nbclient in an ipykernel kernel, as Jupyter and Colab do."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT, failed_names
from grader.notebook_check import kernel_program

REFERENCE = (ROOT / "reference" / "hw3" / "backprop.py").read_text()
#: bce_loss summed instead of averaged: a known mistake (mlp_loss, which uses it, fails too)
WRONG_BCE = """\
def bce_loss(a, y):
    a, y = np.asarray(a, dtype=float), np.asarray(y, dtype=float)
    loss = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))
    return float(loss), -(y / a - (1 - y) / (1 - a))
"""


def test_importing_grader_stays_light():
    code = ("import sys, grader; from grader import check; "
            "print(sorted(m for m in ('numpy', 'torch', 'pytest', 'rich', 'nbformat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_program_keeps_what_the_cells_define():
    program = kernel_program([
        "import numpy as np\nfrom math import log as ln\n%matplotlib inline\n",
        "EPS = 1e-8\nSIZES = [2, 3]\nTWO_PI = 2 * np.pi\nDATA = np.loadtxt('data.csv')\n",
        "@staticmethod\ndef f(x):\n    return x + EPS\n\nprint(f(1))\nfor i in range(3):\n    f(i)\n",
        "def f(x):\n    return 2 * x\n",                # run again after an edit: the later wins
        "from __future__ import annotations\nclass Model:\n    size: int = 3\n",
        "%%time\ndef g(x):\n    return x\n",
        "%%bash\necho not python\n",
        "def broken(:\n    pass\n",                    # a syntax error: it never ran
        "!pip install numpy\nx = f(3)\n",
    ])
    namespace: dict = {}
    exec(compile(program, "program", "exec"), namespace)  # it is valid Python, and runs fast
    assert namespace["f"](3) == 6 and namespace["g"](1) == 1 and namespace["Model"].size == 3
    assert namespace["EPS"] == 1e-8 and namespace["SIZES"] == [2, 3] and "TWO_PI" in namespace
    for absent in ("DATA", "x", "broken", "i"):
        assert absent not in namespace, absent
    assert program.index("from __future__") < program.index("import numpy")
    assert "print(" not in program and "loadtxt" not in program and "echo" not in program
    assert "@staticmethod\ndef f(x):" in program and "# cell 4\ndef f(x):\n    return 2 * x" in program


def test_check_reports_one_function_or_all_and_names_what_is_missing():
    from grader.notebook_check import check

    wrong = check("HW3", cells=[REFERENCE, WRONG_BCE])
    failed = {t["name"].split(":")[0] for t in wrong.tests if t["status"] == "failed"}
    assert failed == {"bce_loss", "mlp_loss"} and wrong.missing == []
    assert wrong.result.suite == "hidden" and wrong.max_score == wrong.result.max_score
    sigmoid = check("hw3", "sigmoid", cells=[REFERENCE, WRONG_BCE])
    assert sigmoid.tests and all(t["name"].startswith("sigmoid:") for t in sigmoid.tests)
    assert sigmoid.score == sigmoid.max_score > 0
    html = sigmoid._repr_html_()
    assert "hw3 · sigmoid: " in html and "<table>" in html and "✓" in html and "✗" not in html
    partial = check("hw3", "sigmoid", cells=["import numpy as np\n" + WRONG_BCE])
    assert "sigmoid" in partial.missing and "bce_loss" not in partial.missing
    assert "Not defined in this notebook yet" in repr(partial)
    with pytest.raises(ValueError, match="did you mean 'sigmoid'"):
        check("hw3", "sigmoidd", cells=[])
    with pytest.raises(ValueError, match="did you mean 'hw3'"):
        check("hw33", cells=[])


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A Jupyter kernel spec running this Python's ipykernel (the course's environment,
    as after its `pip install` in Colab)."""
    spec = tmp_path / "jupyter" / "kernels" / "grader-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "grader test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "grader-test"


@pytest.mark.slow
def test_check_in_a_notebook_shows_an_html_report(kernel, graded, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from grader.notebook import stub_notebook

    nb = nbformat.reads(stub_notebook(ROOT / "reference" / "hw3" / "backprop.py",
                                      ROOT / "assignments" / "hw3" / "README.md", "hw3"), as_version=4)
    nb.cells += [
        nbformat.v4.new_code_cell("%matplotlib inline\nprint('demo:', sigmoid(np.array([0.0, 1.0])))"),
        nbformat.v4.new_code_cell(WRONG_BCE),                     # the kernel now holds this one
        nbformat.v4.new_code_cell("from grader import check\ncheck('hw3')"),
        nbformat.v4.new_code_cell("check('hw3', 'sigmoid')"),
        nbformat.v4.new_code_cell("check('hw3', 'bce_loss')"),
    ]
    NotebookClient(nb, kernel_name=kernel, timeout=600,
                   resources={"metadata": {"path": str(ROOT / "assignments" / "hw3")}}).execute()

    def html_of(cell) -> str:
        [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
        return result.data["text/html"]

    everything, sigmoid, bce = nb.cells[-3], nb.cells[-2], nb.cells[-1]
    page = html_of(everything)
    assert page.startswith('<div class="dl-grader-check">') and "hw3: " in page
    assert "bce_loss" in page and "<details open><summary>✗ bce_loss" in page
    assert "N times too large" in page or "Hint:" in page             # the known mistake is named
    only_sigmoid = html_of(sigmoid)
    assert "hw3 · sigmoid: " in only_sigmoid and "✗" not in only_sigmoid and "bce_loss" not in only_sigmoid
    assert re.search(r"hw3 · bce_loss: 0/[1-9]", html_of(bce))

    # The same notebook, submitted: the same verdict, its check() calls doing nothing
    submitted = tmp_path / "backprop.ipynb"
    nbformat.write(nb, submitted)
    doc = graded("hw3", submitted)
    total = page.split("hw3: ", 1)[1].split(" ", 1)[0]
    assert f"{doc['score']:g}/{doc['max_score']:g}" == total
    assert doc["extra_data"]["outcome"] == "completed"


@pytest.mark.slow
def test_the_kernel_grades_as_grade_does(graded, tmp_path):
    """What check grades is what `grade hw3 --submission` gives for the same definitions."""
    from grader.notebook_check import check

    program = tmp_path / "backprop.py"
    program.write_text(kernel_program([REFERENCE, WRONG_BCE]))
    alone = graded("hw3", program)
    report = check("hw3", cells=[REFERENCE, WRONG_BCE])
    assert (report.score, sorted(t["name"] for t in report.tests if t["status"] == "failed")) == (
        alone["score"], sorted(failed_names(alone)))
