"""The extractor version in the extraction cache's key
(:func:`newskg.publishing.incremental.extractor_version`) covers what extraction runs and
nothing else: a change to linking, RDF writing or where extraction runs must not re-extract
every article of every store, a change to extraction must.

What extraction runs is read from the code: the modules ``extract`` (what the pool calls),
``reader`` (an article from its kept source) and ``model`` (the cached ``Extraction``) import,
at any depth. The tests change files of a copy of the package, never the package itself.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from newskg.publishing.incremental import (
    EXTRACTION_ALSO,
    NOT_EXTRACTION,
    PACKAGE,
    extraction_files,
    extractor_version,
)

ENTRIES = ("newskg.extraction.extract", "newskg.extraction.reader", "newskg.extraction.model")


def module_file(name: str) -> Path | None:
    """The file of the newskg module ``name`` (None: not a module of newskg, or a name
    imported from a module)."""
    parts = name.split(".")
    if parts[0] != "newskg":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported(path: Path) -> set[str]:
    """The newskg modules a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if module_file(name) is not None}


def extraction_closure() -> set[Path]:
    """The files of every module extraction imports, at any depth, with the subpackages they
    are in (a package's ``__init__`` runs before its modules; ``newskg``'s own runs before any
    code of the package, extraction or not, and is not counted)."""
    seen: set[Path] = set()
    todo = list(ENTRIES)
    while todo:
        name = todo.pop()
        path = module_file(name)
        if path is None or path in seen:
            continue
        seen.add(path)
        todo += imported(path)
        todo += [".".join(name.split(".")[:i]) for i in range(2, name.count(".") + 1)]
    return seen


def test_left_out_modules_are_those_extraction_does_not_import() -> None:
    reached = extraction_closure()
    extraction = PACKAGE / "extraction"
    modules = {path.name for path in extraction.glob("*.py")}
    assert extraction / "extract.py" in reached and extraction / "nlp.py" in reached
    assert set(NOT_EXTRACTION) == modules - {p.name for p in reached if p.parent == extraction}
    outside = {str(p.relative_to(PACKAGE)) for p in reached if p.parent == PACKAGE}
    assert set(EXTRACTION_ALSO) == outside


def test_the_key_covers_extraction_code_and_data() -> None:
    files = {str(path.relative_to(PACKAGE)) for path in extraction_files()}
    extraction = PACKAGE / "extraction"
    every = {
        str(path.relative_to(PACKAGE))
        for path in extraction.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    left_out = {f"extraction/{name}" for name in NOT_EXTRACTION}
    assert left_out <= every  # each one left out exists
    assert files == (every - left_out) | set(EXTRACTION_ALSO)
    assert "extraction/data/gazetteer.tsv" in files and "extraction/extract.py" in files


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the package's extraction code and data and the modules it uses outside."""
    copy = tmp_path / "newskg"
    shutil.copytree(
        PACKAGE / "extraction", copy / "extraction", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in EXTRACTION_ALSO:
        shutil.copy(PACKAGE / name, copy / name)
    return copy


def test_the_copy_has_the_package_key(package: Path) -> None:
    assert extractor_version(package) == extractor_version(PACKAGE) == extractor_version()


def test_changing_a_covered_file_changes_the_key(package: Path) -> None:
    keys = {extractor_version.__wrapped__(package)}
    covered = extraction_files(package)
    for path in covered:
        data = path.read_bytes()
        path.write_bytes(data + b"\n")
        keys.add(extractor_version.__wrapped__(package))
        path.write_bytes(data)
    assert len(keys) == 1 + len(covered)  # one key per file changed, each another
    assert extractor_version.__wrapped__(package) in keys


def test_changing_a_left_out_module_keeps_the_key(package: Path) -> None:
    before = extractor_version.__wrapped__(package)
    for name in NOT_EXTRACTION:
        path = package / "extraction" / name
        path.write_bytes(path.read_bytes() + b"\n# changed\n")
    assert extractor_version.__wrapped__(package) == before


def test_a_new_module_or_data_file_is_covered(package: Path) -> None:
    before = extractor_version.__wrapped__(package)
    added = package / "extraction" / "new_rules.py"
    added.write_text('"""Rules added later."""\n')
    with_module = extractor_version.__wrapped__(package)
    (package / "extraction" / "data" / "new_table.tsv").write_text("a\tb\n")
    with_table = extractor_version.__wrapped__(package)
    assert added in extraction_files(package)
    assert len({before, with_module, with_table}) == 3
