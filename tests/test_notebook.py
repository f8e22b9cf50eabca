"""Tests of grader.notebook: a notebook becomes the program the grader grades, a stub
becomes a notebook, and notebooks are graded end to end with the real grader (hw3)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from conftest import grade_json, run_grade
from grader.i18n import using
from grader.notebook import (PYTHON_CELL_MAGICS, SKIP_TAGS, CellMap, NotebookError,
                             python_source, stub_notebook)

ROOT = Path(__file__).resolve().parent.parent
v4 = nbformat.v4


def notebook(*cells, minor: int | None = None) -> bytes:
    """The bytes of a notebook of ``cells``: a str is a code cell, ("markdown", text) or
    ("raw", text) another cell, (text, [tags]) a tagged code cell, a dict a cell as it is."""
    made = []
    for cell in cells:
        if isinstance(cell, str):
            made.append(v4.new_code_cell(cell))
        elif isinstance(cell, dict):
            made.append(nbformat.from_dict(cell))
        elif cell[0] == "markdown":
            made.append(v4.new_markdown_cell(cell[1]))
        elif cell[0] == "raw":
            made.append(v4.new_raw_cell(cell[1]))
        else:
            made.append(v4.new_code_cell(cell[0], metadata={"tags": cell[1]}))
    nb = v4.new_notebook(cells=made)
    if minor is not None:
        nb.nbformat_minor = minor
    return nbformat.writes(nb).encode("utf-8")


def program(*cells) -> str:
    """python_source of a notebook of ``cells``, without its first (comment) line."""
    source = python_source(notebook(*cells), "nb.ipynb")
    first, rest = source.split("\n", 1)
    assert first.startswith("# Python program converted from nb.ipynb")
    return rest


def cell_bodies(source: str) -> dict[int, str]:
    """The text after each ``# cell N`` line of a program, by N."""
    bodies: dict[int, str] = {}
    current = None
    for line in source.splitlines(keepends=True):
        if line.startswith("# cell "):  # "# cell N", or "# cell N left out: ..."
            current = int(line[7:]) if line[7:].strip().isdigit() else None
            if current is not None:
                bodies[current] = ""
        elif current is not None:
            bodies[current] += line
    return {n: body.strip("\n") + "\n" for n, body in bodies.items()}


# ------------------------------------------------------------------ conversion


def test_cells_in_order_with_their_numbers_markdown_and_raw_dropped():
    source = program(("markdown", "# Title\n\n%not code"), "import numpy as np",
                     ("raw", "raw text"), "", "def f(x):\n    return x", "print(f(1))")
    assert source == ("\n# cell 2\nimport numpy as np\n"
                      "\n# cell 5\ndef f(x):\n    return x\n"
                      "\n# cell 6\nprint(f(1))\n")
    compile(source, "nb.py", "exec")


def test_first_line_names_the_notebook():
    source = python_source(notebook("x = 1"), "backprop.ipynb")
    assert source.splitlines()[0].startswith("# Python program converted from backprop.ipynb")


def test_line_magics_shell_escapes_and_help_are_left_out():
    source = program("%matplotlib inline\n%matplotlib widget\n%load_ext autoreload\n"
                     "%pip install torch\n!pip install numpy\n!!ls\n%timeit f(x)\nimport numpy as np\n"
                     "np.sum?\n?np.sum\nnp.sum??\nx = 1  # what?\n")
    code = [line for line in source.splitlines() if line and not line.startswith("#")]
    assert code == ["import numpy as np", "x = 1  # what?"]
    assert "# %matplotlib inline\n" in source and "# !pip install numpy\n" in source
    compile(source, "nb.py", "exec")


def test_assignments_from_shell_and_magics_are_left_out():
    source = program("files = !ls\nt = %timeit -o f()\na, b = !ls\nself.x = %env HOME\n"
                     "d['k'] = !pwd\nx != 3\ny = 5 % 3\n")
    code = [line for line in source.splitlines() if line and not line.startswith("#")]
    assert code == ["x != 3", "y = 5 % 3"]


def test_ipython_line_inside_a_block_becomes_pass():
    source = program("if True:\n    !pip install numpy\nelse:\n\t%matplotlib inline\n"
                     "for i in range(2):\n    x = i\n    !echo $i\n")
    assert source == ("\n# cell 1\nif True:\n    pass  # !pip install numpy\nelse:\n"
                      "\tpass  # %matplotlib inline\nfor i in range(2):\n    x = i\n"
                      "    pass  # !echo $i\n")
    compile(source, "nb.py", "exec")


def test_lines_inside_strings_brackets_and_continuations_are_kept():
    cell = ('doc = """\n%matplotlib inline\n!pip install numpy\nnp.sum?\n"""\n'
            "raw = r'''\n!ls\n'''\n"
            "s = 'one \\\n!two'\n"
            "x = (1 +\n%3)\n"
            "y = 1 + \\\n%2\n"
            "z = [\n    '#', '''\n!not''', ')'  # (\n]\n")
    source = program(cell)
    assert cell_bodies(source)[1] == cell
    tree = ast.parse('doc = """\n%matplotlib inline\n!pip install numpy\nnp.sum?\n"""\n')
    namespace: dict = {}
    exec(compile(source.split("\nx = (1", 1)[0], "nb.py", "exec"), namespace)
    assert namespace["doc"] == ast.literal_eval(tree.body[0].value)
    assert namespace["raw"] == "\n!ls\n" and namespace["s"] == "one !two"


def test_backslash_continues_an_ipython_line_and_line_numbers_are_kept():
    source = program("!pip install \\\n    numpy\nx = 1\nif x:\n    %timeit \\\n  f()\n    y = 2\n")
    assert cell_bodies(source)[1] == ("# !pip install \\\n\nx = 1\nif x:\n"
                                      "    pass  # %timeit \\\n\n    y = 2\n")
    compile(source, "nb.py", "exec")
    # %time keeps its statement, continued lines included
    source = program("def f():\n    return 1\n%time r = \\\n    f()\nprint(r)")
    namespace: dict = {}
    exec(compile(source, "nb.py", "exec"), namespace)
    assert namespace["r"] == 1


def test_time_line_magic_keeps_its_statement():
    source = program("%time w = 2 * 3\nif True:\n    %time v = w + 1\nprint(w, v)")
    assert cell_bodies(source)[1] == "w = 2 * 3\nif True:\n    v = w + 1\nprint(w, v)\n"


@pytest.mark.parametrize("magic", sorted(PYTHON_CELL_MAGICS))
def test_python_cell_magics_keep_their_body_once(magic):
    line = {"timeit": "%%timeit -n 3 -r 1", "capture": "%%capture out",
            "prun": "%%prun -s cumulative"}.get(magic, "%%" + magic)
    source = program(f"{line}\nx = 1\n!ls\nif x:\n    %ls\n")
    assert cell_bodies(source)[1] == f"# {line}\nx = 1\n# !ls\nif x:\n    pass  # %ls\n"
    compile(source, "nb.py", "exec")


@pytest.mark.parametrize("magic", ["bash", "writefile", "html", "javascript", "sh", "latex",
                                   "markdown", "script", "something_unknown"])
def test_other_cell_magics_leave_the_cell_out(magic):
    source = program("x = 1", f"%%{magic} arg\nls -l\nimport this\n", "y = 2")
    assert cell_bodies(source) == {1: "x = 1\n", 3: "y = 2\n"}
    assert f"# cell 2 left out: a %%{magic} cell, not Python" in source
    assert "ls -l" not in source and "import this" not in source


def test_cell_magic_after_blank_lines_is_recognised():
    source = program("\n\n%%bash\nls", "\n%%time\nx = 1")
    assert "ls" not in source.replace("left out", "")
    assert cell_bodies(source)[2] == "# %%time\nx = 1\n"


@pytest.mark.parametrize("tag", sorted(SKIP_TAGS) + ["Skip-Grading"])
def test_skip_tagged_cells_are_left_out(tag):
    source = program("x = 1", ('raise SystemExit("do not run me")', ["slow", tag]), "y = 2",
                     ("z = 3", ["other-tag"]))
    assert "SystemExit" not in source
    assert cell_bodies(source) == {1: "x = 1\n", 3: "y = 2\n", 4: "z = 3\n"}
    assert f"# cell 2 left out: tagged {tag}" in source


def test_indented_cell_is_dedented_like_ipython():
    source = program("    x = 1\n    if x:\n        y = 2\n")
    assert cell_bodies(source)[1] == "x = 1\nif x:\n    y = 2\n"
    compile(source, "nb.py", "exec")


def test_imports_of_the_grader_become_functions_that_do_nothing():
    """A notebook that checks itself (``from grader import check; check("hw3")``) is
    graded without importing the grader, which student code cannot reach."""
    source = program("from grader import check\ncheck('hw3')",
                     "from grader.notebook_check import check as c, kernel_program  # note\nc('hw3')",
                     "def f():\n    from grader import check\n    return check")
    namespace: dict = {}
    exec(compile(source, "nb", "exec"), namespace)
    assert namespace["check"]("hw3", "sigmoid") is None and namespace["c"]("hw3") is None
    assert "import grader" not in source.replace("# from grader", "")
    assert "    from grader import check\n" in source  # inside a block: kept as written


def test_get_ipython_and_display_are_kept():
    cell = "get_ipython().run_line_magic('matplotlib', 'inline')\ndisplay(x)\n"
    assert cell_bodies(program(cell))[1] == cell


def test_a_cell_with_a_syntax_error_is_kept_as_it_is():
    source = program("def f(x:\n    return x", "y = 1")
    assert cell_bodies(source)[1] == "def f(x:\n    return x\n"
    with pytest.raises(SyntaxError):
        compile(source, "nb.py", "exec")


def test_windows_line_ends_and_list_sources():
    cell = {"cell_type": "code", "execution_count": 3, "id": "a1", "metadata": {},
            "outputs": [], "source": ["%matplotlib inline\r\n", "x = 1\r\n", "y = 2"]}
    assert cell_bodies(program(cell))[1] == "# %matplotlib inline\nx = 1\ny = 2\n"


def test_detection_agrees_with_ipython():
    """Where IPython is installed: the lines left out are the lines IPython turns into
    get_ipython() calls (%time, whose statement is kept, aside)."""
    inputtransformer2 = pytest.importorskip("IPython.core.inputtransformer2")
    manager = inputtransformer2.TransformerManager()
    cells = ["%matplotlib inline", "!pip install numpy", "files = !ls", "t = %timeit -o f()",
             "np.sum?", "?np.sum", "np.sum??", "x = 1  # what?", "a, b = !ls", "d['k'] = !pwd",
             "x != 3", "y = 5 % 3", "print('%d' % 3)", "s = '!ls'", "%load_ext autoreload",
             "if True:\n    !ls", 'doc = """\n%not\n!not\n"""', "x = (1,\n    2)",
             "%pip install torch", "x = y?"]
    for cell in cells:
        ours = cell_bodies(program(cell, "pass"))[1]
        theirs = manager.transform_cell(cell + "\n")
        for mine, ipython, original in zip(ours.splitlines(), theirs.splitlines(),
                                           cell.splitlines()):
            left_out = mine.lstrip().startswith(("#", "pass  #")) and mine != original
            assert left_out == ("get_ipython()" in ipython), (cell, mine, ipython)


# ------------------------------------------------------------------ real notebooks


def test_notebooks_from_real_tools_are_tolerated():
    colab = {"nbformat": 4, "nbformat_minor": 0,
             "metadata": {"colab": {"provenance": []}, "kernelspec": {"name": "python3"},
                          "accelerator": "GPU"},
             "cells": [
                 {"cell_type": "code", "metadata": {"id": "abc", "colab": {"base_uri": "x"},
                                                    "outputId": "1"},
                  "execution_count": 1, "outputs": [{"output_type": "stream", "text": ["hi\n"]}],
                  "source": ["!pip install numpy\n", "x = 1"]},
                 # no execution_count, an output without its required "name": invalid, harmless
                 {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "stream"}],
                  "source": "y = x"},
                 {"cell_type": "markdown", "metadata": {}, "source": ["# notes"]}]}
    source = python_source(json.dumps(colab).encode(), "colab.ipynb")
    assert cell_bodies(source) == {1: "# !pip install numpy\nx = 1\n", 2: "y = x\n"}
    # nbformat 4.5 without cell ids (older tools), with a byte-order mark
    no_ids = json.loads(notebook("x = 1", ("markdown", "m"), "y = 2"))
    for cell in no_ids["cells"]:
        del cell["id"]
    data = b"\xef\xbb\xbf" + json.dumps(no_ids).encode()
    assert cell_bodies(python_source(data, "vscode.ipynb")) == {1: "x = 1\n", 3: "y = 2\n"}
    # an nbformat 3 notebook is converted
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""}, "worksheets": [
        {"cells": [{"cell_type": "code", "input": "z = 3", "language": "python",
                    "outputs": [], "collapsed": False, "metadata": {}}], "metadata": {}}]}
    assert cell_bodies(python_source(json.dumps(v3).encode(), "old.ipynb")) == {1: "z = 3\n"}


def test_conversion_gives_no_warnings(recwarn):
    no_ids = json.loads(notebook("x = 1"))
    del no_ids["cells"][0]["id"]
    python_source(json.dumps(no_ids).encode(), "nb.ipynb")
    assert [str(w.message) for w in recwarn] == []


# ------------------------------------------------------------------ malformed notebooks

GOOD = notebook(("markdown", "# hw3"), "import numpy as np\n\n\ndef f(x):\n    return x")
HALF = GOOD[:len(GOOD) // 2]


def cell(**fields) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"id": "a", **fields}]}).encode()


@pytest.mark.parametrize("data, fragments", [
    (HALF, ["is not a valid notebook: the file ends in the middle of its JSON (line ",
            "it may be truncated; open it in Jupyter and save it again, or download it again"]),
    (b'{"cells": [], "nbformat": 4, "x": tr', ["ends in the middle of its JSON (line 1, column 36)"]),
    (GOOD.rstrip()[:-1] + b"\n\n", ["ends in the middle of its JSON"]),
    (b"{'cells': []}", ["is not a valid notebook: it is not JSON (Expecting property name "
                        "enclosed in double quotes at line 1, column 2)"]),
    (b"import numpy as np\n\ndef f(x):\n    return x\n",
     ["it looks like Python code, not the JSON of a notebook", "name it .py"]),
    (b"<!DOCTYPE html>\n<html><body>GitHub</body></html>", ["it is a web page (HTML)"]),
    (b'{\n<<<<<<< HEAD\n "cells": []\n=======\n "cells": [1]\n>>>>>>> b\n}',
     ["git merge-conflict markers"]),
    (b"[1, 2, 3]", ['it holds JSON but not a notebook (a notebook is a JSON object with a '
                    '"cells" list; this file holds a list)']),
    (b'{"name": "package", "version": "1.0"}', ['it has no "cells" list']),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {"a": 1}}',
     ['it has no "cells" list']),
    (b'{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}',
     ['its "nbformat" version is 5, which this grader cannot read (it reads versions 1 to 4']),
    (b'{"nbformat": "4", "cells": []}', ['its "nbformat" version is "4"']),
    (b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}}',
     ["it does not have the structure of a notebook (", "worksheets"]),
    (cell(cell_type="code", metadata={}, outputs=[], execution_count=None),
     ['cell 1 (a code cell) has no "source" text']),
    (cell(cell_type="code", source=42, metadata={}, outputs=[], execution_count=None),
     ['cell 1 (a code cell) has a number for its "source" text']),
    (cell(source="x = 1"), ['cell 1 has no "cell_type"']),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ["x = 1"]}',
     ["cell 1 is a string, not a JSON object"]),
    (b"", ["hw.ipynb is empty (0 bytes): save the notebook in Jupyter"]),
    (b"  \n\t\n", ["hw.ipynb is blank (it holds only white space)"]),
    ("# 反向传播\n".encode("gbk") + GOOD, ["it is not UTF-8 text (byte 0xb7 at offset 2)"]),
    (GOOD.decode().encode("utf-16"), ["it is UTF-16 text, not the UTF-8 that Jupyter writes"]),
    (notebook(("markdown", "# only words"), ("raw", "x = 1"), ("y = 2", ["skip"]), "%ls\n!pwd"),
     ["hw.ipynb has no code to grade: none of its 4 cells is a code cell with Python in it"]),
], ids=["truncated", "truncated-literal", "truncated-at-the-end", "single-quotes", "python",
        "html", "merge-conflict", "list", "no-cells", "cells-not-a-list", "nbformat-5",
        "nbformat-string", "v3-without-worksheets", "no-source", "source-a-number",
        "no-cell-type", "cell-a-string", "empty", "blank", "not-utf8", "utf16", "no-code"])
def test_malformed_notebooks_get_one_clear_sentence(data, fragments):
    with pytest.raises(NotebookError) as info:
        python_source(data, "hw.ipynb")
    message = str(info.value)
    assert message.startswith("hw.ipynb ")
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message and len(message) < 400, message
    assert "Traceback" not in message and "Failed validating" not in message, message
    assert info.value.name == "hw.ipynb"
    assert isinstance(info.value, ValueError)


def test_too_large():
    with pytest.raises(NotebookError, match=r"^hw\.ipynb is too large to grade \(\d+ bytes, over "
                                            r"the 100 bytes limit\): clear all outputs"):
        python_source(GOOD, "hw.ipynb", max_bytes=100)
    big = notebook("x = 1", {**v4.new_code_cell("y = 2"), "outputs": [v4.new_output(
        "stream", text="#" * (51 * 2 ** 20))]})
    with pytest.raises(NotebookError, match=r"too large to grade \(51\.0 MB, over the 50\.0 MB"):
        python_source(big, "hw.ipynb")
    assert python_source(GOOD, "hw.ipynb", max_bytes=len(GOOD))


# ------------------------------------------------------------------ stub notebooks

STUBS = {"hw1": "linear_model.py", "hw2": "gradient_descent.py", "hw3": "backprop.py",
         "hw4": "regression.py", "hw5": "classification.py", "hw6": "data.py",
         "hw7": "regularization.py"}


def top_level_names(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [alias.asname or alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names


def code_without_docstring(tree: ast.Module) -> list[str]:
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return [ast.dump(node) for node in body]


@pytest.mark.parametrize("hw", sorted(STUBS))
def test_stub_notebook(hw):
    stub = ROOT / "assignments" / hw / STUBS[hw]
    readme = stub.parent / "README.md"
    text = stub_notebook(stub, readme, f"{hw} title")
    assert stub_notebook(stub, readme, f"{hw} title") == text  # deterministic
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"
    title = nb.cells[0]
    assert title.cell_type == "markdown" and title.source.startswith(f"# {hw} title\n")
    assert (f"Fill in each function below; `grade {hw} --submission {stub.stem}.ipynb` grades "
            "this notebook") in title.source
    headings = [line for line in readme.read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")]
    sections = [c.source for c in nb.cells[1:len(headings) + 2]]
    assert [s.splitlines()[0] for s in sections[1:]] == headings
    assert "\n\n".join(sections) == readme.read_text(encoding="utf-8").strip()
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    docstring = nb.cells[len(headings) + 2]
    assert docstring.cell_type == "markdown" and docstring.source == ast.get_docstring(tree)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[-len(code):] == code
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert len(code) == len(defs) + 1  # the imports, then one cell per function or class
    assert all(c.source.lstrip().startswith(("import", "from")) for c in code[:1])
    for c, node in zip(code[1:], defs):
        cell_tree = ast.parse(c.source)
        assert [n.name for n in cell_tree.body] == [node.name]
    converted = python_source(text.encode("utf-8"), f"{stub.stem}.ipynb")
    converted_tree = ast.parse(converted)
    assert top_level_names(converted_tree) == top_level_names(tree)
    assert code_without_docstring(converted_tree) == code_without_docstring(tree)


def test_stub_notebook_regions(tmp_path):
    stub = tmp_path / "hw9" / "thing.py"
    stub.parent.mkdir()
    stub.write_text('"""Doc."""\n\nimport numpy as np\nSCALE = 2\n\n\n# about f\n@staticmethod\n'
                    'def f(x):\n    return x\n\n\nLIMIT = 3\n\nclass C:\n    pass\n\n\n'
                    'if __name__ == "__main__":\n    print(f(1))\n# the end\n',
                    encoding="utf-8")
    nb = nbformat.reads(stub_notebook(stub, None, "hw9"), as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "markdown"] + ["code"] * 5
    assert "`grade hw9 --submission thing.ipynb`" in nb.cells[0].source
    assert nb.cells[1].source == "Doc."
    assert [c.source for c in nb.cells[2:]] == [
        "import numpy as np\nSCALE = 2", "# about f\n@staticmethod\ndef f(x):\n    return x",
        "LIMIT = 3", "class C:\n    pass",
        'if __name__ == "__main__":\n    print(f(1))\n# the end']
    assert [c.id for c in nb.cells] == [f"cell-{n}" for n in range(1, 8)]


def test_stub_notebook_errors(tmp_path):
    bad = tmp_path / "hw9" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("def f(:\n", encoding="utf-8")
    with pytest.raises(SyntaxError):
        stub_notebook(bad, None, "t")
    with pytest.raises(OSError):
        stub_notebook(tmp_path / "missing.py", None, "t")


# ------------------------------------------------------------------ graded end to end

HW3_SOLUTION = ROOT / "tests" / "submissions" / "hw3" / "correct_loops.py"
# σ by tanh, so that a wrong sigmoid() costs only sigmoid's own tests.
SIGMOID_FORWARD = '''def sigmoid_forward(z):
    a = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))
    return a, a
'''
WRONG_SIGMOID = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"


def student_notebook(sigmoid: str | None = None) -> bytes:
    """A hw3 notebook as a student writes it: the functions of correct_loops.py, one per
    cell, with a plot, %matplotlib, !pip, a %%time cell and a skip-tagged cell; the
    function ``sigmoid`` (its whole cell) where it is given."""
    text = HW3_SOLUTION.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    functions = {n.name: "".join(lines[n.lineno - 1:n.end_lineno])
                 for n in tree.body if isinstance(n, ast.FunctionDef)}
    functions["sigmoid_forward"] = SIGMOID_FORWARD
    if sigmoid is not None:
        functions["sigmoid"] = sigmoid
    cells = [("markdown", "# hw3 — backpropagation\n\nMy solution."),
             "%matplotlib inline",
             "!pip install numpy\n" + "".join(ast.unparse(n) + "\n" for n in imports)
             + "import matplotlib.pyplot as plt"]
    for fn_name, source in functions.items():
        cells += [("markdown", f"## `{fn_name}`"), source]
    cells += [
        "%%time\nrng = np.random.default_rng(0)\n"
        'params = {"W1": rng.normal(size=(3, 4)), "b1": np.zeros(4),\n'
        '          "W2": rng.normal(size=(4, 1)), "b2": np.zeros(1)}\n'
        "X = rng.normal(size=(5, 3))\ny = (rng.random((5, 1)) > 0.5).astype(float)\n"
        "loss, grads = mlp_loss(params, X, y)\nprint(loss)",
        "zs = np.linspace(-6, 6, 101)\nplt.plot(zs, sigmoid(zs))\nplt.title('sigmoid')\nplt.show()",
        ('raise SystemExit("do not run me")', ["skip-grading"]),
        ("markdown", "Done."),
    ]
    return notebook(*cells)


@pytest.fixture(scope="module")
def hw3():
    from grader.assignment import find_course_root, load_assignment

    return load_assignment(find_course_root(), "hw3")


def grade_notebook(assignment, data: bytes, folder: Path):
    from grader.runner import grade

    folder.mkdir(parents=True, exist_ok=True)
    py = folder / "backprop.py"
    py.write_text(python_source(data, "backprop.ipynb"), encoding="utf-8")
    return grade(assignment, py)


@pytest.fixture(scope="module")
def correct_result(hw3, tmp_path_factory):
    return grade_notebook(hw3, student_notebook(), tmp_path_factory.mktemp("correct"))


def test_notebook_with_a_correct_solution_scores_full_marks(correct_result):
    source = python_source(student_notebook(), "backprop.ipynb")
    for kept in ("plt.show()", "# %%time\nrng = ", "# %matplotlib inline", "# !pip install numpy",
                 "# cell 28 left out: tagged skip-grading"):
        assert kept in source
    assert "SystemExit" not in source
    assert [t.name for t in correct_result.failed] == []
    assert correct_result.score == correct_result.max_score == 100


def test_notebook_with_one_wrong_function_loses_exactly_its_tests(hw3, correct_result, tmp_path):
    wrong = grade_notebook(hw3, student_notebook(sigmoid=WRONG_SIGMOID), tmp_path)
    correct = {t.name: t for t in correct_result.tests}
    assert sorted(correct) == sorted(t.name for t in wrong.tests)
    sigmoid_tests = {name for name in correct if name.startswith("sigmoid:")}
    assert sigmoid_tests
    assert {t.name for t in wrong.failed} == sigmoid_tests
    for test in wrong.tests:
        if test.name not in sigmoid_tests:
            assert (test.status, test.score) == (correct[test.name].status,
                                                 correct[test.name].score), test.name
    lost = sum(correct[name].max_score for name in sigmoid_tests)
    assert wrong.max_score == correct_result.max_score
    assert wrong.score == pytest.approx(correct_result.score - lost)


def test_truncated_notebook_is_a_clear_error():
    data = student_notebook()
    with pytest.raises(NotebookError) as info:
        python_source(data[:len(data) // 2], "backprop.ipynb")
    message = str(info.value)
    assert message.startswith("backprop.ipynb is not a valid notebook: the file ends in the "
                              "middle of its JSON (line ")
    assert "truncated" in message and "save it again" in message
    assert "\n" not in message and "Traceback" not in message


def test_released_stub_notebook_grades_to_a_result(hw3, tmp_path):
    stub = ROOT / "assignments" / "hw3" / "backprop.py"
    text = stub_notebook(stub, stub.parent / "README.md", "hw3 — backpropagation")
    result = grade_notebook(hw3, text.encode("utf-8"), tmp_path)
    assert result.max_score == 100
    assert result.score == 0
    assert result.tests and len(result.failed) == len(result.counted)


# ------------------------------------------------------------------ errors name the cell


def test_the_program_says_where_each_cell_starts():
    cells = [("markdown", "# Title"), "import numpy as np", ("x = 1", ["skip-grading"]),
             "%%bash\nls", "", "%matplotlib inline\n\ndef f(x):\n    return x\n# cell 9\ny = 2",
             "def g():\n    return 1"]
    source = python_source(notebook(*cells), "backprop.ipynb")
    cells_map = CellMap.of(source)
    assert cells_map is not None and cells_map.notebook == "backprop.ipynb"
    lines = source.splitlines()
    where = {text: cells_map.locate(number) for number, text in enumerate(lines, 1)}
    assert where["import numpy as np"] == (2, 1)
    assert where["def f(x):"] == (6, 3) and where["y = 2"] == (6, 6)  # "# cell 9" is a comment
    assert where["def g():"] == (7, 1) and where["    return 1"] == (7, 2)
    assert cells_map.locate(1) is None                               # the header
    assert CellMap.of("import numpy as np\n") is None                # a .py
    assert CellMap.of("# Python program converted from x.ipynb\n") is None


def test_relocate_names_the_cell_and_line():
    source = python_source(notebook(("markdown", "m"), "import numpy as np\n\ndef f(x):\n    return x +"),
                           "nb.ipynb")
    cells_map = CellMap.of(source)
    line = source.splitlines().index("    return x +") + 1
    text = (f'  File "backprop.py", line {line}\n    return x +\n               ^\n'
            f"SyntaxError: invalid syntax\nSyntaxError: invalid syntax (line {line})\n"
            f'File "other.py", line {line}')
    moved = cells_map.relocate(text, "backprop.py")
    assert moved.splitlines()[0] == '  File "nb.ipynb", cell 2, line 4'
    assert moved.splitlines()[4] == "SyntaxError: invalid syntax (cell 2, line 4)"
    assert moved.splitlines()[5] == f'File "other.py", line {line}'    # another file: as it was
    frame = f'  File "backprop.py", line {line}, in f\n    return x +'
    assert cells_map.relocate(frame, "backprop.py").splitlines()[0] == \
        '  File "nb.ipynb", cell 2, line 4, in f'
    with using("zh"):
        assert cells_map.relocate(frame, "backprop.py").splitlines()[0] == \
            '  File "nb.ipynb"，第 2 个单元格，第 4 行，在 f 中'


def _cell_of(data: bytes, start: str) -> int:
    """The number (from 1, every cell counted) of the cell of ``data`` starting so."""
    cells = json.loads(data)["cells"]
    return next(i for i, c in enumerate(cells, 1) if "".join(c["source"]).startswith(start))


def test_a_syntax_error_in_a_cell_names_the_cell_not_the_program(tmp_path):
    data = student_notebook(sigmoid="def sigmoid(z):\n    return 1 / (1 + np.exp(-z)\n")
    path = tmp_path / "backprop.ipynb"
    path.write_bytes(data)
    cell = _cell_of(data, "def sigmoid(")
    doc = grade_json("hw3", path, "--public")
    outputs = {t["output"] for t in doc["tests"]}
    assert len(outputs) == 1                                       # one import failure
    [output] = outputs
    assert f'File "backprop.ipynb", cell {cell}, line 2' in output
    assert "backprop.py" not in output and "SyntaxError" in output
    assert doc["extra_data"]["outcome"] == "import error"
    assert doc["extra_data"]["outcome_detail"].endswith(f"(cell {cell}, line 2)")


def test_an_exception_in_a_cell_names_the_cell_and_its_line(tmp_path):
    data = student_notebook(sigmoid="def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
                                    "    return 1 / (1 + np.exp(-z)) * scale\n")
    path = tmp_path / "homework.ipynb"
    path.write_bytes(data)
    cell = _cell_of(data, "def sigmoid(")
    proc = run_grade("hw3", "--submission", str(path), "--public")
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert f'File "homework.ipynb", cell {cell}, line 3, in sigmoid' in text
    assert "NameError: name 'scale' is not defined" in text and "backprop.py" not in text
    squeezed = "".join(proc.stdout.split())  # a long path is cut where the line ends
    assert "".join(f"Graded: {path} (the file given with --submission)".split()) in squeezed


def test_in_a_student_repository_the_notebook_is_graded_when_the_py_is_the_stub(tmp_path):
    import hashlib
    import shutil

    course = tmp_path / "course"
    shutil.copytree(ROOT / "assignments" / "hw3", course / "assignments" / "hw3",
                    ignore=shutil.ignore_patterns("__pycache__"))
    stub = course / "assignments" / "hw3" / "backprop.py"
    (course / "assignments" / "hw3" / "backprop.ipynb").write_bytes(student_notebook())
    (course / ".grader").mkdir()
    digest = hashlib.sha256(stub.read_bytes()).hexdigest()
    (course / ".grader" / "release.json").write_text(json.dumps(
        {"stubs": {"assignments/hw3/backprop.py": digest,
                   "assignments/hw3/backprop.ipynb": "0" * 64}}))
    proc = run_grade("hw3", cwd=course)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert ("Graded: assignments/hw3/backprop.ipynb (the notebook, because backprop.py is still "
            "the released stub and the notebook is not; --submission chooses another file)") in text
    assert "Score: 10/10" in text
