"""Fixtures shared by all tests, in the style of Flask's tutorial (flaskr).

``store_dir``       a fresh store directory per test with ``fixtures/mini.trig`` published
``publish_version`` a function publishing another version into a store directory
``app``             ``create_app`` on ``store_dir`` with ``TESTING``
``client``          ``app.test_client()``
``runner``          ``app.test_cli_runner()``

Keep this file to fixtures most test modules need; put narrower ones next to their tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from newskg.store import Version, publish, writing
from server import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini.trig"

PublishVersion = Callable[..., Version]


def _publish_version(store_dir: Path, trig: str | bytes | Path = MINI, extra: str = "") -> Version:
    """Build a version from TriG (a file, or its text) plus ``extra`` TriG, and publish it."""
    data = trig.read_bytes() if isinstance(trig, Path) else (
        trig.encode("utf-8") if isinstance(trig, str) else trig
    )
    data += extra.encode("utf-8")
    quads = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TRIG))
    with writing(store_dir) as writer:
        writer.store.bulk_extend(quads)
        version = writer.finish(hashlib.sha256(data).hexdigest(), {"triples": len(quads)})
    publish(store_dir, version)
    return version


@pytest.fixture
def publish_version() -> PublishVersion:
    """``publish_version(store_dir, trig=MINI, extra="")`` publishes a new version."""
    return _publish_version


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store directory whose published version holds ``fixtures/mini.trig``."""
    path = tmp_path / "store"
    _publish_version(path)
    return path


@pytest.fixture
def app(store_dir: Path) -> Flask:
    return create_app({"STORE": str(store_dir), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
