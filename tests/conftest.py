"""Fixtures shared by all tests, in the style of Flask's tutorial (flaskr).

``store_dir``       a fresh store directory per test with ``fixtures/mini.trig`` published
``publish_version`` a function publishing another version into a store directory
``app``             ``create_app`` on ``store_dir`` with ``TESTING``
``client``          ``app.test_client()``
``runner``          ``app.test_cli_runner()``
``start_server``    a function starting a real server process (Granian) on a free port
``live_server``     ``python -m newskg.serve`` (2 workers) on ``store_dir``; its base URL
``corpus_build``    the bundled corpus built once per session with the real ``newskg build``
                    (its output and store); tests only read it
``listener``        a TCP listener on loopback that a SERVICE or LOAD would have to connect to;
                    ``assert_no_connection(sock)`` fails if anything did

Keep this file to fixtures most test modules need; put narrower ones next to their tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from newskg.backends.versions import Version, publish, writing
from newskg.web import create_app

# Fixtures of helper modules that several test folders use.
pytest_plugins = ["tests.ops.proxy"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini.trig"

PublishVersion = Callable[..., Version]


def publish_mini(store_dir: Path, trig: str | bytes | Path = MINI, extra: str = "") -> Version:
    """Build a version from TriG (a file, or its text) plus ``extra`` TriG, and publish it."""
    data = (
        trig.read_bytes()
        if isinstance(trig, Path)
        else (trig.encode("utf-8") if isinstance(trig, str) else trig)
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
    return publish_mini


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store directory whose published version holds ``fixtures/mini.trig``."""
    path = tmp_path / "store"
    publish_mini(path)
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


ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30
StartServer = Callable[..., str]


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(
    *args: str | Path, workdir: Path, port: int | None = None, cwd: Path = ROOT
) -> Iterator[str]:
    """Run ``python -m <args> --host 127.0.0.1 --port N --cache-dir …`` (for example
    ``"newskg.cli", "serve", "--store", dir``) in ``cwd`` until the block ends; yields
    ``http://127.0.0.1:N`` once ``/healthz`` answers. Its log and cache go to ``workdir``
    (the cache unless ``args`` name one). ``port``: N (a store whose IRIs were minted for
    it), else a free one."""
    port = port or free_port()
    cache = [] if "--cache-dir" in args else ["--cache-dir", str(workdir / f"cache-{port}")]
    log_path = workdir / f"server-{port}.log"
    # Settings come from the command line only: NEWSKG_* (or a metrics directory) in the
    # caller's environment must not point the server somewhere else.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NEWSKG_") and k != "PROMETHEUS_MULTIPROC_DIR"
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                *map(str, args),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *cache,
            ],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: master and workers stop together
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log_path)
        yield base
    finally:
        stop_group(process)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """``start_server(*args)`` starts a server as :func:`running_server` does and returns its
    base URL; every server started is stopped after the test."""
    with contextlib.ExitStack() as servers:
        yield lambda *args, **options: servers.enter_context(
            running_server(*args, workdir=tmp_path, **options)
        )


@pytest.fixture
def live_server(start_server: StartServer, store_dir: Path) -> str:
    """Serve ``store_dir`` with Granian (2 workers) on a free port; yields the base URL."""
    return start_server("newskg.serve", "--store", store_dir, "--workers", "2")


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"server did not answer /healthz in {STARTUP_SECONDS} s:\n{log.read_text()}")


def stop_group(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM the process group of ``process`` (started with ``start_new_session``: Granian
    stops its workers gracefully), then SIGKILL the group if it has not exited in ``grace``
    seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@dataclass(frozen=True)
class CorpusBuild:
    store: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> CorpusBuild:
    """``newskg build`` of articles/ into a fresh store, once for the whole run."""
    store = tmp_path_factory.mktemp("corpus") / "store"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newskg.cli",
            "build",
            "--articles",
            ROOT / "articles",
            "--store",
            store,
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return CorpusBuild(store, result.stdout, result.stderr)


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A TCP listener on loopback that a SERVICE or LOAD would have to connect to: the socket
    and its port (see :func:`assert_no_connection`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    try:
        yield sock, sock.getsockname()[1]
    finally:
        sock.close()


def assert_no_connection(sock: socket.socket) -> None:
    """Fail if anything connected to the :func:`listener` socket (it waits half a second)."""
    with pytest.raises(TimeoutError):
        connection, peer = sock.accept()
        connection.close()
        pytest.fail(f"something connected to the listener from {peer}")
