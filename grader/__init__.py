"""dl-grader: an autograder for deep-learning courses.

The flow of one grading run (see DESIGN.md): ``cli`` → ``runner`` → pytest with the
grader's ``plugin`` over an assignment's suite → ``result`` → ``report``.  Student code
only ever runs in the worker process (``worker``), reached through ``sandbox`` and
``proxy``; ``checks`` compares what comes back, in the grader's process.
``variants`` makes variants of a reference (trivial bodies, mutants, known mistakes);
``audit`` grades them to prove a suite gives credit for correctness only.

This module stays light: importing it must not import numpy, torch or pytest.  In a
notebook, ``from grader import check; check("hw3")`` grades what the notebook defines
(``grader.notebook_check``).
"""

__version__ = "0.1.0"


def check(assignment: str, function: str | None = None, **options):
    """Grade the functions this notebook (Jupyter, Colab) has defined against
    ``assignment``, in the grader's sandbox, and return a report shown as HTML:
    ``check("hw3")``, or ``check("hw3", "sigmoid")`` for one function's tests.  See
    ``grader.notebook_check.check`` (imported only when called)."""
    from grader.notebook_check import check as check_notebook

    return check_notebook(assignment, function, **options)
