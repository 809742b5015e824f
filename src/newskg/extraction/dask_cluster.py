"""A Dask scheduler and workers on this machine, as the separate processes a real cluster
runs (``dask scheduler``, ``dask worker``): what the tests and ``bench/pipeline.py`` point
``--executor`` at, and a way to try it without a cluster.

Started from this Python (``python -m dask``), so the workers import the same newskg; all
listen on loopback only, the scheduler on a port the system picks (read back from its
scheduler file, so no other process can take it in between). Everything started is
stopped when the ``with`` block ends.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from newskg.extraction.dask_pool import CONNECT_SECONDS, ExecutorError

#: Seconds for the scheduler to write its address and for the workers to join it.
START_SECONDS = 60.0


@contextmanager
def local_cluster(workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Start a scheduler and ``workers`` worker processes of ``threads`` threads each on
    127.0.0.1; yield the executor URL (``dask://127.0.0.1:PORT``) once every worker has
    joined. Raises :class:`~newskg.extraction.dask_pool.ExecutorError` (with the end of
    their logs) when they do not start."""
    with tempfile.TemporaryDirectory(prefix="newskg-dask-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        scheduler_file = folder / "scheduler.json"
        started: list[tuple[subprocess.Popen[bytes], Path]] = []

        def start(name: str, *args: str) -> None:
            log = folder / f"{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "dask", *args],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=folder,
                )
            started.append((process, log))
            stack.callback(_stop, process)

        start(
            "scheduler",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        )
        address = _scheduler_address(scheduler_file, started)
        for n in range(workers):
            start(
                f"worker-{n}",
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--nthreads",
                str(threads),
                "--no-nanny",
                "--no-dashboard",
                "--name",
                f"newskg-local-{n}",
                "--local-directory",
                str(folder / f"worker-{n}"),
            )
        _wait_for_workers(address, workers, started)
        yield "dask://" + address.removeprefix("tcp://")


def _scheduler_address(
    scheduler_file: Path, started: list[tuple[subprocess.Popen[bytes], Path]]
) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        _check_running(started)
        try:
            return str(json.loads(scheduler_file.read_text())["address"])
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            time.sleep(0.2)  # not written yet, or half written
    raise ExecutorError(
        f"the local Dask scheduler did not start in {START_SECONDS:g} s" + _logs(started)
    )


def _wait_for_workers(
    address: str, workers: int, started: list[tuple[subprocess.Popen[bytes], Path]]
) -> None:
    import distributed

    with distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False) as client:
        try:
            client.wait_for_workers(workers, timeout=START_SECONDS)
        except TimeoutError as exc:
            raise ExecutorError(
                f"{workers} local Dask workers did not join in {START_SECONDS:g} s" + _logs(started)
            ) from exc


def _check_running(started: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    if any(process.poll() is not None for process, _ in started):
        raise ExecutorError("a local Dask process exited at start" + _logs(started))


def _logs(started: list[tuple[subprocess.Popen[bytes], Path]]) -> str:
    tails = []
    for process, log in started:
        text = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
        tails.append(f"--- {log.name} (exit {process.poll()}):\n" + "\n".join(text))
    return ":\n" + "\n".join(tails)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate (Dask processes close cleanly on SIGTERM), kill if that takes too long."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
