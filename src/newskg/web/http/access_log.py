"""The access log: one line per request on standard error, in the Common Log Format plus the
time the app took, for example::

    127.0.0.1 - - [21/Nov/2026:09:45:10 +0000] "POST /sparql HTTP/1.1" 200 482 0.834ms

Written with one ``os.write`` per line. Through the ``logging`` module (a record, a
formatter, the handler's lock, a flush) a line cost about a tenth of a millisecond, as
much as answering a point lookup. The path is logged without its query string (queries can
be kilobytes long and are the client's business), and bytes a terminal would act on are
escaped, so a request cannot forge log lines.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_UNSAFE = re.compile(rb'[\x00-\x1f\x7f-\xff"\\]')


def _escaped(text: str) -> bytes:
    """``text`` (a WSGI string: bytes as Latin-1) with control, quote and non-ASCII bytes
    as ``\\xHH``."""
    raw = text.encode("latin-1", "replace")
    return _UNSAFE.sub(lambda m: b"\\x%02x" % m[0][0], raw)


class AccessLog:
    """WSGI middleware writing a line per request of ``app`` to the file descriptor ``fd``."""

    def __init__(self, app: WSGIApp, fd: int = 2) -> None:
        self.app = app
        self.fd = fd
        self._second = -1
        self._stamp = b""

    def _now(self) -> bytes:
        second = int(time.time())
        if second != self._second:  # formatted once a second, not once a request
            self._stamp = time.strftime("[%d/%b/%Y:%H:%M:%S +0000]", time.gmtime(second)).encode()
            self._second = second
        return self._stamp

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        seen = ["-", "-"]  # status, Content-Length

        def capture(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen[0] = status.split(" ", 1)[0]
            for name, value in headers:
                if name.lower() == "content-length":
                    seen[1] = value
            return start_response(status, headers, *exc_info)

        try:
            return self.app(environ, capture)
        finally:
            line = b'%s - - %s "%s %s %s" %s %s %.3fms\n' % (
                _escaped(environ.get("REMOTE_ADDR") or "-"),
                self._now(),
                _escaped(environ.get("REQUEST_METHOD", "-")),
                _escaped(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
                _escaped(environ.get("SERVER_PROTOCOL", "-")),
                seen[0].encode(),
                seen[1].encode(),
                1000 * (time.perf_counter() - started),
            )
            with contextlib.suppress(OSError):  # a closed or full log must not fail a request
                os.write(self.fd, line)
