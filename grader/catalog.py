"""The message catalogues in ``grader/locale/``: extract, merge, compile and check them
with Babel (the tools behind ``pybabel``), for the translations ``grader.i18n`` reads.

    python -m grader.catalog            extract, merge and compile (after changing messages)
    python -m grader.catalog --check    list what is stale or untranslated; exit 1 if any

The layout is GNU gettext's: ``grader/locale/grader.pot`` holds every message that
the package passes to ``_`` or ``ngettext`` (the template), and for each language other
than English ``grader/locale/<lang>/LC_MESSAGES/grader.po`` (its translations, which
people edit) and ``grader.mo`` (compiled from the .po: what ``gettext`` reads at run
time).  The .mo files are committed, so that a clone installed as the README says
(``pip install -e .``, no Babel) reads Chinese at once; the ``test`` extra installs Babel
for this module.

After a change to any message, run ``python -m grader.catalog``: the template is
extracted again, merged into each .po (a new message comes in untranslated, a changed
one marked fuzzy with its old translation as a guess) and each .po is compiled.  Then
translate what ``--check`` lists in the .po, and run ``python -m grader.catalog``
again.  ``tests/test_i18n.py`` fails while ``--check`` finds anything: a message of the
code missing from a catalogue, or a translation that is empty, fuzzy, left in English,
has other ``{placeholders}`` than its message, does not use the course's terms
(``GLOSSARY``), or a .mo that is not the compiled .po.

Locations in the catalogues name the file only (no line numbers), and messages are
sorted, so that merging branches that change messages touches as few lines as
possible.
"""

from __future__ import annotations

import io
import re
import string
import sys
from pathlib import Path

from grader import __version__
from grader.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

__all__ = ["GLOSSARY", "PACKAGE", "catalogue_path", "check", "extract", "main", "update"]

#: The package whose messages are extracted.
PACKAGE = Path(__file__).resolve().parent
#: The repository's root, from which files are named in messages.
_ROOT = LOCALE_DIR.parent.parent
#: Comments above a message that start so are kept in the catalogues, for translators.
_COMMENT_TAGS = ("Translators:",)
_WIDTH = 100

#: The course's terms in each language (COURSE.md: the handouts write the Chinese
#: term beside the English one): a message that uses the English term (a whole word,
#: case-insensitively) must use this translation.  ``--check`` enforces it.
GLOSSARY: dict[str, dict[str, str]] = {
    "zh": {
        "backpropagation": "反向传播",
        "gradient descent": "梯度下降",
        "regularization": "正则化",
        "overfitting": "过拟合",
        "cross entropy": "交叉熵",
        "cross-entropy": "交叉熵",
        "gradient": "梯度",
        "learning rate": "学习率",
        "hidden suite": "隐藏测试",
        "public tests": "公开测试",
        "known mistake": "常见错误",
        "hint": "提示",
        "submission": "提交",
        "time limit": "时间限制",
    },
}


def catalogue_path(lang: str, suffix: str = ".po") -> Path:
    """``grader/locale/<lang>/LC_MESSAGES/grader<suffix>``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _translated_languages() -> list[str]:
    return [lang for lang in LANGUAGES if lang != "en"]


def extract():
    """The template: a ``babel.messages.catalog.Catalog`` of every message the package
    passes to ``_`` or ``ngettext``, each with the files it is in."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    template = Catalog(project="dl-grader", version=__version__, domain=DOMAIN,
                       fuzzy=False, header_comment="# The messages of dl-grader (grader/).")
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")],
                             keywords=DEFAULT_KEYWORDS, comment_tags=_COMMENT_TAGS,
                             strip_comment_tags=True)
    for filename, _lineno, message, comments, context in found:
        where = f"{PACKAGE.name}/{Path(filename).as_posix()}"
        existing = template.get(message, context)
        if existing is not None and (where, None) in existing.locations:
            continue
        template.add(message, None, [(where, None)], auto_comments=comments, context=context)
    return template


_DATES = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.M)


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless the file holds it already, but for the dates
    in its header (so that running the command again changes nothing); whether it wrote."""
    if path.is_file() and _DATES.sub(b"", path.read_bytes()) == _DATES.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_WIDTH, sort_output=True, ignore_obsolete=True,
             include_lineno=False)
    return buffer.getvalue()


def _read_po(path: Path, lang: str):
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def _compiled(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> list[Path]:
    """Extract the template into ``grader.pot``, merge it into each language's .po
    (created where missing) and compile each .po into its .mo.  Returns the files
    that changed (a file whose only change would be a date is left as it is)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    template = extract()
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    written = [pot] if _write(pot, _po_bytes(template)) else []
    for lang in _translated_languages():
        po, mo = catalogue_path(lang), catalogue_path(lang, ".mo")
        catalog = _read_po(po, lang) if po.is_file() else Catalog(locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=True)
        catalog.project, catalog.version, catalog.fuzzy = "dl-grader", __version__, False
        data = _po_bytes(catalog)
        written += [po] if _write(po, data) else []
        compiled = read_po(io.BytesIO(po.read_bytes()), locale=lang, domain=DOMAIN)
        written += [mo] if _write(mo, _compiled(compiled)) else []  # obsolete messages dropped
    return written


def _fields(text: str) -> list[tuple[str, str, str]]:
    """The ``str.format`` replacement fields of ``text`` (name, conversion, spec),
    sorted; raises ValueError where ``text`` is not a valid format string."""
    return sorted((name, conversion or "", spec or "")
                  for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


_WORDS = re.compile(r"[A-Za-z]{3,}")


def _prose(text: str) -> bool:
    """Whether ``text`` holds English words outside placeholders and code (`...`)."""
    bare = re.sub(r"\{[^{}]*\}|`[^`]*`", " ", text)
    return bool(_WORDS.search(bare))


def _problems_of(message, lang: str) -> list[str]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strs = message.string if isinstance(message.string, tuple) else (message.string,)
    shown = ids[0] if len(ids[0]) <= 70 else ids[0][:67] + "..."
    problems = []
    if not all(strs):
        return [f"untranslated: {shown!r}"]
    if message.fuzzy:
        problems.append(f"fuzzy (check the translation, then remove the fuzzy flag): {shown!r}")
    for text in strs:
        try:
            if _fields(text) != _fields(ids[0]) and not (len(ids) > 1 and _fields(text) == _fields(ids[1])):
                problems.append(f"other placeholders than its message: {shown!r}")
                break
        except ValueError as exc:
            problems.append(f"not a valid format string ({exc}): {shown!r}")
            break
    if any(text == ids[0] for text in strs) and _prose(ids[0]):
        problems.append(f"left in English: {shown!r}")
    for term, translation in GLOSSARY.get(lang, {}).items():
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", ids[0], re.IGNORECASE) and \
                not all(translation in text for text in strs):
            problems.append(f"{term!r} is not translated as {translation!r}: {shown!r}")
    return problems


_KEYWORDS = {"_": 1, "ngettext": 2}


def unextractable() -> list[str]:
    """The calls of ``_`` and ``ngettext`` in the package that extraction cannot see,
    so that their messages would stay English: one inside an f-string's ``{...}``, or
    one whose message is not a string literal (``_(REASON)``); and, in a module that
    imports ``_`` from ``grader.i18n``, every assignment to a variable named ``_`` (``_,
    name = pair``), which hides the function where it is (a call of ``_`` in that
    function then calls the value)."""
    import ast

    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        try:
            tree = ast.parse(path.read_bytes(), str(path))
        except SyntaxError:
            continue
        inside = {id(n) for f in ast.walk(tree) if isinstance(f, ast.JoinedStr)
                  for n in ast.walk(f) if n is not f}
        imported = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module == "grader.i18n"
                    for alias in node.names}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Name) and node.id in _KEYWORDS and node.id in imported
                    and isinstance(node.ctx, ast.Store)):
                found.append(f"{PACKAGE.name}/{path.relative_to(PACKAGE).as_posix()}, line "
                             f"{node.lineno}: {node.id} is assigned to, which hides the "
                             "function that translates: name the variable otherwise")
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in _KEYWORDS):
                continue
            where = f"{PACKAGE.name}/{path.relative_to(PACKAGE).as_posix()}, line {node.lineno}"
            literal = all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                          for a in node.args[:_KEYWORDS[node.func.id]])
            if id(node) in inside:
                found.append(f"{where}: {node.func.id}() inside an f-string is not extracted: "
                             "build the text outside it")
            elif not literal or len(node.args) < _KEYWORDS[node.func.id]:
                found.append(f"{where}: {node.func.id}() of something else than a string "
                             "literal is not extracted")
    return found


def check() -> list[str]:
    """What is wrong with the catalogues, one line each (empty when all is well): a
    message of the code missing from a language's .po (or one the code no longer has),
    an untranslated, fuzzy or English translation, a translation whose ``{fields}``
    differ from its message's, a course term not translated as ``GLOSSARY`` says, a
    .mo that is not the compiled .po, a stale template; a call of ``_`` that
    extraction cannot see (``unextractable``)."""
    template = extract()
    wanted = {m.id for m in template if m.id}
    problems = unextractable()
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    if not pot.is_file() or {m.id for m in _read_po(pot, "en") if m.id} != wanted:
        problems.append(f"{pot.relative_to(_ROOT)} is stale: run python -m grader.catalog")
    for lang in _translated_languages():
        po, mo = catalogue_path(lang), catalogue_path(lang, ".mo")
        where = po.relative_to(_ROOT)
        if not po.is_file():
            problems.append(f"{where} is missing: run python -m grader.catalog")
            continue
        catalog = _read_po(po, lang)
        have = {m.id for m in catalog if m.id}
        for missing in sorted(wanted - have, key=str):
            text = missing[0] if isinstance(missing, tuple) else missing
            problems.append(f"{where}: not in the catalogue (run python -m grader.catalog): {text!r}")
        for extra in sorted(have - wanted, key=str):
            text = extra[0] if isinstance(extra, tuple) else extra
            problems.append(f"{where}: no longer in the code (run python -m grader.catalog): {text!r}")
        for message in catalog:
            if message.id and message.id in wanted:
                problems += [f"{where}: {p}" for p in _problems_of(message, lang)]
        if not mo.is_file() or mo.read_bytes() != _compiled(catalog):
            problems.append(f"{mo.relative_to(_ROOT)} is not the compiled .po: run "
                            "python -m grader.catalog")
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.catalog [--check]``; returns the exit status."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m grader.catalog",
        description="Extract the grader's messages into grader/locale/grader.pot, merge them "
                    "into each language's .po and compile the .mo files (Babel). Translate what "
                    "--check lists in the .po files, then run this again.")
    parser.add_argument("--check", action="store_true",
                        help="only list what is stale or untranslated; exit status 1 if anything")
    args = parser.parse_args(argv)
    try:
        import babel  # noqa: F401
    except ImportError:
        print("python -m grader.catalog needs Babel: pip install -e \".[test]\"", file=sys.stderr)
        return 2
    if not args.check:
        for path in update():
            print(f"wrote {path.relative_to(_ROOT)}")
    problems = check()
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in the catalogues", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
