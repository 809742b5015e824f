"""The short lane (issue 15): a new query does not wait behind long ones for a query process.

While every regular query process runs a query that has run ``LONG_SECONDS`` or more, a new
query gets one more process (the lane) instead of waiting; the lane is bounded, and a query in
it has the same time limit as any other. Real query processes on a real store; the long
queries are stopped by killing their processes once the behaviour is seen (their own limit is
set high, so nothing here depends on how fast the machine is)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from newskg import formats
from newskg.backends import versions as store
from newskg.errors import APIError
from newskg.sparql import engine as engine_module
from newskg.sparql import query_worker
from newskg.sparql.answers import QueryRequest
from newskg.sparql.engine import Engine, QueryProcessesBusy, QueryTimeout
from newskg.sparql.query_process import QueryProcess

# Six-way cross product of every triple: minutes of work on the test store.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
HIGH = 600.0  # the long queries' time limit: they never reach it here


@pytest.fixture
def version_path(store_dir: Path) -> Path:
    return store.published(store_dir).path  # type: ignore[union-attr]


def ask(engine: Engine, path: Path, query: str, timeout: float) -> bytes:
    answer = engine.execute(
        path,
        QueryRequest(query, results_format=formats.by_name("json"), timeout=timeout, max_rows=10),
    )
    with answer.body:
        return answer.body.read()


class Long:
    """A query running on its own thread; what it ended with (an answer or an error)."""

    def __init__(self, engine: Engine, path: Path, timeout: float = HIGH) -> None:
        self.outcome: bytes | BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(engine, path, timeout))
        self.thread.start()

    def _run(self, engine: Engine, path: Path, timeout: float) -> None:
        try:
            self.outcome = ask(engine, path, RUNAWAY, timeout)
        except APIError as exc:
            self.outcome = exc


def until(condition: Callable[[], bool], longs: Sequence[Long] = ()) -> None:
    """Wait for ``condition`` (what the engine says it is doing), without a time bound of
    its own: the test's behaviour, not the machine's speed, decides when it holds. A long
    query that ends meanwhile fails the test with what it ended with (waiting on would
    never end)."""
    while not condition():
        ended = [long.outcome for long in longs if long.outcome is not None]
        if ended:
            pytest.fail(f"a long query ended before the behaviour was seen: {ended[0]!r}")
        time.sleep(0.01)


def running_long(engine: LaneEngine, count: int) -> bool:
    """Whether ``count`` queries hold regular places and all have run LONG_SECONDS."""
    with engine.lock:
        now = time.monotonic()
        ages = [now - started for started in engine.running.values()]
    return len(ages) == count and all(age >= engine_module.LONG_SECONDS for age in ages)


class LaneEngine(Engine):
    """An engine that remembers the query processes it started, so the test looks only at
    its own (not at those another test's engine is still retiring, which may vanish at any
    moment)."""

    def __init__(self) -> None:
        super().__init__(size=2, wait=HIGH, lane=1)
        self.started: list[QueryProcess] = []

    def _take(self) -> QueryProcess:
        process = super()._take()
        with self.lock:
            if process not in self.started:
                self.started.append(process)
        return process


def busy_processes(engine: LaneEngine) -> list[int]:
    """Pids of this engine's live query processes that are running a query (not idle)."""
    with engine.lock:
        idle = {id(process) for process in engine.idle}
        started = list(engine.started)
    return sorted(p.proc.pid for p in started if id(p) not in idle and p.proc.poll() is None)


@pytest.fixture
def engine() -> Iterator[LaneEngine]:
    engine = LaneEngine()
    yield engine
    for pid in busy_processes(engine):  # the long queries: stopped, not waited for
        kill(pid)
    Engine._kill_all(engine.idle, engine.spool)


def test_a_cheap_query_is_answered_while_every_process_runs_a_long_one(
    engine: LaneEngine, version_path: Path
) -> None:
    longs = [Long(engine, version_path) for _ in range(2)]
    until(lambda: running_long(engine, 2), longs)
    assert b'"value":"' in ask(engine, version_path, CHEAP, timeout=HIGH)
    # Answered while both long queries still run (their limit is ten minutes away).
    assert all(long.thread.is_alive() and long.outcome is None for long in longs)
    assert len(busy_processes(engine)) == 2
    for pid in busy_processes(engine):
        kill(pid)
    for long in longs:
        long.thread.join()
        assert isinstance(long.outcome, APIError) and long.outcome.status == 500


def test_the_lane_is_bounded(engine: LaneEngine, version_path: Path) -> None:
    """Two long regular queries and a long one in the lane: the next query waits for a
    place like any other (here: told "busy" after the engine's wait)."""
    longs = [Long(engine, version_path) for _ in range(2)]
    until(lambda: running_long(engine, 2), longs)
    longs.append(Long(engine, version_path))
    until(lambda: len(busy_processes(engine)) == 3, longs)
    engine.wait = 0.5
    with pytest.raises(QueryProcessesBusy):
        ask(engine, version_path, CHEAP, timeout=HIGH)
    assert all(long.outcome is None for long in longs)


def test_no_lane_while_a_regular_query_is_young(
    engine: LaneEngine, version_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query that has not yet run LONG_SECONDS (here: never does) likely ends soon: a new
    query waits for it instead of taking the lane."""
    monkeypatch.setattr(engine_module, "LONG_SECONDS", HIGH)
    longs = [Long(engine, version_path) for _ in range(2)]
    until(lambda: len(busy_processes(engine)) == 2, longs)
    engine.wait = 0.5
    with pytest.raises(QueryProcessesBusy):
        ask(engine, version_path, CHEAP, timeout=HIGH)
    assert len(busy_processes(engine)) == 2 and all(long.outcome is None for long in longs)


def test_the_time_limit_stops_a_runaway_in_the_lane(engine: LaneEngine, version_path: Path) -> None:
    longs = [Long(engine, version_path) for _ in range(2)]
    until(lambda: running_long(engine, 2), longs)
    with pytest.raises(QueryTimeout) as stopped:
        ask(engine, version_path, RUNAWAY, timeout=1.0)
    assert stopped.value.status == 503 and "time limit of 1 s" in stopped.value.message
    assert engine.timeouts == 1
    assert len(busy_processes(engine)) == 2  # the lane's process was killed, not kept
    # The lane is free again: the next cheap query gets it at once.
    assert b'"value":"' in ask(engine, version_path, CHEAP, timeout=HIGH)
    assert all(long.outcome is None for long in longs)


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended since it was listed
        os.kill(pid, signal.SIGKILL)


def niceness(pid: int) -> set[int]:
    """The nice values of every thread of process ``pid`` (field 19 of each task's stat);
    empty once the process has ended."""
    values: set[int] = set()
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except (FileNotFoundError, ProcessLookupError):  # /proc answers ESRCH while it exits
        return values
    for task in tasks:
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile (the
            continue  # demotion's timer): gone from the listing, or ESRCH once its file is open
        values.add(int(fields[16]))
    return values


def test_a_long_query_in_the_lane_drops_to_the_lowest_priority(
    engine: LaneEngine, version_path: Path
) -> None:
    """Query processes run below the web worker's priority; one in the lane whose query
    turns out long drops to the lowest, so the lane adds no contention for the regular
    queries (which keep theirs)."""
    longs = [Long(engine, version_path) for _ in range(2)]
    until(lambda: running_long(engine, 2), longs)
    regular = busy_processes(engine)
    until(lambda: all(niceness(pid) == {query_worker.NICENESS} for pid in regular), longs)
    longs.append(Long(engine, version_path))
    until(lambda: len(busy_processes(engine)) == 3, longs)
    (lane,) = set(busy_processes(engine)) - set(regular)
    until(lambda: niceness(lane) == {query_worker.DEMOTED_NICENESS}, longs)
    assert [niceness(pid) for pid in regular] == [{query_worker.NICENESS}] * 2
    assert all(long.outcome is None for long in longs)


def test_a_cheap_query_in_the_lane_keeps_its_process(
    engine: LaneEngine, version_path: Path
) -> None:
    """A lane query that ends before LONG_SECONDS of its own is not demoted: its process
    goes back to the pool at the regular priority, for the next query."""
    longs = [Long(engine, version_path) for _ in range(2)]
    until(lambda: running_long(engine, 2), longs)
    request = Engine.message(
        version_path,
        QueryRequest("ASK {}", results_format=formats.by_name("json"), max_rows=10, timeout=30),
        f"{engine.spool}/lane",
    )
    reply, inline = engine.run(request, HIGH)
    assert reply["ok"] and "demoted" not in reply and inline == b'{"head":{},"boolean":true}'
    (kept,) = engine.idle
    assert niceness(kept.proc.pid) == {query_worker.NICENESS}
    assert all(long.outcome is None for long in longs)
