"""``newskg build --quiet`` drew the progress bar on a terminal: the CLI set ``bar.is_hidden``,
a name the locked click does not read (it reads ``hidden``), so the bar was hidden only where
click hides it anyway, off a terminal. Replayed under a real pseudo-terminal on a copy of the
bundled corpus: with --quiet nothing of the bar reaches the terminal; without it, it does
(the control, so the test cannot pass because the bar is never drawn). The bar is now one
per stage (newskg.cli.progress); tests/cli/test_progress.py checks what it draws."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BAR_LABEL = "reading "  # the first stage's bar (newskg.cli.progress.bar_line) starts so


def build_on_a_terminal(tmp_path: Path, *extra: str) -> tuple[int, str]:
    """Run ``newskg build`` with stdout and stderr on a pseudo-terminal; its exit code and
    everything it wrote there."""
    articles = tmp_path / "articles"
    shutil.copytree(ROOT / "articles", articles)
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newskg.cli",
            "build",
            "--articles",
            str(articles),
            "--store",
            str(tmp_path / "store"),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def test_quiet_build_draws_no_progress_bar(tmp_path: Path) -> None:
    code, output = build_on_a_terminal(tmp_path, "--quiet")
    assert code == 0, output
    assert "published version" in output, output
    assert BAR_LABEL not in output and "reading:" not in output, output


def test_build_draws_the_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    code, output = build_on_a_terminal(tmp_path)
    assert code == 0, output
    assert BAR_LABEL in output and "reading: 2 articles in " in output, output
