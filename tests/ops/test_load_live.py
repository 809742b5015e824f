"""Load: 32 clients for 60 s against a real ``newskg serve`` (example queries, pages, dump
ranges) while a new version is published midway (``bench/load.py``, bounded by a request
cap). No request fails except documented 503s at the time limit, the new version is served
within the store check interval, and memory stays flat after warm-up."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, SECONDS, PUBLISH_AT = 32, 60, 15
# The bound: well above what 2 cores answer in 60 s (up to 1,023 req/s with 32 web threads
# per worker: the old bound of 60,000 was reached in 58.6 s).
MAX_REQUESTS = 150_000
# Growth allowed from warm-up to the end (the new version opened by every worker and query
# process is not a leak; 2-9 MiB were measured over 60 s).
RSS_GROWTH_MIB = 64


def load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_load_with_a_publish_midway(tmp_path: Path) -> None:
    load = load_module()
    f = load.run(
        clients=CLIENTS,
        seconds=SECONDS,
        publish_at=PUBLISH_AT,
        max_requests=MAX_REQUESTS,
        work=tmp_path,
    )
    assert not f.failures, f"failed requests: {f.failures}; e.g. {f.failure_examples}"
    assert f.seconds >= SECONDS and f.requests < MAX_REQUESTS
    assert {kind for kind, v in f.per_kind.items() if v["requests"] > 0} == {
        "query",
        "page",
        "dump",
    }
    assert f.p99_ms > 0
    # The publish: built during the run, served within the server's 1 s check (+ polling).
    assert f.new_version and f.new_version != f.old_version
    assert f.published_at is not None and f.published_at < SECONDS
    assert f.switched_at is not None and f.switched_at - f.published_at < 3
    assert f.etag_changed, "the same query kept its ETag across versions"
    growth = f.rss_mib["end"] - f.rss_mib["after warm-up"]
    assert growth < RSS_GROWTH_MIB, f"server memory grew by {growth:.0f} MiB: {f.rss_mib}"
