"""Where the remote is: the store URL (``sparql+http://…``), its query parameters and
:class:`Target`, what they parse to."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from newskg.backends.remote.errors import RemoteError

SCHEMES = {"sparql+http": "http", "sparql+https": "https"}
#: The store URL's own parameters and their defaults (Oxigraph server's endpoints).
PARAMETERS = {
    "query": "query",
    "update": "update",
    "gsp": "store",
    "union": "union-default-graph",
    "auth": "basic",
    "staging": "",
}


def is_remote(store_setting: str | os.PathLike[str]) -> bool:
    """Whether a ``--store`` value names a remote triple store (``sparql+http(s)://…``)."""
    return isinstance(store_setting, str) and store_setting.split("://", 1)[0].lower() in SCHEMES


@dataclass(frozen=True)
class Target:
    """A parsed remote store URL."""

    store: str  # the setting as given
    base: str  # http(s)://host:port/path/
    query_url: str
    update_url: str
    gsp_url: str
    union_param: str
    auth: str
    staging: Path

    @classmethod
    def parse(cls, store_setting: str) -> Target:
        parts = urlsplit(store_setting)
        scheme = SCHEMES.get(parts.scheme.lower())
        how = (
            "Give sparql+http://HOST:PORT/PATH/ (or sparql+https://…), e.g. "
            "sparql+http://127.0.0.1:7878/ for an Oxigraph server."
        )
        if scheme is None or not parts.hostname:
            raise RemoteError(f"{store_setting!r} is not a remote store URL", how)
        if parts.username or parts.password:
            raise RemoteError(
                "credentials do not go in the store URL (it is logged and shown in process lists)",
                "Set NEWSKG_REMOTE_USER and NEWSKG_REMOTE_PASSWORD, or "
                "NEWSKG_REMOTE_TOKEN, instead.",
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise RemoteError(f"{store_setting!r} has an invalid port", how) from exc
        options = dict(PARAMETERS)
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name not in options:
                raise RemoteError(
                    f"unknown parameter {name!r} in the store URL",
                    f"Use {', '.join(PARAMETERS)} (see docs/backends.md, Configuration).",
                )
            options[name] = value
        if options["auth"] not in ("basic", "digest"):
            raise RemoteError(
                f"auth={options['auth']} in the store URL is not known",
                "Use auth=basic (the default) or auth=digest (Virtuoso).",
            )
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        base = urlunsplit((scheme, parts.netloc, path, "", ""))
        slug = re.sub(r"[^A-Za-z0-9.]+", "-", f"{parts.hostname}-{port or ''}-{path}").strip("-")
        staging = Path(options["staging"]) if options["staging"] else Path("var/staging") / slug
        return cls(
            store_setting,
            base,
            urljoin(base, options["query"]),
            urljoin(base, options["update"]),
            urljoin(base, options["gsp"]),
            options["union"],
            options["auth"],
            staging,
        )
