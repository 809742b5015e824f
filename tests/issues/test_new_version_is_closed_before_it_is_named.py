"""Regression: a new version's store still referenced elsewhere in the process (a frame kept
alive by a reference cycle) stayed open after ``finish``; RocksDB went on compacting after the
version's file manifest was taken, so the version was published "damaged" and the next add
refused to start from it. ``finish`` now closes the store or refuses to name the version."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from newskg.backends import versions as store

QUAD = pyoxigraph.Quad(
    pyoxigraph.NamedNode("http://example.org/s"),
    pyoxigraph.NamedNode("http://example.org/p"),
    pyoxigraph.Literal("o"),
    pyoxigraph.NamedNode("http://example.org/g"),
)


def test_a_store_held_elsewhere_is_not_named_and_nothing_is_published(tmp_path: Path) -> None:
    with (
        pytest.raises(store.StoreError, match="still open elsewhere"),
        store.writing(tmp_path / "store") as writer,
    ):
        held = writer.store  # e.g. a frame that outlives the check that read it
        held.add(QUAD)
        writer.finish("0" * 64, {})
    assert store.published(tmp_path / "store") is None
    assert store.versions(tmp_path / "store") == []
    del held


def test_a_store_held_only_by_a_reference_cycle_is_closed_and_the_version_intact(
    tmp_path: Path,
) -> None:
    with store.writing(tmp_path / "store") as writer:
        cycle: list[object] = [writer.store]
        cycle.append(cycle)  # freed only by the garbage collector
        del cycle
        writer.store.add(QUAD)
        version = writer.finish("0" * 64, {})
        store.publish(tmp_path / "store", version)
    assert store.file_problems(version, digests=True) == []
    assert len(store.open_version(version)) == 1
