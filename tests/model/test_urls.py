"""Server URLs shown without their passwords, and vacancy's ``timeout`` parameter.

The redaction property is stated as independence: the redacted text is the same
whatever the password, so no password (raw, percent-encoded or quoted) can be
read back from it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from vacancy_cli.model.urls import (
    DEFAULT_TIMEOUT_S,
    HIDDEN,
    redact,
    scrub,
    split_timeout,
    with_timeout,
)

SCHEMES = st.sampled_from(["postgresql://", "postgres://", "redis://", "rediss://", "unix://"])
USERS = st.sampled_from(["", "user", "postgres", "app.reader"])
HOSTS = st.sampled_from(["127.0.0.1:5432", "db.example", "[::1]:6379", "h1,h2:5433", "/tmp"])
PATHS = st.sampled_from(["", "/", "/0", "/db", "/db?sslmode=disable", "/db?application_name=x"])
PASSWORDS = st.text(min_size=1)


def _quoted(password: str) -> str:
    """A value as libpq's key=value form quotes it."""
    return "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'"


SHAPES = [
    lambda scheme, user, host, path, pw: f"{scheme}{user}:{quote(pw, safe='')}@{host}{path}",
    lambda scheme, user, host, path, pw: f"{scheme}{user}:{pw}@{host}{path}",  # not encoded
    lambda scheme, user, host, path, pw: (
        f"{scheme}{user}@{host}/db?sslmode=require&password={quote(pw, safe='')}&port=1"
    ),
    lambda scheme, user, host, path, pw: f"{scheme}{host}/db?password={quote(pw, safe='')}",
    lambda scheme, user, host, path, pw: f"host={host} user={user or 'u'} password={_quoted(pw)}",
    lambda scheme, user, host, path, pw: f"password = {_quoted(pw)} dbname=db sslpassword='x'",
]


@given(
    st.sampled_from(SHAPES), SCHEMES, USERS, HOSTS, PATHS, PASSWORDS, PASSWORDS.filter(str.strip)
)
def test_the_redacted_url_never_depends_on_the_password(
    shape, scheme: str, user: str, host: str, path: str, password: str, other: str
) -> None:  # type: ignore[no-untyped-def]
    shown = redact(shape(scheme, user, host, path, password))
    assert shown == redact(shape(scheme, user, host, path, other))
    assert HIDDEN in shown


@given(st.sampled_from(SHAPES), SCHEMES, USERS, HOSTS, PATHS, PASSWORDS)
def test_a_driver_message_quoting_url_and_password_keeps_neither(
    shape, scheme: str, user: str, host: str, path: str, password: str
) -> None:  # type: ignore[no-untyped-def]
    assume("*" not in password)  # the mask itself is made of stars
    url = shape(scheme, user, host, path, password)
    message = scrub(f'cannot parse "{url}": bad value "{password}" near {password[:1]}', url)
    assert password not in message and quote(password, safe="") not in message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cretpw@127.0.0.1:1/0", "redis://:***@127.0.0.1:1/0"),
        ("postgresql://user:pw@host:1/db", "postgresql://user:***@host:1/db"),
        ("host=h port=1 password=pw user=u", "host=h port=1 password=*** user=u"),
        ("host=h password s3cret", "host=h *** ***"),  # malformed: every word after it
        ("redis://:p@ss/w?rd@h/0", "redis://:***@h/0"),  # unencoded @ / ?
        ("postgresql://u@h/db?password=x&port=1", "postgresql://u@h/db?password=***&port=1"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),  # nothing to hide
        ("nonsense", "nonsense"),  # not a URL at all: shown as typed, for the error line
        ("host=h  dbname=d extra words", "host=h  dbname=d extra words"),
        ("postgresql://postgres@127.0.0.1/db", "postgresql://postgres@127.0.0.1/db"),
    ],
)
def test_redaction_examples(url: str, shown: str) -> None:
    assert redact(url) == shown


URLS = st.sampled_from(
    [
        "postgresql://u:pw@127.0.0.1:5432/db",
        "postgresql://u@h/db?sslmode=disable",
        "redis://:pw@127.0.0.1:6379/0#frag",
        "host=127.0.0.1 port=5432 password='a timeout=1 b'",
        "",
    ]
)
SECONDS = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(URLS, SECONDS, SECONDS)
def test_with_timeout_is_read_back_by_split_timeout(url: str, first: float, second: float) -> None:
    assert split_timeout(with_timeout(url, first)) == (url, first)
    assert split_timeout(with_timeout(with_timeout(url, first), second)) == (url, second)


def test_a_url_without_timeout_gets_the_default_and_is_left_alone() -> None:
    for url in ("postgresql://u@h/db?sslmode=disable", "host=h password='x timeout=3'"):
        assert split_timeout(url) == (url, DEFAULT_TIMEOUT_S)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", ""])
def test_a_timeout_that_is_not_positive_seconds_is_refused(value: str) -> None:
    for url in (f"postgresql://u@h/db?timeout={value}", f"host=h timeout={value}"):
        with pytest.raises(ValueError, match="expected a number of seconds above 0"):
            split_timeout(url)


def test_a_strategy_row_never_shows_its_servers_password() -> None:
    from vacancy_cli.model.strategies import Servers, parse_strategy

    row = parse_strategy("postgres-naive", Servers(postgres="postgresql://u:s3cretpw@h:1/db"))
    assert row.url is not None and "s3cretpw" in row.url  # the driver still gets it
    assert "s3cretpw" not in repr(row) and "s3cretpw" not in str(row)
    assert repr(row).startswith("Strategy(name='postgres-naive'")
