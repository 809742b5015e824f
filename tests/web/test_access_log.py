"""The access log (:mod:`newskg.web.http.access_log`): one Common Log Format line per request, whose
path cannot forge other lines."""

from __future__ import annotations

import contextlib
import os
import re
from typing import Any

import pytest

from newskg.web.http.access_log import AccessLog

LINE = re.compile(
    rb'^(\S+) - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "([^"]*)" (\d{3}|-) '
    rb"(\d+|-) (\d+\.\d{3})ms\n$"
)


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("boom")
    start_response("404 NOT FOUND", [("content-type", "text/plain"), ("Content-Length", "3")])
    return [b"no\n"]


def logged(path: str, method: str = "GET") -> bytes:
    read, write = os.pipe()
    try:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.7",
            "QUERY_STRING": "query=secret",
        }
        with contextlib.suppress(RuntimeError):  # the app's, passed on after the line
            AccessLog(app, write)(environ, lambda status, headers, *exc: None)
        return os.read(read, 65536)
    finally:
        os.close(read)
        os.close(write)


def test_a_line_per_request() -> None:
    match = LINE.match(logged("/id/actor/x"))
    assert match is not None
    assert match[1] == b"192.0.2.7" and match[3] == b"GET /id/actor/x HTTP/1.1"
    assert (match[4], match[5]) == (b"404", b"3")  # header names in any case


def test_the_query_string_is_not_logged() -> None:
    assert b"secret" not in logged("/sparql")


@pytest.mark.parametrize(
    "path", ["/id/\nforged 200", '/id/"quoted"', "/id/\x1b[31mred", "/id/caf\xc3\xa9"]
)  # WSGI strings: bytes as Latin-1
def test_paths_cannot_forge_lines(path: str) -> None:
    line = logged(path)
    assert LINE.match(line) is not None and line.count(b"\n") == 1
    assert b"\x1b" not in line and b'"quoted"' not in line


def test_a_failing_app_is_logged_too() -> None:
    match = LINE.match(logged("/boom"))
    assert match is not None and (match[4], match[5]) == (b"-", b"-")
