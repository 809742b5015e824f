"""Replays the 5xx of issue 11 on page numbers: ``?page=`` of 2^64 or more on resource and
graph pages answered 500 with a traceback (the number reached the store's 64-bit OFFSET),
and text that is not a number silently meant page 1. Every number taken from a request is
now checked in one place (:mod:`newskg.web.http.numbers`): ASCII digits from 1 to ``MAX_PAGE``,
else 400 in the one error shape, naming the parameter."""

from __future__ import annotations

import json
import urllib.parse

from newskg.web.http.numbers import MAX_PAGE
from tests.ops.raw_http import exchange

# Every page parameter, on a page of each kind that has one (tests/fixtures/mini.trig).
PAGED = [
    "/actors?page=",
    "/events?page=",
    "/id/actor/hassan-nasrallah?page=",
    "/id/actor/hassan-nasrallah?facts=",
    "/graph/a1?page=",
]
REFUSED = [
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(2**64 + 1),
    "1" + "0" * 4300,
    "-1",
    "0",
    "1e309",
    " 1",
    "1 ",
    "+1",
    "0x10",
    "1_0",
    "1.0",
    "\u0661\u0662",
    "\u00b2",
    "NaN",
    "inf",
    "abc",
    str(MAX_PAGE + 1),
]
# The page in HTML (the one representation with pages), an error in JSON.
ERROR_AS_JSON = {"Accept": "text/html;q=0.5, application/json"}
SERVED = ["1", "2", "0001", str(MAX_PAGE), ""]


def test_page_numbers_are_range_checked(live_server: str) -> None:
    for path in PAGED:
        _check(live_server, path)


def _check(live_server: str, path: str) -> None:
    name = path.rsplit("?", 1)[1].rstrip("=")
    for value in REFUSED:
        reply = exchange(live_server, "GET", path + urllib.parse.quote(value), ERROR_AS_JSON)
        assert reply.status == 400, (value[:20], reply.status, reply.body[:300])
        error = json.loads(reply.body)["error"]
        assert error["message"].startswith(f"{name} must be a whole number from 1 to ")
        assert error["hint"]
    for value in SERVED:  # past the last page: an empty page, as before
        reply = exchange(live_server, "GET", path + value, {"Accept": "text/html"})
        assert reply.status == 200, (value, reply.body[:300])
