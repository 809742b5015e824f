"""Places in flight shared by processes and threads (:mod:`newskg.web.http.places`)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newskg.web.http.places import SIZE, Places
from tests.conftest import ROOT

TAKER = """
import sys, threading
from pathlib import Path
from newskg.web.http.places import Places
places = Places(Path(sys.argv[1]))
taken = []
def take():
    for _ in range(50):
        place = places.begin("shared", limit=3)
        if place is not None:
            taken.append(place)
threads = [threading.Thread(target=take) for _ in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
print(len(taken), flush=True)
sys.stdin.read()  # holds its places until the test has every count: a dead pid's are freed
"""


def test_no_more_places_than_the_limit_across_processes_and_threads(tmp_path: Path) -> None:
    path = tmp_path / "places"
    Places(path).close()
    # Four processes of four threads, each asking 50 times and never giving a place back:
    # three places in all, whoever asks, so no two ever both took the last one. Each
    # process lives until all have counted: a process that exits gives its places back.
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", TAKER, str(path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        taken = [int(run.stdout.readline()) for run in runs if run.stdout is not None]
    finally:
        for run in runs:
            run.communicate(timeout=120)  # closes its stdin: it exits
    assert sum(taken) == 3, taken


def test_clients_do_not_share_places(tmp_path: Path) -> None:
    places = Places(tmp_path / "places")
    held = [places.begin(f"198.51.100.{n}", limit=1, now=0.0) for n in range(200)]
    assert None not in held and len(set(held)) == 200
    assert all(places.in_flight(f"198.51.100.{n}") == 1 for n in range(200))
    assert places.begin("198.51.100.7", limit=1) is None
    for place in held:
        places.end(place)
    assert places.in_flight("198.51.100.7") == 0
    places.close()


def test_running_time_adds_up_the_clients_places(tmp_path: Path) -> None:
    places = Places(tmp_path / "places")
    places.begin("a", limit=5, now=10.0)
    places.begin("a", limit=5, now=12.0)
    places.begin("b", limit=5, now=0.0)
    assert places.running("a", now=13.0) == pytest.approx(3.0 + 1.0)
    assert places.running("nobody", now=13.0) == 0.0
    places.close()


def test_threads_of_one_worker_take_turns(tmp_path: Path) -> None:
    places = Places(tmp_path / "places")
    got: list[int | None] = []
    threads = [
        threading.Thread(target=lambda: got.append(places.begin("c", limit=2))) for _ in range(16)
    ]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(x is None for x in got) == [False] * 2 + [True] * 14
    places.close()


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places"
    path.write_bytes(b"x" * SIZE)
    with pytest.raises(OSError, match="not a file of newskg's places"):
        Places(path)
