"""What a publishing run tells whoever watches it: which stage it is in and how far along.

The pipeline calls a :class:`Progress` as it goes: :meth:`Progress.stage` when a stage
starts (with the number of items it will go through, when known), :meth:`Progress.advance`
per item done, :meth:`Progress.end` when the stage is over. The displays (a bar per stage on
a terminal, a line per stage and every so often in a log) are the CLI's
(:mod:`newskg.cli.progress`); the ingest API and the tests pass nothing and get
:data:`NO_PROGRESS`. The protocol knows nothing of how it is shown, so the pipeline never
formats or throttles anything itself.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol


class Stage(NamedTuple):
    """How a stage is shown: its label and what its items are called."""

    label: str
    unit: str


# The stages of a run, by the name the pipeline uses (a display shows them as they come).
STAGES: dict[str, Stage] = {
    "read": Stage("reading", "articles"),
    "extract": Stage("extraction", "articles"),
    "link": Stage("linking", "articles"),
    "validate": Stage("validation", "graphs"),
    "store": Stage("store", "graphs"),
    "dumps": Stage("dumps", "files"),
}


def stage_of(name: str) -> Stage:
    """How the stage ``name`` is shown (a name not in :data:`STAGES` is its own label, so a
    stage added to the pipeline shows before it is named here)."""
    return STAGES.get(name) or Stage(name, "items")


class Progress(Protocol):
    """What the pipeline reports as it runs. Stages may overlap (one may start before the
    previous ends); ``advance`` on a stage not started starts it with no total."""

    def stage(self, name: str, total: int | None) -> None:
        """The stage ``name`` starts; ``total`` items, or None when not known."""

    def advance(self, name: str, item: str = "", n: int = 1) -> None:
        """``n`` more items of ``name`` are done; ``item`` names the last (a file)."""

    def end(self, name: str) -> None:
        """The stage ``name`` is over."""


class NoProgress:
    """The :class:`Progress` of a run nobody watches: does nothing."""

    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, name: str, item: str = "", n: int = 1) -> None:
        pass

    def end(self, name: str) -> None:
        pass


NO_PROGRESS: Progress = NoProgress()
