"""Speaking to a real newskg server over HTTP for the protocol tests of issue 15
(``test_protocol_clients.py``, ``test_protocol_base_and_dataset.py``,
``test_protocol_as_oxigraph.py``): one server on the mini dataset per module, and requests
whose status is returned, never raised."""

from __future__ import annotations

import contextlib
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

from rdflib.query import Result

from tests.conftest import publish_mini, running_server
from tests.web.mini import A1_LABELS, A2_LABELS

# The union default graph: Nasrallah's label is in both graphs, so it is two rows.
UNION_ROWS = sorted([*A1_LABELS, *A2_LABELS])
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


@contextlib.contextmanager
def mini_server(tmp: Path, workers: int = 1) -> Iterator[str]:
    """A real server (Granian) on the mini dataset; yields its base URL."""
    store_dir = tmp / "store"
    publish_mini(store_dir)
    with running_server(
        "newskg.serve", "--store", store_dir, "--workers", str(workers), workdir=tmp
    ) as base:
        yield base


class Reply:
    def __init__(self, status: int, headers: Message, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def media_type(self) -> str:
        return self.headers.get_content_type()

    def rows(self, fmt: str = "json") -> list[tuple[str, ...]]:
        assert self.status == 200, self.body
        result = Result.parse(io.BytesIO(self.body), format=fmt)
        return sorted(tuple(str(row[v]) for v in result.vars) for row in result)

    def error(self) -> dict[str, object]:
        """The error shape's ``error`` object."""
        assert self.media_type == "application/json", self.body
        found: dict[str, object] = json.loads(self.body)["error"]
        return found

    def message(self) -> str:
        return str(self.error()["message"])


def http(
    server: str,
    pairs: list[tuple[str, str]],
    *,
    accept: str | None = None,
    post: bool = False,
) -> Reply:
    """GET ``/sparql?pairs`` or POST them as a form; any status is returned, not raised."""
    encoded = urllib.parse.urlencode(pairs)
    headers = {"Accept": accept} if accept else {}
    if post:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            server + "/sparql", data=encoded.encode(), headers=headers, method="POST"
        )
    else:
        request = urllib.request.Request(server + "/sparql?" + encoded, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.headers, exc.read())
