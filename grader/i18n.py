"""Student-facing text in the student's language: English (the default) or Simplified
Chinese, through the standard library's ``gettext`` and the catalogues in
``grader/locale/<lang>/LC_MESSAGES/grader.mo`` (GNU gettext's layout; Babel extracts and
compiles them).

Every message a student reads is written in English in the code and passed through
``_`` (or ``ngettext`` for counts) *at the moment it is shown or built*, never at import
time, so that the language chosen for a run applies to all of it::

    from grader.i18n import _
    text = _("`{function}` timed out after {seconds:g} s").format(function=name, seconds=s)

Placeholders are ``str.format`` fields with names (never f-strings, which gettext
cannot extract, and never positional ``{}``, which a translation may need to reorder).

The language is chosen once per run by ``use``: ``--lang`` where the command has it,
else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in gettext's order:
``zh_CN.UTF-8`` gives Chinese), else English.

The catalogues: ``grader/locale/grader.pot`` (every message of the package, extracted by
Babel), ``grader/locale/zh/LC_MESSAGES/grader.po`` (their Chinese, edited by people) and
``grader.mo`` beside it (compiled from the .po, and committed, so that a clone installed
with ``pip install -e .`` reads Chinese without Babel).  ``python -m grader.catalog``
extracts, merges and compiles them; ``python -m grader.catalog --check`` lists what is
stale or untranslated (``grader.catalog``).
"""

from __future__ import annotations

import contextlib
import gettext
import os
from pathlib import Path
from typing import Iterator

__all__ = ["_", "ngettext", "use", "using", "language", "bilingual", "in_every_language",
           "LANGUAGES", "DOMAIN", "LOCALE_DIR"]

#: The languages a run can be in: English and Simplified Chinese.
LANGUAGES = ("en", "zh")

#: gettext's domain, and where the compiled catalogues are.
DOMAIN = "grader"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _from_locale() -> str:
    """The language the environment asks for, as gettext reads it (the first of
    ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set): "zh" for any
    Chinese locale (``zh_CN.UTF-8``, ``zh``), else "en"."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            first = value.split(":")[0].lower()
            return "zh" if first.startswith("zh") else "en"
    return "en"


def use(lang: str | None = None) -> str:
    """Choose the language of this run's messages: ``lang`` ("en" or "zh"), or where it
    is None the locale's (``_from_locale``).  Returns the language chosen.

    Raises:
        ValueError: ``lang`` is not one of ``LANGUAGES``.
    """
    global _translation, _language
    chosen = _from_locale() if lang is None else lang
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _language = chosen
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    return chosen


def language() -> str:
    """The language chosen for this run ("en" until ``use`` says otherwise)."""
    return _language


def _(message: str) -> str:
    """``message`` in this run's language (itself where there is no translation)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n``, in this run's language."""
    return _translation.ngettext(singular, plural, n)


def bilingual(en: str, zh: str) -> str:
    """``zh`` in a Chinese run, else ``en``: for text written in both languages where it
    lives, outside the grader's catalogues (a hidden suite's own messages, which must not
    reach the catalogues that students get; a known mistake's hint)::

        fail(bilingual(en="losses must hold one value per epoch",
                       zh="losses 必须每个 epoch 一个值"), got)
    """
    return zh if _language == "zh" else en


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """``use(lang)`` for the ``with`` block only; the language before it is restored
    afterwards.  Yields the language chosen.

    Raises:
        ValueError: ``lang`` is not one of ``LANGUAGES``.
    """
    before = _language
    try:
        yield use(lang)
    finally:
        use(before)


def in_every_language(message: str) -> tuple[str, ...]:
    """``message`` in each of ``LANGUAGES`` (English first; a language without a
    translation of it gives it in English): for reading back text that a run wrote in
    whichever language it was in, such as the ``"Hint: "`` at the start of a line."""
    found = [message]
    for lang in LANGUAGES:
        text = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang],
                                   fallback=True).gettext(message)
        if text not in found:
            found.append(text)
    return tuple(found)
