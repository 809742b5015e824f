"""The docs say what the code says, and lead where they point.

* docs/cli.md and docs/settings.md are exactly what ``docs/generate.py`` writes from the code
  now (every command's ``--help``, each with its exit codes; the settings table);
* the README stays a front page that opens with the two commands;
* every relative link of the README, deploy/README.md and docs/*.md leads to a file that
  exists, and a ``#fragment`` to a heading of that file; every path they name in code
  (`src/newskg/…`, `tests/…`) exists, so a module that moves takes its docs along.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted([README, ROOT / "deploy" / "README.md", *(ROOT / "docs").glob("*.md")])


def generator() -> ModuleType:
    """docs/generate.py, a script beside the pages it writes (not part of the package)."""
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current() -> None:
    generate = generator()
    for path, text in generate.pages().items():
        name = path.relative_to(ROOT)
        assert path.exists(), f"{name} is missing: run `{generate.COMMAND}`"
        old = path.read_text("utf-8")
        diff = "".join(
            list(difflib.unified_diff(old.splitlines(True), text.splitlines(True), "old", "new"))[
                :40
            ]
        )
        assert old == text, f"{name} is stale: run `{generate.COMMAND}`\n{diff}"


def test_the_cli_reference_gives_every_commands_exit_codes() -> None:
    """Exit codes are written once, in the CLI's table; each command's help prints its row."""
    sections = re.split(r"^## ", (ROOT / "docs" / "cli.md").read_text("utf-8"), flags=re.M)[1:]
    assert len(sections) > 1, "docs/cli.md lists no command"
    for section in sections:
        assert "Exit codes:" in section, f"{section.splitlines()[0]} --help gives no exit codes"


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text("utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == [
        "make run",
        "make test",
    ]


def test_readme_is_a_front_page() -> None:
    lines = README.read_text("utf-8").count("\n")
    assert lines <= 150, f"README.md has {lines} lines: move the detail into a page of docs/"


FENCE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
CODE = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
REFERENCE_LINK = re.compile(r"^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)


def links(text: str) -> list[str]:
    """The targets of the Markdown links of ``text``, outside code."""
    prose = CODE.sub("", FENCE.sub("", text))
    return INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)


def anchors(path: Path) -> set[str]:
    """The fragments GitHub gives the headings of a Markdown file: lower case, punctuation
    dropped, spaces as hyphens, ``-1``, ``-2`` … on repeats."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(
        r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", path.read_text("utf-8")), re.M
    ):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(page: Path) -> None:
    broken = []
    for target in links(page.read_text("utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …: not ours to check
            continue
        file, _, fragment = target.partition("#")
        base = ROOT if file.startswith("/") else page.parent  # "/x": from the repository's root
        path = (base / file.lstrip("/")).resolve() if file else page
        if not path.exists():
            broken.append(f"{target}: no file {path}")
        elif fragment and path.suffix == ".md" and fragment not in anchors(path):
            broken.append(f"{target}: no heading #{fragment} in {path}")
    assert not broken, f"{page.relative_to(ROOT)} links nowhere:\n" + "\n".join(broken)


#: A path of the repository named in code: `src/newskg/sparql/engine.py`, `tests/ops/`.
NAMED_PATH = re.compile(r"`((?:src|tests|deploy|bench|docs)/[^`\s]*)`")
PLACEHOLDER = re.compile(r"[<{*]|\b[A-Z]{3,}\b")  # `tests/queries/expected/NAME.json`


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_paths_exist(page: Path) -> None:
    text = FENCE.sub("", page.read_text("utf-8"))
    missing = [
        path
        for path in sorted(set(NAMED_PATH.findall(text)))
        if not PLACEHOLDER.search(path) and not (ROOT / path).exists()
    ]
    assert not missing, f"{page.relative_to(ROOT)} names paths that do not exist: {missing}"
