"""Request bodies received under bounds, so slow senders cannot hold all the server's threads.

Granian calls the app as soon as a request's headers are in; reading ``wsgi.input`` then
blocks a web thread (32 per worker) until the body arrives, and Granian 2.8 has no body-read
timeout. A client sending one byte every few seconds on eight connections held every thread
of a 2-worker server: ``/healthz`` went unanswered for 60 s. So this WSGI middleware, the
outermost layer of the app, receives every body before the app sees the request:

- at most ``READERS`` bodies at once per worker, fewer than its web threads, so one web
  thread is always free for ``/healthz``, pages and GET queries; with none free for
  ``READER_WAIT`` seconds, 503;
- holding one of the client's ``CLIENT_QUERIES`` places in flight (:mod:`newskg.web.http.throttle`,
  about 40 µs), so one client receives at most that many bodies at once (one more: 429 at
  once);
- nothing bounds how long a body takes in-process: Granian's ``read(n)`` returns only when
  ``n`` bytes are in (measured: a body trickling one byte per 2 s gave no partial read to
  check a deadline between), and it has no timeout of its own (granian issue #728, closed
  as "won't fix"). The bounds above keep the damage to the trickling client's own places;
  a time bound needs a proxy in front (see docs/operations.md, Behind a reverse proxy).

Why not a reader thread that the request thread stops waiting for at the deadline: measured
on Granian 2.8.7, answering while another thread is blocked in ``wsgi.input.read`` froze the
whole worker (``/healthz`` too) until the client hung up.

A body larger than the app accepts is not read at all: the app answers 413 from its
Content-Length. The app then reads the body from memory (``io.BytesIO``), as it would have.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from newskg.web.http import metrics, throttle
from newskg.web.http.budgets import Budgets
from newskg.web.http.errors import APIError

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
READERS = 3  # bodies received at once per worker, of its 32 web threads (newskg.serve)
# Most seconds a body waits for a reader: a sound body is read in well under a millisecond
# once the request is here, so this only smooths bursts of POSTs; it is short because a
# request waiting here holds a web thread (while trickling bodies hold every reader).
READER_WAIT = 0.02
CHUNK = 64 * 1024
PROBLEM = "newskg.body_problem"  # the environ key the app's hook raises from


class BoundedBody:
    """``BoundedBody(app.wsgi_app, app)``: every request body received (see the module
    docstring) before ``app`` is called."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask) -> None:
        config = app.config
        self.wsgi_app = wsgi_app
        # The largest body any route accepts (the ingest API's): more is the app's 413.
        self.largest = max(int(config["MAX_CONTENT_LENGTH"]), int(config["INGEST_MAX_BYTES"]))
        self.budgets: Budgets | None = app.extensions.get(throttle.EXTENSION)
        self.per_client = int(config["CLIENT_QUERIES"])
        self.proxies = config["TRUSTED_PROXY_NETWORKS"]
        self.free = threading.BoundedSemaphore(READERS)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH", "")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        wanted = int(length) if length.isdigit() else (self.largest + 1 if chunked else 0)
        if 0 < wanted <= self.largest + (1 if chunked else 0):
            try:
                body = self._receive(environ, wanted)
            except APIError as problem:
                environ[PROBLEM] = problem
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.wsgi_app(environ, start_response)

    def _receive(self, environ: dict[str, Any], wanted: int) -> bytes:
        """The body (at most ``wanted`` bytes), or APIError 429/503."""
        if not self.free.acquire(timeout=READER_WAIT):
            metrics.BUSY.inc()
            raise APIError(
                503,
                "the server is receiving as many request bodies as it can; this one was not read",
                "Try again after Retry-After seconds.",
                headers={"Retry-After": "2"},
            )
        try:
            with throttle.in_flight(
                self.budgets, throttle.requester(environ, self.proxies), self.per_client
            ):
                return self._read(environ["wsgi.input"], wanted)
        finally:
            self.free.release()

    @staticmethod
    def _read(stream: Any, wanted: int) -> bytes:
        received = bytearray()
        while len(received) < wanted:
            try:
                chunk = stream.read(min(CHUNK, wanted - len(received)))
            except (OSError, RuntimeError) as exc:  # the client went away mid-body
                log.info("request body not received: %s", exc)
                break
            if not chunk:
                break
            received += chunk
        return bytes(received)


def _raise_problem() -> None:
    from flask import request

    problem = request.environ.get(PROBLEM)
    if problem is not None:
        raise problem


def install(app: Flask) -> None:
    """Receive ``app``'s request bodies with a deadline (see the module docstring)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_problem)
    app.wsgi_app = BoundedBody(app.wsgi_app, app)  # type: ignore[method-assign]
