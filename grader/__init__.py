"""dl-grader: an autograder for deep-learning courses.

The flow of one grading run (see DESIGN.md): ``cli`` → ``runner`` → pytest with the
grader's ``plugin`` over an assignment's suite → ``result`` → ``report``.  Student code
only ever runs in the worker process (``worker``), reached through ``sandbox`` and
``proxy``; ``checks`` compares what comes back, in the grader's process.
``variants`` makes variants of a reference (trivial bodies, mutants, known mistakes);
``audit`` grades them to prove a suite gives credit for correctness only.

This module stays light: importing it must not import numpy or torch.
"""

__version__ = "0.1.0"
