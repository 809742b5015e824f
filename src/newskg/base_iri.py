"""Where a store served on this machine mints its IRIs: the ``base_iri`` setting's default
(:func:`newskg.settings.minting_base`) and that of versions whose summary names no base
(:data:`newskg.vocab.DEFAULT_BASE`). A module of its own: extraction reads it (through
``vocab``), and it must not pull the settings table into the extraction cache's key."""

from __future__ import annotations

#: The ``port`` setting's default.
DEFAULT_PORT = 8000


def default_base(port: int) -> str:
    """The base IRI of a store served on this machine at ``port``.

    >>> default_base(9000)
    'http://localhost:9000/'
    """
    return f"http://localhost:{port}/"
