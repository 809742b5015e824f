"""Replays the quadratic-lexer attack of issue 11: a query of a long run of one character
class (``'1' * 100_000``) made the regex lexer of :mod:`newskg.sparql.lexer` retry its
prefixed-name pattern across the whole run at every position of it: about 70 s of CPU for
100 KB on a web thread, before throttling; eight 25 KB queries left ``/healthz`` unanswered
for 46 s. The scanner now reads each character a bounded number of times."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from newskg.sparql.lexer import _readings, keywords, point_lookup
from tests.issues.linear import SIZE, assert_linear, run_of
from tests.ops.raw_http import exchange

# One unit per token class, repeated: digits, names, variables, prefixed names, a ``<``
# with no ``>``, unterminated strings of each quote, comments, escapes, colons, and mixes.
UNITS = {
    "digits": "1",
    "letters": "a",
    "variable-marks": "?",
    "variables": "?a",
    "dollars": "$1",
    "prefixed-name-chars": "a.b-c",
    "name-dots": "a.",
    "colons": ":",
    "prefixed-names": "a:",
    "less-than": "<",
    "less-than-name": "<a",
    "single-quote": "'",
    "double-quote": '"',
    "long-single-quote": "'''",
    "long-double-quote": '"""',
    "escaped-quotes": "'\\'",
    "escaped-backslashes": '"\\\\',
    "hash": "#",
    "backslash": "\\",
    "uchar": "<\\u0041",
    "comparison": "(1<'",
    "unsure-less-than": "(1<'>#",
    "mixed": "a1:?<'#\\\"",
    "digits-and-dots": "1.",
}


@pytest.mark.parametrize("unit", UNITS.values(), ids=UNITS.keys())
def test_a_100_kb_run_of_one_class_lexes_at_once(unit: str) -> None:
    query = run_of(unit)
    _readings.cache_clear()
    assert_linear(lambda: (list(keywords(query)), point_lookup(query)), unit)


def test_the_server_stays_responsive_under_long_runs(live_server: str) -> None:
    """Eight 25 KB runs of digits at once (the attack) and a 100 KB one: every answer comes
    quickly (a syntax error; a 429 past the per-client bound, or a 503 when every query
    process is busy: the server's answers to load, not to the lexer), and ``/healthz``
    stays answered meanwhile."""

    def post(query: str) -> tuple[int, float]:
        started = time.monotonic()
        reply = exchange(
            live_server,
            "POST",
            "/sparql",
            {"Content-Type": "application/sparql-query"},
            query.encode(),
        )
        return reply.status, time.monotonic() - started

    with ThreadPoolExecutor(9) as pool:
        attacks = [pool.submit(post, "1" * 25_000) for _ in range(8)]
        attacks.append(pool.submit(post, "1" * SIZE))
        started = time.monotonic()
        health = exchange(live_server, "GET", "/healthz")
        health_seconds = time.monotonic() - started
        answers = [attack.result() for attack in attacks]
    assert health.status == 200 and health_seconds < 10  # it was 46 s
    for status, seconds in answers:
        assert status in (400, 429, 503) and seconds < 10
