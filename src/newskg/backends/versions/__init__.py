"""The versioned store: immutable pyoxigraph stores, one of which is published.

A store directory holds complete versions side by side and a ``current`` symlink naming the
published one; a build writes a new version under the build lock and publishes it by
renaming a fresh symlink over ``current``, atomically, so readers see the old version or the
new one, never a mix, and a build killed at any point leaves ``current`` as it was. Each
version's summary records the size and SHA-256 of its files, so damage found later is named
precisely. Both backends keep their versions this way (a triple store's in its staging
directory, :mod:`newskg.backends.remote`).

The package's modules, by concept, their public names importable from here:

- :mod:`~newskg.backends.versions.layout`: the directory's layout, :class:`Version`, which
  version is published and which are kept, :class:`StoreError`;
- :mod:`~newskg.backends.versions.integrity`: the files each summary recorded, checked
  before a version is opened (:class:`DamagedVersion`) and by ``newskg verify``;
- :mod:`~newskg.backends.versions.writing`: the build lock, writing a version, and
  :func:`publish`, the one place where a version becomes published (builds, ``newskg
  add``/``remove`` and ``newskg rollback`` all end there).
"""

from __future__ import annotations

from newskg.backends.versions.integrity import (
    DamagedVersion,
    file_digest,
    file_manifest,
    file_problems,
    open_published,
    open_version,
)
from newskg.backends.versions.layout import (
    COUNTED_CLASSES,
    CURRENT,
    DUMPS,
    NKG,
    TMP_PREFIX,
    VERSIONS,
    ArticleRecord,
    StoreError,
    Version,
    count_classes,
    find_version,
    is_version_id,
    list_versions,
    new_version_id,
    published,
    records,
    require_store,
    version_time,
    versions,
)
from newskg.backends.versions.writing import (
    StoreLocked,
    VersionWriter,
    build_lock,
    publish,
    sweep_unfinished,
    write_atomically,
    writing,
)

__all__ = [
    "ArticleRecord",
    "records",
    "version_time",
    "COUNTED_CLASSES",
    "CURRENT",
    "DUMPS",
    "NKG",
    "TMP_PREFIX",
    "VERSIONS",
    "DamagedVersion",
    "StoreError",
    "StoreLocked",
    "Version",
    "VersionWriter",
    "build_lock",
    "count_classes",
    "file_digest",
    "file_manifest",
    "file_problems",
    "find_version",
    "is_version_id",
    "list_versions",
    "new_version_id",
    "open_published",
    "open_version",
    "publish",
    "published",
    "require_store",
    "sweep_unfinished",
    "versions",
    "write_atomically",
    "writing",
]
