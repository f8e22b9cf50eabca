"""A small stand-in for GitHub Actions, enough to run the student repository's workflows
here as GitHub runs them, on a git "origin" that plays the GitHub repository.

What it follows (GitHub's documentation, "Events that trigger workflows", "Using
environments for deployment", "Workflow commands"):

* ``pull_request_target`` runs the workflow file of the default branch, checked out at
  the default branch's last commit (since 2025-12-08 whatever the pull request's base);
  ``push`` runs the workflow file of the pushed commit, which its author controls;
* a job with ``environment: grading`` gets that environment's secrets only where the
  run's ref is the default branch (the environment's deployment branch policy:
  ``refs/heads/main`` for ``pull_request_target``, the branch pushed for ``push``);
  repository secrets go to every job;
* ``actions/checkout`` clones the run's commit (never the pull request's head unless a
  step asks for it with ``ref:``, which the tests forbid); ``setup-python`` is a no-op;
  ``upload-artifact`` / ``download-artifact`` copy folders within the run;
* a ``pip install ... -e .`` step installs the checked-out grader: later steps import
  ``grader`` from the job's workspace (``PYTHONPATH``, ahead of this environment's
  editable install), so that what runs is the checkout's code, as on GitHub;
* ``run`` steps run under ``bash --noprofile --norc -eo pipefail``, with ``GITHUB_*``
  pointing at files of the job, and ``${{ }}`` expressions resolved; an expression this
  stand-in does not know fails the test, so the workflows stay within what it checks.

Every run keeps what GitHub would show or keep: each step's log, environment, summary
and outputs, and the artifacts, so that a test can look for a secret in all of them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_BRANCH = "main"
ENVIRONMENT = "grading"


def git(repo: Path, *args: str, check: bool = True) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.edu",
           "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.edu"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=check, capture_output=True,
                          text=True).stdout.strip()


@dataclass
class Step:
    name: str
    env: dict[str, str]
    returncode: int
    stdout: str = ""
    stderr: str = ""
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class Job:
    name: str
    matrix: dict
    secrets_given: dict[str, str]
    steps: list[Step] = field(default_factory=list)
    workspace: Path | None = None
    temp: Path | None = None
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(s.returncode == 0 for s in self.steps)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


@dataclass
class Run:
    jobs: list[Job]
    artifacts: Path

    def job(self, name: str, **matrix) -> Job:
        return next(j for j in self.jobs if j.name == name and all(j.matrix.get(k) == v for k, v in matrix.items()))

    def texts(self) -> list[str]:
        """Everything the run shows or keeps, as text: logs, summaries, outputs,
        artifacts and the files the jobs left (not the environments GitHub gave the
        steps: a step given a secret holds it; ``Step.env`` has them)."""
        found = []
        for job in self.jobs:
            for step in job.steps:
                found += [step.stdout, step.stderr, step.summary, json.dumps(step.outputs)]
            for folder in (job.workspace / "grade-results", job.temp):
                if folder and folder.is_dir():
                    found += [p.read_bytes().decode("utf-8", "replace")
                              for p in folder.rglob("*") if p.is_file()]
        found += [p.read_bytes().decode("utf-8", "replace")
                  for p in self.artifacts.rglob("*") if p.is_file()]
        return found


class GitHub:
    """A repository (``origin``, a bare git repository whose ``main`` is the default
    branch) with its secrets and variables, running its workflows."""

    def __init__(self, origin: Path, work: Path, *, environment_secrets: dict[str, str],
                 repository_secrets: dict[str, str] | None = None,
                 variables: dict[str, str] | None = None, bin_dir: Path):
        self.origin, self.work = origin, work
        self.environment_secrets = environment_secrets
        self.repository_secrets = repository_secrets or {}
        self.variables = variables or {}
        self.bin_dir = bin_dir
        self._runs = 0

    # ------------------------------------------------------------------ events
    def push(self, workflow: str, *, ref: str, before: str, after: str, fork: bool = False) -> Run:
        """The ``push`` event: the workflow file of ``after`` (the pushed commit)."""
        payload = {"ref": f"refs/heads/{ref}", "before": before, "after": after,
                   "repository": {"full_name": "course/student", "default_branch": DEFAULT_BRANCH,
                                  "fork": fork}}
        return self._run(workflow, "push", payload, sha=after, ref=f"refs/heads/{ref}")

    def pull_request_target(self, workflow: str, *, number: int, head: str,
                            head_repo: str = "course/student", base_ref: str = DEFAULT_BRANCH) -> Run:
        """A pull request into the default branch: the default branch's workflow file,
        at its last commit; the head is in the repository as ``refs/pull/N/head``."""
        main = git(self.origin, "rev-parse", DEFAULT_BRANCH)
        git(self.origin, "update-ref", f"refs/pull/{number}/head", head)
        base = git(self.origin, "rev-parse", base_ref)
        payload = {"number": number, "pull_request": {
            "number": number,
            "base": {"sha": base, "ref": base_ref, "repo": {"full_name": "course/student"}},
            "head": {"sha": head, "ref": "answers", "repo": {"full_name": head_repo}}},
            "repository": {"full_name": "course/student", "default_branch": DEFAULT_BRANCH,
                           "fork": False}}
        return self._run(workflow, "pull_request_target", payload, sha=main,
                         ref=f"refs/heads/{DEFAULT_BRANCH}")

    # ------------------------------------------------------------------ running
    def _run(self, workflow: str, event_name: str, payload: dict, *, sha: str, ref: str) -> Run:
        self._runs += 1
        base = self.work / f"run{self._runs}"
        base.mkdir(parents=True)
        text = git(self.origin, "show", f"{sha}:.github/workflows/{workflow}")
        spec = yaml.safe_load(text)
        on = spec.get("on", spec.get(True))  # YAML 1.1 reads a bare `on` as True
        assert event_name in (on if isinstance(on, (dict, list)) else [on]), (workflow, on)
        event_file = base / "event.json"
        event_file.write_text(json.dumps(payload))
        context = {"github": {"event": payload, "ref": ref, "sha": sha, "workflow": spec.get("name"),
                              "event_name": event_name},
                   "vars": self.variables, "needs": {}}
        artifacts = base / "artifacts"
        artifacts.mkdir()
        jobs: list[Job] = []
        done: dict[str, list[Job]] = {}
        for name, job in _in_order(spec["jobs"]):
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            if not all(done[n] and all(j.ok for j in done[n]) for n in needs):
                done[name] = []  # a needed job failed or was skipped: this one is skipped
                continue
            context["needs"] = {n: {"outputs": done[n][0].outputs if done[n] else {}} for n in needs}
            if "if" in job and not _truthy(condition(job["if"], context)):
                done[name] = []
                continue
            matrices = _matrices(job.get("strategy", {}).get("matrix"), context)
            done[name] = []
            for i, matrix in enumerate(matrices):
                ran = self._job(name, job, {**context, "matrix": matrix}, base / f"{name}-{i}",
                                event_file, event_name, sha, ref, artifacts)
                done[name].append(ran)
                jobs.append(ran)
        return Run(jobs, artifacts)

    def _secrets(self, job: dict, ref: str) -> dict[str, str]:
        secrets = dict(self.repository_secrets)
        if job.get("environment") == ENVIRONMENT and ref == f"refs/heads/{DEFAULT_BRANCH}":
            secrets.update(self.environment_secrets)
        return secrets

    def _job(self, name, job, context, folder: Path, event_file, event_name, sha, ref,
             artifacts) -> Job:
        secrets = self._secrets(job, ref)
        context = {**context, "secrets": secrets}
        workspace, temp, home = folder / "workspace", folder / "temp", folder / "home"
        for d in (workspace, temp, home):
            d.mkdir(parents=True)
        context["runner"] = {"temp": str(temp)}
        ran = Job(name, context.get("matrix", {}), secrets, workspace=workspace, temp=temp)
        steps_context: dict[str, dict] = {}
        installed = False
        for i, spec in enumerate(job["steps"]):
            context["steps"] = steps_context
            when = spec.get("if")
            always = when is not None and _truthy(condition(when, context)) and "always()" in when
            if (not ran.ok and not always) or (when is not None and not _truthy(condition(when, context))):
                continue
            label = spec.get("name") or spec.get("uses") or f"step {i}"
            env = {k: str(evaluate(str(v), context)) for k, v in spec.get("env", {}).items()}
            if "uses" in spec:
                self._action(spec, context, workspace, sha, artifacts)
                ran.steps.append(Step(label, env, 0))
                continue
            script = _interpolate(spec["run"], context)
            if script.startswith("pip install"):
                assert script.rstrip().endswith("-e ."), script
                installed = True  # the checkout's grader, as `pip install -e .` makes it
                ran.steps.append(Step(label, env, 0))
                continue
            if script.startswith("sudo sysctl"):
                ran.steps.append(Step(label, env, 0))
                continue
            summary, output = folder / f"summary-{i}.md", folder / f"output-{i}.txt"
            summary.touch()
            output.touch()
            full = {"PATH": f"{self.bin_dir}:{os.environ['PATH']}", "HOME": str(home),
                    "LANG": "C.UTF-8", "TMPDIR": str(temp), "CI": "true", "GITHUB_ACTIONS": "true",
                    "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_file),
                    "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary),
                    "GITHUB_OUTPUT": str(output), "GITHUB_REF": ref, "GITHUB_SHA": sha,
                    "RUNNER_TEMP": str(temp), **env}
            if installed:
                full["PYTHONPATH"] = str(workspace)
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                  cwd=workspace, env=full, capture_output=True, text=True,
                                  timeout=600)
            outputs = _outputs(output.read_text())
            ran.steps.append(Step(label, env, proc.returncode, proc.stdout, proc.stderr,
                                  summary.read_text(), outputs))
            if "id" in spec:
                steps_context[spec["id"]] = {"outputs": outputs}
        context["steps"] = steps_context
        ran.outputs = {k: str(evaluate(v, context)) for k, v in job.get("outputs", {}).items()}
        return ran

    def _action(self, spec: dict, context: dict, workspace: Path, sha: str, artifacts: Path) -> None:
        action, given = spec["uses"], {k: str(evaluate(str(v), context))
                                       for k, v in spec.get("with", {}).items()}
        if action == "actions/checkout@v4":
            assert "ref" not in given and "repository" not in given, \
                "a checkout of anything but the run's commit"
            subprocess.run(["git", "clone", "-q", str(self.origin), str(workspace)], check=True)
            git(workspace, "checkout", "-q", "--detach", sha)
        elif action == "actions/setup-python@v5":
            assert given.get("python-version") == "3.11"
        elif action == "actions/upload-artifact@v4":
            source = Path(given["path"]) if os.path.isabs(given["path"]) else workspace / given["path"]
            if source.is_dir():
                shutil.copytree(source, artifacts / given["name"], dirs_exist_ok=True)
            else:
                assert given.get("if-no-files-found") == "ignore", given
        elif action == "actions/download-artifact@v4":
            shutil.copytree(artifacts / given["name"], Path(given["path"]), dirs_exist_ok=True)
        else:
            raise AssertionError(f"an action this stand-in does not know: {action}")


def _in_order(jobs: dict) -> list[tuple[str, dict]]:
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        needs = jobs[name].get("needs", [])
        for n in [needs] if isinstance(needs, str) else needs:
            visit(n)
        seen.add(name)
        order.append((name, jobs[name]))

    for name in jobs:
        visit(name)
    return order


def _matrices(matrix, context) -> list[dict]:
    if matrix is None:
        return [{}]
    assert set(matrix) == {"include"}, matrix
    include = matrix["include"]
    return list(evaluate(include, context) if isinstance(include, str) else include)


def _outputs(text: str) -> dict[str, str]:
    """``$GITHUB_OUTPUT``'s ``name=value`` and ``name<<DELIMITER`` ... ``DELIMITER``."""
    found, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            found[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
        i += 1
    return found


_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def _interpolate(text: str, context: dict) -> str:
    return _EXPRESSION.sub(lambda m: str(_expression(m.group(1).strip(), context)), text)


def evaluate(value, context: dict):
    """A value of a workflow: an expression ``${{ ... }}`` alone gives its value (a list
    from ``fromJSON``); one inside text is interpolated."""
    value = str(value)
    whole = _EXPRESSION.fullmatch(value.strip())
    if whole:
        return _expression(whole.group(1).strip(), context)
    return _interpolate(value, context)


def condition(value, context: dict):
    """An ``if:``: an expression, with or without ``${{ }}``."""
    whole = _EXPRESSION.fullmatch(str(value).strip())
    return _expression(whole.group(1) if whole else str(value), context)


def _truthy(value) -> bool:
    return bool(value) and value not in ("false", "0")


def _path(expr: str, context: dict):
    current = context
    for part in re.findall(r"[\w-]+|\[[^\]]+\]", expr):
        if part.startswith("["):
            part = str(_expression(part[1:-1].strip(), context))
        current = current.get(part, "") if isinstance(current, dict) else ""
    return current


def _expression(expr: str, context: dict):
    """The expressions the course's workflows use, and the ones an attacker's workflow
    might: literals, context paths (``github.event.x``, ``secrets[matrix.secret]``),
    ``a || b``, ``a != b``, ``a == b``, ``fromJSON(x)``, ``always()``, ``format()``."""
    expr = expr.strip()
    if "||" in expr:
        left, right = expr.split("||", 1)
        return _expression(left, context) or _expression(right, context)
    for op in ("!=", "=="):
        if op in expr:
            left, right = (str(_expression(x, context)) for x in expr.split(op, 1))
            return (left != right) if op == "!=" else (left == right)
    if re.fullmatch(r"'[^']*'", expr):
        return expr[1:-1]
    if expr == "always()":
        return True
    if m := re.fullmatch(r"fromJSON\((.*)\)", expr, re.S):
        return json.loads(str(_expression(m.group(1), context)))
    if m := re.fullmatch(r"toJSON\((.*)\)", expr, re.S):
        return json.dumps(_expression(m.group(1), context))
    if re.fullmatch(r"[A-Za-z_][\w-]*(\.[\w-]+|\[[^\]]+\])*", expr):
        return _path(expr, context)
    raise AssertionError(f"an expression this stand-in does not know: {expr!r}")
