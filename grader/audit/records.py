"""What an instructor recorded about surviving mutants: ``reference/hwN/mutants.toml``.

::

    [[equivalent]]          # no input tells it from the reference
    id = "softmax: `Z.max(axis=1, keepdims=True)` -> `Z.min(axis=1, keepdims=True)`"
    reason = "any row shift leaves softmax unchanged (both are stable for the suite's inputs)"

    [[accepted]]            # it differs, and the suite does not test it, on purpose
    id = "train_dev_split: delete `raise ValueError(...)`"
    reason = "the contract does not say what a dev_fraction outside [0, 1] does"

An equivalent mutant leaves the mutation score's denominator; an accepted one counts as
a survivor, and the audit passes with it.  Every entry needs an ``id`` (as the audit
lists it) and a ``reason``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.errors import ConfigurationError

__all__ = ["Record", "load_records", "RECORDS_NAME"]

#: The file's name in ``reference/hwN/``.
RECORDS_NAME = "mutants.toml"


@dataclass(frozen=True)
class Record:
    """One recorded mutant: ``kind`` is ``"equivalent"`` or ``"accepted"``."""

    id: str
    kind: str
    reason: str


def load_records(path: Path) -> dict[str, Record]:
    """The records of ``path`` by mutant id; empty when the file does not exist.

    Raises:
        ConfigurationError: the file is not valid TOML, has tables other than
            ``equivalent`` and ``accepted``, an entry without an ``id`` or a ``reason``,
            or one id twice.
    """
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: {exc}") from None
    unknown = set(data) - {"equivalent", "accepted"}
    if unknown:
        raise ConfigurationError(f"{path}: unknown table(s) {sorted(unknown)}; use "
                                 "[[equivalent]] and [[accepted]]")
    found: dict[str, Record] = {}
    for kind in ("equivalent", "accepted"):
        for entry in data.get(kind, []):
            ident, reason = entry.get("id"), entry.get("reason")
            if not isinstance(ident, str) or not isinstance(reason, str) or not reason.strip():
                raise ConfigurationError(f"{path}: every [[{kind}]] needs an id and a reason; "
                                         f"got {entry}")
            if ident in found:
                raise ConfigurationError(f"{path}: {ident!r} is recorded twice")
            found[ident] = Record(ident, kind, reason.strip())
    return found
