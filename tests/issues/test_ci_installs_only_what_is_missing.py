"""Regression: ``.ci/run`` asked apt for every system package whenever one was missing, and
on a machine whose Node.js brings its own npm (NodeSource) apt refused the whole list
("nodejs : Conflicts: npm"), so CI ran no test. It now asks only for what is missing.

The script runs for real; ``apt-get`` and ``make`` are stand-ins on its PATH that record
their arguments (installing packages is not a test's business)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _stub(bin_dir: Path, name: str, log: Path) -> None:
    script = bin_dir / name
    script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
    script.chmod(0o755)


def test_present_npm_is_not_asked_of_apt(tmp_path: Path) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for name in ("apt-get", "make", "npm"):  # npm present, as NodeSource installs it
        _stub(bin_dir, name, log)
    dirname = shutil.which("dirname")
    assert dirname is not None
    (bin_dir / "dirname").symlink_to(dirname)
    env = {**os.environ, "PATH": str(bin_dir)}
    done = subprocess.run(
        ["/bin/bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    install = next(c.split() for c in calls if c.startswith("apt-get install"))
    assert "npm" not in install
    assert {"chromium", "chromium-driver"} <= set(install)
    assert calls[-1] == "make test"
