"""A new user's first run (issue 15): ``newskg serve --store var/store`` run from the folder
that holds ``var/`` (what ``make run`` does), not from the package's. Every configured path
is made absolute once, at start-up, against the directory the command runs in: a dump
download used to be resolved against the package folder, and answered 500."""

from __future__ import annotations

import hashlib
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newskg import settings
from newskg.publishing.dumps import write_dumps
from tests.conftest import publish_mini, running_server

pytestmark = pytest.mark.slow


def test_dumps_download_with_a_relative_store(tmp_path: Path) -> None:
    store_dir = tmp_path / "var" / "store"
    publish_mini(store_dir)
    files = write_dumps(store_dir)
    assert files, "no dumps were written"
    relative = ["--store", "var/store", "--cache-dir", "var/cache", "--workers", "1"]
    serve = ("newskg.cli", "serve", *relative)
    with running_server(*serve, workdir=tmp_path, cwd=tmp_path) as base:
        with urllib.request.urlopen(base + "/dumps/", timeout=20) as response:
            listing = response.read().decode()
        for item in files:
            assert item.name in listing
            with urllib.request.urlopen(f"{base}/dumps/{item.name}", timeout=20) as response:
                assert response.status == 200
                assert hashlib.sha256(response.read()).hexdigest() == item.sha256, item.name
        with urllib.request.urlopen(base + "/dumps/SHA256SUMS", timeout=20) as response:
            assert response.read().decode() == (store_dir.parent / "store").joinpath(
                "dumps", files[0].path.parent.name, "SHA256SUMS"
            ).read_text(encoding="utf-8")
        count = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
        request = urllib.request.Request(f"{base}/sparql?{count}", headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=20) as response:
            # mini.trig's 45 quads: the union default graph has a triple once per graph
            assert response.read().decode().split() == ["n", "45"]
    # the answer cache went to the relative folder given, in the directory the server ran in
    assert any((tmp_path / "var" / "cache").iterdir())


def test_paths_are_made_absolute_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    resolved = settings.resolve(
        {"STORE": "var/store", "ARTICLES": "news", "CACHE_DIR": "cache"}, environ={}
    )
    assert resolved["STORE"] == str(tmp_path / "var" / "store")
    assert resolved["ARTICLES"] == str(tmp_path / "news")
    assert resolved["CACHE_DIR"] == str(tmp_path / "cache")
    # a triple store's URL and an empty cache setting (the default folder) stay as they are
    remote = settings.resolve({"STORE": "sparql+http://127.0.0.1:1/x"}, environ={})
    assert remote["STORE"] == "sparql+http://127.0.0.1:1/x" and remote["CACHE_DIR"] == ""
    # the environment's relative paths too
    from_env = settings.resolve(environ={"NEWSKG_STORE": "s"})
    assert from_env["STORE"] == str(tmp_path / "s")
