"""`grade gradescope hwN`: the autograder zip, its scripts run as Gradescope runs them.

The zip's ``setup.sh`` and ``run_autograder`` run in a private mount namespace whose root
is laid out as Gradescope's image is: the system's own folders read-only, a fresh /tmp,
and ``/autograder`` holding ``source/`` (the zip, extracted), ``run_autograder``,
``submission/`` and ``results/``; the course repository is not there, and there is no
network.  ``setup.sh`` really runs: it makes /autograder/venv and installs torch's CPU
build and dl-grader with pip, which takes them from this machine's own package sources
(pip's ``file://`` index and the folder of wheels it is configured with) instead of the
internet; where there are none, or no namespaces, the tests that need them are skipped
and say why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, failed_names, full_marks, run_grade
from grader.gradescope import TORCH_REQUIREMENT, results_document

#: Lays out the new root and runs the command in it (run inside `unshare --mount`).
IN_GRADESCOPE_ROOT = r"""
set -e
NEW=$1; AG=$2; shift 2
mkdir -p "$NEW"
mount -t tmpfs -o mode=0755 tmpfs "$NEW"
for d in bin sbin lib lib32 lib64 libx32 usr etc opt root var dev sys; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$NEW/$d"
  elif [ -d "/$d" ]; then
    mkdir "$NEW/$d"
    case $d in
      dev|sys) mount --rbind "/$d" "$NEW/$d" ;;
      *) mount --bind -o ro "/$d" "$NEW/$d" ;;
    esac
  fi
done
mkdir "$NEW/proc" "$NEW/tmp" "$NEW/autograder" "$NEW/.old"
mount -t proc proc "$NEW/proc" 2>/dev/null || mount --rbind /proc "$NEW/proc"
mount -t tmpfs tmpfs "$NEW/tmp"
mount --bind "$AG" "$NEW/autograder"
cd "$NEW"
pivot_root . .old
umount -l /.old
rmdir /.old
cd /autograder
exec "$@"
"""


def _unshare() -> list[str]:
    prefix = ["unshare", "--mount", "--propagation", "private", "--net"]
    return prefix if os.geteuid() == 0 else [*prefix, "--user", "--map-root-user"]


def in_gradescope(base: Path, autograder: Path, *command: str, env: dict | None = None,
                  timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``command`` where / is laid out as Gradescope's image and ``autograder`` is
    /autograder (see the module docstring)."""
    script = base / "in-gradescope-root.sh"
    script.write_text(IN_GRADESCOPE_ROOT)
    newroot = base / f"root-{len(list(base.glob('root-*')))}"
    return subprocess.run([*_unshare(), "bash", str(script), str(newroot), str(autograder), *command],
                          env={"PATH": os.environ["PATH"], "HOME": "/tmp", "LANG": "C.UTF-8",
                               **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def _offline_packages(wheelhouse: Path, seen_as: str) -> dict[str, str] | None:
    """The pip settings that install torch==2.13.0 and dl-grader's dependencies without the
    internet: the ``file://`` indexes pip is configured with, its find-links folders, one
    of which holds torch 2.13.0's wheel, and ``wheelhouse`` (``seen_as`` inside
    Gradescope's root), where the dependencies those indexes lack are downloaded first
    (from the package registry, by this process, which may reach it); None where pip has
    no such sources."""
    proc = subprocess.run(["python", "-m", "pip", "config", "list"], capture_output=True, text=True)
    urls = re.findall(r"file://\S+?(?=['\s])", proc.stdout)
    local = [u for u in urls if Path(u.removeprefix("file://")).is_dir()]
    links = re.findall(r"find-links='([^']+)'", proc.stdout)
    wheels = [w for d in links for w in Path(d).glob("torch-2.13.0*.whl")] if links else []
    if not local or not wheels:
        return None
    missing = [r for r in _runtime_requirements()
               if not any((Path(u.removeprefix("file://")) / _normalized(r)).is_dir() for u in local)]
    if missing:
        got = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest",
                              str(wheelhouse), "--only-binary=:all:", *missing],
                             capture_output=True, text=True, timeout=600)
        assert got.returncode == 0, f"could not download {missing}: {got.stderr[-2000:]}"
    return {"PIP_INDEX_URL": local[0], "PIP_EXTRA_INDEX_URL": " ".join(local[1:]),
            "PIP_FIND_LINKS": " ".join([*links, seen_as]), "TORCH_INDEX_URL": local[0],
            "PIP_NO_CACHE_DIR": "1",
            "PIP_NO_COMPILE": "1"}  # .pyc only for what is imported, not all of torch


def _runtime_requirements() -> list[str]:
    """dl-grader's dependencies on this platform, torch left out (setup.sh installs it
    from its own index), as requirement strings."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    wanted = []
    for text in requires("dl-grader") or []:
        req = Requirement(text)
        if req.name.lower() != "torch" and (req.marker is None or req.marker.evaluate({"extra": ""})):
            wanted.append(str(Requirement(f"{req.name}{req.specifier}")))
    return wanted


def _normalized(requirement: str) -> str:
    """The project name of ``requirement`` as a PEP 503 index names its folder."""
    from packaging.requirements import Requirement

    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    proc = run_grade("gradescope", "hw3", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"Wrote {out}" in proc.stdout and "100 points" in proc.stdout
    return out


@pytest.fixture(scope="module")
def gradescope(autograder_zip, tmp_path_factory):
    """/autograder after setup.sh ran: ``run(files)`` puts ``files`` ({name: bytes}) in
    /autograder/submission, runs /autograder/run_autograder, and returns results.json."""
    base = tmp_path_factory.mktemp("gradescope-root")
    probe = in_gradescope(base, base, "true")
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace with pivot_root here: {probe.stderr.strip()[-300:]}")
    packages = _offline_packages(base / "autograder" / ".wheelhouse", "/autograder/.wheelhouse")
    if packages is None:
        pytest.skip("setup.sh needs torch==2.13.0 and dl-grader's dependencies from pip's own "
                    "file:// index and wheel folder, and this machine has none (the test has no "
                    "network)")
    autograder = base / "autograder"
    (autograder / "source").mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(autograder / "source")
    for name in ("setup.sh", "run_autograder"):  # zipfile does not restore modes
        (autograder / "source" / name).chmod(0o755)
    shutil.copyfile(autograder / "source" / "run_autograder", autograder / "run_autograder")
    (autograder / "run_autograder").chmod(0o755)
    setup = in_gradescope(base, autograder, "bash", "/autograder/source/setup.sh", env=packages)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert f"torch {TORCH_REQUIREMENT.split('==')[1]}+cpu" in setup.stdout

    def run(files: dict[str, bytes]) -> dict:
        for name in ("submission", "results"):
            shutil.rmtree(autograder / name, ignore_errors=True)
            (autograder / name).mkdir()
        for name, data in files.items():
            path = autograder / "submission" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        proc = in_gradescope(base, autograder, "/autograder/run_autograder")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return json.loads((autograder / "results" / "results.json").read_text("utf-8"))

    return run


def _check_shape(doc: dict) -> None:
    """Gradescope's results.json: the fields its specification names, of their types."""
    assert isinstance(doc["score"], (int, float)) and doc["output_format"] == "md"
    assert doc["visibility"] == "visible" and doc["stdout_visibility"] == "hidden"
    for test in doc["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility",
                             "output_format"}
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
        assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
    assert doc["score"] == sum(t["score"] for t in doc["tests"])


@pytest.mark.slow  # setup.sh installs torch and dl-grader with pip: minutes
def test_the_reference_gets_full_marks(gradescope):
    doc = gradescope({"backprop.py": (ROOT / "reference" / "hw3" / "backprop.py").read_bytes()})
    _check_shape(doc)
    assert doc["score"] == full_marks("hw3") and failed_names(doc) == []
    assert doc["extra_data"]["suite"] == "hidden" and doc["extra_data"]["outcome"] == "completed"


@pytest.mark.slow  # setup.sh installs torch and dl-grader with pip: minutes
def test_a_wrong_file_of_another_name_gets_the_verdict_grade_gives_it(gradescope, graded):
    wrong = SUBMISSIONS / "hw3" / "wrong_db_not_summed.py"
    doc = gradescope({"my homework.py": wrong.read_bytes()})
    _check_shape(doc)
    alone = graded("hw3", wrong)
    assert (doc["score"], failed_names(doc)) == (alone["score"], failed_names(alone))
    assert "Graded my homework.py from your upload." in doc["output"]
    failed = next(t for t in doc["tests"] if t["status"] == "failed")
    message = next(t for t in alone["tests"] if t["name"] == failed["name"])["output"]
    assert failed["output"].startswith("```") and message in failed["output"]


@pytest.mark.slow  # setup.sh installs torch and dl-grader with pip: minutes
def test_a_notebook_is_graded(gradescope):
    from grader.notebook import stub_notebook

    reference = ROOT / "reference" / "hw3" / "backprop.py"
    notebook = stub_notebook(reference, ROOT / "assignments" / "hw3" / "README.md", "hw3")
    doc = gradescope({"backprop.ipynb": notebook.encode(),
                      "backprop.py": (ROOT / "assignments" / "hw3" / "backprop.py").read_bytes()})
    _check_shape(doc)
    assert doc["score"] == full_marks("hw3")  # the notebook, not the untouched stub beside it
    assert "Graded backprop.ipynb from your upload." in doc["output"]


@pytest.mark.slow  # setup.sh installs torch and dl-grader with pip: minutes
@pytest.mark.parametrize("files", [{}, {"notes.txt": b"I ran out of time\n"}, {"backprop.py": b"\n"}],
                         ids=["empty", "no-python", "empty-file"])
def test_nothing_gradable_scores_0_with_a_message(gradescope, files):
    doc = gradescope(files)
    assert doc["score"] == 0 and doc["tests"] == [] and doc["extra_data"]["nothing_gradable"]
    assert doc["output"].startswith("**Your submission could not be graded, so it scores 0.**")
    assert "Upload the file you completed, `backprop.py` (or your notebook `backprop.ipynb`)" in doc["output"]
    if not files:
        assert "no backprop.py found" in doc["output"]
    if "backprop.py" in files:
        assert "the file is empty" in doc["output"]


# ------------------------------------------------------------------ the zip itself


def test_the_zip_holds_the_scripts_the_grader_and_one_assignment(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        setup = zf.read("setup.sh").decode()
        run = zf.read("run_autograder").decode()
    names = list(infos)
    assert names[:2] == ["setup.sh", "run_autograder"]            # at the zip's root
    for name in names[:2]:
        assert stat.S_IMODE(infos[name].external_attr >> 16) == 0o755
    assert {"course/pyproject.toml", "course/README.md", "course/grader/gradescope.py",
            "course/grader/templates/student_README.md", "course/assignments/hw3/assignment.toml",
            "course/assignments/hw3/tests/test_public.py", "course/reference/hw3/backprop.py",
            "course/reference/hw3/tests/test_hidden.py", "course/reference/hw3/misconceptions.py"} <= set(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/." in n]
    assert not [n for n in names if re.search(r"/hw[0-9]+/", n) and "/hw3/" not in n]
    assert f'"{TORCH_REQUIREMENT}" --index-url "${{TORCH_INDEX_URL:-https://download.pytorch.org/whl/cpu}}"' in setup
    assert run.startswith("#!/usr/bin/env bash") and "grader.gradescope run hw3" in run


def test_setup_pins_torch_as_the_readme_does():
    readme = (ROOT / "README.md").read_text()
    assert f"pip install {TORCH_REQUIREMENT} -e ." in readme


def test_only_an_instructors_course_can_be_built(tmp_path):
    from conftest import one_assignment_course

    course = one_assignment_course(tmp_path / "course", "hw3")
    shutil.rmtree(course / "reference")
    proc = run_grade("gradescope", "hw3", "--out", str(tmp_path / "a.zip"), cwd=course)
    assert proc.returncode == 2 and "no hidden suite" in proc.stderr
    assert run_grade("gradescope", "hw33").returncode == 2


def test_results_document_fences_each_message():
    doc = {"score": 2.0, "max_score": 4.0, "execution_time": 1.5, "output": "Graded.\nNote.",
           "tests": [{"name": "f: ok", "score": 2.0, "max_score": 2.0, "status": "passed", "output": ""},
                     {"name": "g: `x` * 2", "score": 0.0, "max_score": 2.0, "status": "failed",
                      "output": "g returned *1*\n```\nnot a fence\n```"}],
           "extra_data": {"suite": "hidden"}}
    out = results_document(doc, visibility="after_due_date")
    assert out["output"] == "Graded.\n\nNote." and "max_score" not in out
    assert out["tests"][0]["output"] == "" and out["tests"][1]["output"].startswith("````text\n")
    assert {t["visibility"] for t in out["tests"]} == {"after_due_date"}
