"""``python -m tests.browser.serve_plain --store DIR --host H --port N [--cache-dir D]``:
the real server
(Granian, as ``newskg serve``) with YASGUI turned off, as on a machine without npm.

The browser tests start it through the ``start_server`` fixture to check that the query page
is still a working HTML form when the YASGUI files are absent.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Serve ``--store`` on ``--host``/``--port`` with ``YASGUI`` set to False."""
    from newskg.serve import run

    parser = argparse.ArgumentParser(prog="python -m tests.browser.serve_plain")
    parser.add_argument("--store", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cache-dir", default="")
    args = parser.parse_args(argv)
    run(
        {
            "STORE": args.store,
            "HOST": args.host,
            "PORT": args.port,
            "WORKERS": 1,
            "CACHE_DIR": args.cache_dir,
            "YASGUI": False,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
