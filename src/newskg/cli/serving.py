"""``newskg serve``: the one command line of the server.

``python -m newskg.serve`` runs this very command (same options, same exit codes), and
:mod:`newskg.serve` runs Granian and its workers. Every option is a setting of
:mod:`newskg.settings`.
"""

from __future__ import annotations

from typing import Any

import click

from newskg.cli.exit_codes import Command
from newskg.cli.options import setting_option


@click.command(cls=Command, context_settings={"help_option_names": ["-h", "--help"]})
@setting_option("store")
@setting_option("host")
@setting_option("port")
@setting_option("workers")
@setting_option("query_timeout")
@setting_option("max_rows")
@setting_option("max_query_bytes")
@setting_option("cors_origins")
@setting_option("cache_dir")
@setting_option("cache_bytes")
@setting_option("ingest_token")
@setting_option("ingest_max_bytes")
@setting_option("throttle_query_seconds")
@setting_option("throttle_window")
@setting_option("trusted_proxies")
@setting_option("client_queries")
@setting_option("query_wait")
@setting_option("idle_timeout")
@setting_option("max_connections")
@setting_option("query_memory")
@setting_option("query_lane")
def serve(**options: Any) -> None:
    """Serve the published version: SPARQL at /sparql, pages at /, with Granian."""
    from newskg import serve as serving

    # A StoreError (nothing published) or a ServeError (address in use …) exits 2.
    serving.run({key.upper(): value for key, value in options.items()})
