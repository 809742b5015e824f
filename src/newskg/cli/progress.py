"""How ``newskg build``, ``add`` and ``remove`` show their progress on stderr (the
:class:`newskg.publishing.progress.Progress` the pipeline calls).

- On a terminal, :class:`TerminalDisplay`: one bar per running stage (label, count/total,
  rate, ETA), redrawn in place at most :data:`REDRAW_EVERY` seconds apart; a stage that ends
  leaves one line (count, seconds, rate) and the next stage's bar is drawn below it.
- On a pipe or in a log, :class:`LogDisplay`: a line when a stage starts, one every
  :data:`LOG_EVERY_ITEMS` items or :data:`LOG_EVERY_SECONDS` seconds (whichever comes
  first), and one when it ends; no control characters, so a log stays readable.
- ``--quiet``: :class:`Display` itself, which shows nothing.

The clock is a parameter so that tests can drive a display through a real terminal and
assert every line exactly, rates included, without timing anything.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TextIO

from newskg.publishing.progress import Stage, stage_of

REDRAW_EVERY = 0.1  # seconds: a bar is redrawn at most ten times a second
LOG_EVERY_ITEMS = 100
LOG_EVERY_SECONDS = 10.0
BAR_WIDTH = 30  # the widest bar; narrower when the terminal is
RATE_AND_ETA = " 9999.9/s ETA 0:00:00"  # the room a bar leaves for them
DEFAULT_COLUMNS = 80  # when neither COLUMNS nor the terminal says (a fresh pty is 0 wide)

Clock = Callable[[], float]


@dataclass
class Running:
    """A stage being shown: how far it is, since when, and when it was last logged."""

    name: str
    total: int | None
    started: float
    count: int = 0
    item: str = ""
    logged_count: int = 0
    logged_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.logged_at = self.started

    @property
    def shown(self) -> Stage:
        return stage_of(self.name)

    def seconds(self, now: float) -> float:
        return max(now - self.started, 0.0)

    def rate(self, now: float) -> str:
        seconds = self.seconds(now)
        return f"{self.count / seconds:.1f}/s" if seconds > 0 else "-/s"

    def counted(self) -> str:
        if self.total is None:
            return items(self.count, self.shown.unit)
        return f"{self.count}/{self.total} {self.shown.unit}"

    def eta(self, now: float) -> str:
        """Time left at the rate so far ('?' before the first item or without a total)."""
        seconds = self.seconds(now)
        if self.total is None or self.count == 0 or seconds <= 0:
            return "?"
        return duration(max(self.total - self.count, 0) * seconds / self.count)


def items(count: int, unit: str) -> str:
    """``3 articles``, ``1 article``."""
    return f"{count} {unit.removesuffix('s') if count == 1 else unit}"


def duration(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``), as an ETA is read."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def started_line(stage: Running) -> str:
    """``extraction: 200 articles`` (``extraction: started`` when the total is unknown)."""
    label, unit = stage.shown
    return (
        f"{label}: {items(stage.total, unit)}" if stage.total is not None else f"{label}: started"
    )


def progress_line(stage: Running, now: float) -> str:
    """``extraction: 100/200 articles, 3.2/s, ETA 0:31`` (no ETA without a total)."""
    line = f"{stage.shown.label}: {stage.counted()}, {stage.rate(now)}"
    return line + (f", ETA {stage.eta(now)}" if stage.total is not None else "")


def ended_line(stage: Running, now: float) -> str:
    """``extraction: 200 articles in 61.3 s (3.3/s)``: what is left of a finished stage."""
    label, unit = stage.shown
    return f"{label}: {items(stage.count, unit)} in {stage.seconds(now):.1f} s ({stage.rate(now)})"


class Display:
    """Keeps count of the running stages; shows nothing (``--quiet``). Subclasses show them.

    A :class:`Progress`, and a context manager: leaving it ends every stage still running
    (a run that failed midway leaves its lines, not a half-drawn bar)."""

    def __init__(self, stream: TextIO | None = None, clock: Clock = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.running: dict[str, Running] = {}  # in the order they started

    def stage(self, name: str, total: int | None) -> None:
        if name in self.running:  # started again: the first run of it is over
            self.end(name)
        running = Running(name, total, self.clock())
        self.running[name] = running
        self._started(running)

    def advance(self, name: str, item: str = "", n: int = 1) -> None:
        if name not in self.running:
            self.stage(name, None)
        running = self.running[name]
        running.count += n
        running.item = item
        self._advanced(running)

    def end(self, name: str) -> None:
        running = self.running.pop(name, None)
        if running is not None:
            self._ended(running)

    def close(self) -> None:
        for name in list(self.running):
            self.end(name)

    def __enter__(self) -> Display:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # What subclasses show:
    def _started(self, stage: Running) -> None:
        pass

    def _advanced(self, stage: Running) -> None:
        pass

    def _ended(self, stage: Running) -> None:
        pass

    def _write(self, text: str) -> None:
        assert self.stream is not None
        self.stream.write(text)
        self.stream.flush()


class LogDisplay(Display):
    """Plain lines for a pipe or a log: start, every ``every_items`` items or
    ``every_seconds`` seconds (checked as items come), end."""

    def __init__(
        self,
        stream: TextIO,
        clock: Clock = time.monotonic,
        every_items: int = LOG_EVERY_ITEMS,
        every_seconds: float = LOG_EVERY_SECONDS,
    ) -> None:
        super().__init__(stream, clock)
        self.every_items = every_items
        self.every_seconds = every_seconds

    def _started(self, stage: Running) -> None:
        self._write(started_line(stage) + "\n")

    def _advanced(self, stage: Running) -> None:
        now = self.clock()
        if (
            stage.count - stage.logged_count >= self.every_items
            or now - stage.logged_at >= self.every_seconds
        ):
            stage.logged_count, stage.logged_at = stage.count, now
            self._write(progress_line(stage, now) + "\n")

    def _ended(self, stage: Running) -> None:
        self._write(ended_line(stage, self.clock()) + "\n")


class TerminalDisplay(Display):
    """Bars redrawn in place. The cursor stays at the end of the last bar; a redraw goes
    back to the first bar's line, clears down, writes the lines of the stages that ended
    since (they stay) and the bars of those still running."""

    def __init__(self, stream: TextIO, clock: Clock = time.monotonic) -> None:
        super().__init__(stream, clock)
        self.bars_shown = 0  # lines of bars on the screen, the cursor on the last
        self.drawn_at = float("-inf")
        self.finished: list[str] = []  # lines of ended stages not written yet

    def _started(self, stage: Running) -> None:
        self._draw()

    def _advanced(self, stage: Running) -> None:
        if self.clock() - self.drawn_at >= REDRAW_EVERY:
            self._draw()

    def _ended(self, stage: Running) -> None:
        self.finished.append(ended_line(stage, self.clock()))
        self._draw()

    def _draw(self) -> None:
        now = self.clock()
        width = columns(self.stream) - 1  # the last column would wrap on some terminals
        out = ["\r"]
        if self.bars_shown > 1:
            out.append(f"\x1b[{self.bars_shown - 1}A")
        out.append("\x1b[J")
        out += [line[:width] + "\n" for line in self.finished]
        bars = [bar_line(stage, now, width) for stage in self.running.values()]
        out.append("\n".join(bars))
        self._write("".join(out))
        self.finished.clear()
        self.bars_shown = len(bars)
        self.drawn_at = now


def bar_line(stage: Running, now: float, width: int) -> str:
    """``extraction [#######.......] 100/200 articles 3.2/s ETA 0:31 name.txt``, cut to
    ``width``: the bar narrows to fit (and goes under 5 characters); the name of the last
    item shows where there is room left."""
    label, tail = stage.shown.label, [stage.counted(), stage.rate(now)]
    parts = [label]
    if stage.total is not None:
        tail.append(f"ETA {stage.eta(now)}")
        # As wide as the line at its longest allows, so the bar keeps its width throughout
        widest = f"{label} {stage.total}/{stage.total} {stage.shown.unit}{RATE_AND_ETA}"
        room = min(BAR_WIDTH, width - len(widest) - 3)  # [] and a space
        if room >= 5:
            done = min(stage.count, stage.total) * room // max(stage.total, 1)
            parts.append("[" + "#" * done + "." * (room - done) + "]")
    line = " ".join(parts + tail)
    name = Path(stage.item).name
    if name and len(line) + 1 + len(name) <= width:
        line += " " + name
    return line[:width]


def columns(stream: TextIO | None) -> int:
    """The terminal's width: ``COLUMNS`` when set, else the terminal of ``stream``."""
    try:
        wide = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        wide = 0
    if wide <= 0 and stream is not None:
        try:
            wide = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):  # not a terminal, or no file descriptor
            wide = 0
    return wide if wide > 0 else DEFAULT_COLUMNS


def progress_display(quiet: bool, stream: TextIO | None = None) -> Display:
    """The display for ``newskg build``, ``add`` and ``remove``: none when ``quiet``, bars
    when ``stream`` (stderr by default) is a terminal, else lines."""
    if quiet:
        return Display()
    stream = stream or sys.stderr
    return TerminalDisplay(stream) if stream.isatty() else LogDisplay(stream)
