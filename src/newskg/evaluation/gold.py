"""Gold files: ``<article stem>.json``, what a person found in one article (the format is in
:mod:`newskg.evaluation`); :func:`load_gold` reads one or raises :class:`GoldError` naming the
file, and the line and column of a JSON error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newskg.errors import NewskgError


class GoldError(NewskgError):
    """A gold file that cannot be used: says which file and why."""


@dataclass
class GoldEntity:
    layer: str
    names: set[str]  # folded name and aliases
    name: str
    wikidata: str | None


def _require(data: Any, kind: type, where: str) -> Any:
    if not isinstance(data, kind):
        raise GoldError(f"{where}: expected {kind.__name__}")
    return data


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    _require(data, dict, str(path))
    for key in ("persons", "organizations", "places", "quotes", "events", "memberships"):
        _require(data.setdefault(key, []) or [], list, f"{path}: {key}")
    _require(data.setdefault("article", {}) or {}, dict, f"{path}: article")
    return data
