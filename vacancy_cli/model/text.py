"""Text from outside (a scenario file, a command line), made safe to print.

A terminal obeys control characters wherever they come from: ``ESC ] 0 ;``
sets its title, ``ESC [ 2 J`` clears it, a carriage return overwrites the line
and a newline splits one error over two. A scenario is data a stranger may have
written, so every text it supplies is escaped once, where it is loaded, and
every error line once, where it is printed; nothing between has to think of it.

Escaped, not dropped: ``T\\x1b]0;pwned\\x07`` shows the author (or the
facilitator who was sent the file) exactly what was in it, where a silent
deletion would hide it. Besides the C0 and C1 controls this covers the
bidirectional overrides and isolates (the "Trojan Source" characters, which
reorder what a reader sees) and the Unicode line and paragraph separators.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidi embeddings/overrides/isolates, line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_UNSAFE_KEEPING_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _escaped(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, lines: bool = False) -> str:
    """``text`` with every control character written as an escape (``\\x1b``).

    ``lines``: keep newlines and tabs (a lesson, a hint: text laid out in
    paragraphs); otherwise they are escaped too, so the text stays on one line
    (a title, an error message).
    """
    pattern = _UNSAFE_KEEPING_LINES if lines else _UNSAFE
    return pattern.sub(_escaped, text)


def shortened(text: str, limit: int = 60) -> str:
    """``text``, with its middle elided past ``limit`` characters: a value quoted in
    an error (a 5,000-digit number, a pasted file) must not become the error."""
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]} ({len(text):,} characters)"
