"""Student text made safe to show: what a submission printed or raised, before it
reaches a terminal, a Markdown file or a GitHub job summary.

Student code controls every character it prints and every exception message it
raises.  Shown as is, a terminal escape sequence (ECMA-48 CSI/OSC: ``ESC [ ... m``,
``ESC ] ... BEL``) or a carriage return can move the cursor, clear the screen and
overwrite the instructor's report with a fake ``Score: 100/100``; Unicode's
bidirectional overrides (the "Trojan Source" characters, CVE-2021-42574) can reorder
what a reader sees.  ``printable`` removes all of them and keeps every other
character (Chinese, accents, emoji, tabs and newlines).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# ECMA-48 (ISO 6429): CSI = ESC [ params intermediates final; OSC, DCS, SOS, PM and APC
# strings end at BEL or ESC \ (ST); any other ESC + one character.  C1 forms (U+009B CSI,
# U+009D OSC, ...) are single characters, removed with the other controls below.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"            # CSI ... final byte
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC/DCS/SOS/PM/APC ... BEL or ST
    r"|\x1b[@-Z\\-_]"                     # two-character escapes (Fe)
    r"|\x1b.?",                           # anything else that starts with ESC
    re.DOTALL)

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional
# embeddings, overrides and isolates (and the marks), which reorder displayed text.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
                       "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without terminal escape sequences, control characters or bidirectional
    overrides; a carriage return becomes a newline (``\\r\\n`` one newline), so a line
    cannot be overwritten in place.  Tabs, newlines and every printable character of
    any script are kept.

    Args:
        text: student-controlled text (output, an exception's message, a traceback).

    Returns:
        The text, safe to write to a terminal or into Markdown.
    """
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
