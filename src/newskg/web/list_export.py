"""A list page as data for researchers' tools: CSV or JSON, by suffix (``/events.csv``,
``/events.json``) or ``Accept`` (``text/csv``, ``application/json``).

An export holds every row the filters keep (not one page), in the order asked, with the
columns the page shows: ``iri``, ``label``, ``date``, ``detail``, ``count``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Protocol

from flask import Response, request

#: Suffix -> media type.
EXPORTS = {"csv": "text/csv", "json": "application/json"}
COLUMNS = ("iri", "label", "date", "detail", "count")
HTML = "text/html"


class Exported(Protocol):
    """A list row (read-only: the rows are frozen)."""

    @property
    def iri(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def count(self) -> int: ...


def chosen(suffix: str | None) -> str | None:
    """The export a request asks for (a suffix of :data:`EXPORTS`), None for the HTML page:
    the suffix, else ``Accept`` (HTML when it prefers HTML, or is absent)."""
    if suffix is not None:
        return suffix
    if not request.headers.get("Accept", "").strip():
        return None
    best = request.accept_mimetypes.best_match([HTML, *EXPORTS.values()])
    return next((name for name, media in EXPORTS.items() if media == best), None)


def response(kind: str, slug: str, rows: Sequence[Exported]) -> Response:
    values = [[getattr(row, column) for column in COLUMNS] for row in rows]
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
        writer.writerow(COLUMNS)
        writer.writerows(values)
        body = out.getvalue()
    else:
        items = [dict(zip(COLUMNS, row, strict=True)) for row in values]
        body = json.dumps({"list": slug, "total": len(items), "items": items}, ensure_ascii=False)
    answer = Response(body, mimetype=EXPORTS[kind])
    answer.vary.add("Accept")
    answer.headers["Content-Disposition"] = f'inline; filename="{slug}.{kind}"'
    return answer
