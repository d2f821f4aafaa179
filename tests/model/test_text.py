"""``model.text``: what a scenario or a command line supplies, made safe to print."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vacancy_cli.model.text import printable, shortened

BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def unsafe(char: str, lines: bool) -> bool:
    if lines and char in "\n\t":
        return False
    return unicodedata.category(char) == "Cc" or char in BIDI


@given(st.text(), st.booleans())
def test_no_control_character_survives_and_the_rest_is_untouched(text: str, lines: bool) -> None:
    shown = printable(text, lines=lines)
    assert not any(unsafe(c, lines) for c in shown)
    if not any(unsafe(c, lines) for c in text):
        assert shown == text
    assert shown.count("\n") == (text.count("\n") if lines else 0)


def test_an_escape_shows_what_was_there() -> None:
    assert printable("T\x1b]0;pwned\x07") == "T\\x1b]0;pwned\\x07"
    assert printable("a\nb\u202ec", lines=True) == "a\nb\\u202ec"


@given(st.text(min_size=61))
def test_a_long_value_is_shortened_and_says_how_long(text: str) -> None:
    short = shortened(text)
    assert len(short) < 90 and f"({len(text):,} characters)" in short
    assert short.startswith(text[:29]) and text[-29:] in short
