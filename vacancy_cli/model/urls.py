"""Server URLs as a user may type them: shown without their secrets, and vacancy's timeout.

A URL given with ``--redis-url`` or ``--postgres-url`` may carry a password:
``redis://:pw@host/0``, ``postgresql://user:pw@host/db``, ``?password=pw``, or
libpq's key=value form ``host=h password=pw``. Error lines and views print URLs,
and terminals end up on projectors and in CI logs, so every URL vacancy shows
goes through ``redact`` first, and every driver message about one through
``scrub`` (drivers echo fragments of what they could not parse).

Redaction errs on the side of hiding: in a ``scheme://`` URL everything from the
first ``:`` of the part before the last ``@`` to that ``@`` is a password, so a
password with an unencoded ``@``, ``/`` or ``?`` is hidden too, at the cost of
sometimes hiding a host. The output never depends on the password.

``timeout`` is vacancy's own parameter (seconds, e.g. ``?timeout=2`` or
``timeout=2``): how long to wait for a server to connect or answer one command
before calling it stopped. ``split_timeout`` takes it out before a driver sees
the URL (libpq would reject an unknown parameter); ``with_timeout`` puts it in,
for a command-line option that sets it for every URL.
"""

from __future__ import annotations

import math
import re
from urllib.parse import unquote, unquote_plus

HIDDEN = "***"
DEFAULT_TIMEOUT_S = 5.0  # a server on a healthy network answers in milliseconds
TIMEOUT = "timeout"

_URI = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)(.*)", re.DOTALL)
# A query parameter whose name says password (password, sslpassword): its value
# runs to the next & or #.
_QUERY_SECRET = re.compile(r"((?:^|[?&;])[^=&#?;]*password=)([^&#]*)", re.IGNORECASE)
# libpq's key=value form: a value is single-quoted (with \' and \\ escapes; an
# unterminated quote runs to the end) or runs to the next unescaped space.
_PAIR = re.compile(
    r"(?P<key>[\w.-]+)(?P<eq>\s*=\s*)(?P<value>'(?:\\.|[^'\\])*'?\\?|(?:\\.|[^\s\\])*\\?)"
    r"|(?P<other>\S+)|(?P<space>\s+)",
    re.DOTALL,
)


def redact(url: str) -> str:
    """``url`` with every password replaced by ``***``: safe to print."""
    return _split(url)[0]


def secrets(url: str) -> tuple[str, ...]:
    """The passwords ``url`` holds, as written and decoded (the forms a driver may echo)."""
    return _split(url)[1]


def scrub(text: str, url: str) -> str:
    """``text`` (a driver's message about ``url``) with the URL redacted and no password left."""
    text = text.replace(url, redact(url))
    for secret in sorted(secrets(url), key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text


def split_timeout(url: str) -> tuple[str, float]:
    """``url`` without vacancy's ``timeout`` parameter, and that timeout in seconds.

    Raises ``ValueError`` (saying what was wrong) for a timeout that is not a
    positive number; a URL without one gets ``DEFAULT_TIMEOUT_S``.
    """
    found: list[str] = []
    if _URI.match(url):
        base, mark, query = url.partition("?")
        query, hash_mark, fragment = query.partition("#")
        kept = []
        for item in query.split("&") if mark else []:
            name, eq, value = item.partition("=")
            if name == TIMEOUT and eq:
                found.append(unquote_plus(value))
            else:
                kept.append(item)
        rest = ("?" + "&".join(kept) if kept else "") + hash_mark + fragment
        url = base + rest
    else:
        parts = []
        for token in _PAIR.finditer(url):
            if token["key"] == TIMEOUT:
                found.append(_unquote_value(token["value"]))
            else:
                parts.append(token[0])
        url = "".join(parts).strip()
    if not found:
        return url, DEFAULT_TIMEOUT_S
    try:
        seconds = float(found[-1])
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"timeout={found[-1]}: expected a number of seconds above 0, e.g. 2")
    return url, seconds


def with_timeout(url: str, seconds: float) -> str:
    """``url`` asking for ``seconds`` (replacing any timeout it had): for ``split_timeout``."""
    bare = split_timeout(url)[0]
    if _URI.match(bare):
        base, hash_mark, fragment = bare.partition("#")
        joiner = "&" if "?" in base else "?"
        return f"{base}{joiner}{TIMEOUT}={float(seconds)!r}{hash_mark}{fragment}"
    return f"{bare} {TIMEOUT}={float(seconds)!r}".strip()


def _split(url: str) -> tuple[str, tuple[str, ...]]:
    """The redacted text and the secrets it hid, in one pass over ``url``."""
    found: list[str] = []
    uri = _URI.match(url)
    if uri is None:
        return _split_pairs(url, found), _forms(found)
    scheme, rest = uri.groups()
    at = rest.rfind("@")
    if at < 0:
        return scheme + _hide_query(rest, found), _forms(found)
    head, tail = rest[:at], rest[at + 1 :]
    if ":" in head:
        user, _, password = head.partition(":")
        found.append(password)
        head = f"{user}:{HIDDEN}"
    else:
        head = _hide_query(head, found)
    return f"{scheme}{head}@{_hide_query(tail, found)}", _forms(found)


def _hide_query(text: str, found: list[str]) -> str:
    def hide(match: re.Match[str]) -> str:
        found.append(match[2])
        return match[1] + HIDDEN

    return _QUERY_SECRET.sub(hide, text)


def _split_pairs(text: str, found: list[str]) -> str:
    parts = []
    hiding = False  # past a malformed token that names a password: hide every word
    for token in _PAIR.finditer(text):
        if token["space"]:
            parts.append(token[0])
        elif hiding or (token["other"] and "password" in token["other"].lower()):
            hiding = True
            found.append(token[0])
            parts.append(HIDDEN)
        elif token["key"] and "password" in token["key"].lower():
            found.append(token["value"])
            parts.append(f"{token['key']}{token['eq']}{HIDDEN}")
        else:
            parts.append(token[0])
    return "".join(parts)


def _unquote_value(value: str) -> str:
    """A key=value value as libpq reads it: quotes removed, escapes resolved."""
    if value.startswith("'"):
        value = value[1:-1] if len(value) > 1 and value.endswith("'") else value[1:]
    return re.sub(r"\\(.)", r"\1", value, flags=re.DOTALL)


def _forms(found: list[str]) -> tuple[str, ...]:
    """Each secret as written, percent-decoded and unquoted: a driver may echo any of them."""
    forms = set()
    for secret in found:
        if secret:
            forms |= {secret, unquote(secret), unquote_plus(secret), _unquote_value(secret)}
    return tuple(sorted(form for form in forms if form))
