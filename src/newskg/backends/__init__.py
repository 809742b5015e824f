"""Where the dataset lives: the versioned store on disk, served locally or pushed to a triple
store, behind one seam.

:func:`backend_for` reads a ``--store`` setting once and gives its :class:`Backend`
(:mod:`newskg.backends.base`): a store directory (:class:`newskg.backends.local.LocalBackend`)
or a triple store, ``sparql+http(s)://…`` (:mod:`newskg.backends.remote`). Callers ask the
backend; nothing outside this package tells the two apart.

- :mod:`newskg.backends.versions`: the versioned store on disk (both backends build and
  publish versions in one; a triple store's is its staging directory).
- :mod:`newskg.backends.published`: the published store a web server reads and queries.
"""

from __future__ import annotations

from newskg.backends.base import Backend, PushReport, StoreSetting
from newskg.backends.remote.errors import PushError
from newskg.backends.remote.target import is_remote
from newskg.backends.versions import StoreError

__all__ = ["Backend", "PushError", "PushReport", "StoreError", "StoreSetting", "backend_for"]


def backend_for(setting: StoreSetting) -> Backend:
    """The backend of a ``--store`` setting: a triple store for ``sparql+http(s)://…``, else
    a store directory."""
    if is_remote(setting):
        from newskg.backends.remote.backend import RemoteBackend

        return RemoteBackend(str(setting))
    from newskg.backends.local import LocalBackend

    return LocalBackend(setting)
