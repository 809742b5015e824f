"""Fixtures of the live page tests: the bundled corpus built once per module and a server on
it (see :mod:`tests.web.corpus`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import running_server
from tests.web import corpus


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.build(tmp_path_factory.mktemp("corpus") / "store")


@pytest.fixture(scope="module")
def corpus_server(corpus_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("corpus-server")
    with running_server(
        "newskg.serve", "--store", corpus_store, "--workers", "1", workdir=workdir
    ) as url:
        yield url
