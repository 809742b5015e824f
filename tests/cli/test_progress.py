"""The progress displays of ``newskg build``, ``add`` and ``remove`` (:mod:`newskg.cli.progress`).

Bars are drawn on a real pseudo-terminal and what reached it is replayed through a small
screen model (carriage return, line feed, cursor up, erase): the screen left at the end is
asserted line by line. Lines for a pipe are read from a real pipe. A clock the test moves
makes rates, ETAs and redraws exact, so nothing here depends on how fast the machine is.
The last tests run the real ``newskg build`` and ``newskg remove`` on a terminal, on a pipe and
with ``--quiet``.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from newskg.cli.progress import (
    Display,
    LogDisplay,
    TerminalDisplay,
    progress_display,
)
from newskg.publishing.progress import NO_PROGRESS, STAGES

ROOT = Path(__file__).resolve().parents[2]
MARKER = "\x1b[0m"  # written by the tests only, to know the reader caught up
CONTROL = re.compile(r"\x1b\[(\d*)([A-Za-z])|[\r\n]|[^\x1b\r\n]+")


class Clock:
    """A clock that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def screen(output: str) -> list[str]:
    """The lines a terminal shows after ``output`` (text, CR, LF, ESC[nA, ESC[K, ESC[J);
    anything else fails the test, so a stray control sequence cannot go unnoticed."""
    lines, row, col = [""], 0, 0
    for match in CONTROL.finditer(output):
        text, count, code = match.group(0), match.group(1), match.group(2)
        if text == "\r":
            col = 0
        elif text == "\n":
            row += 1
            lines += [""] * (row + 1 - len(lines))
        elif code == "A":
            row = max(row - int(count or 1), 0)
        elif code == "K":
            lines[row] = lines[row][:col]
        elif code == "J":
            lines[row] = lines[row][:col]
            del lines[row + 1 :]
        elif code is None:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + text + line[col + len(text) :]
            col += len(text)
        else:
            raise AssertionError(f"unexpected control sequence {text!r}")
    while lines and not lines[-1]:
        lines.pop()
    return lines


class Terminal:
    """A real pseudo-terminal: a text stream on its slave side, everything written to it
    read back from the master (by a thread, so a long output never blocks the writer)."""

    def __init__(self) -> None:
        master, slave = pty.openpty()
        self.master = master
        self.stream: TextIO = os.fdopen(slave, "w", encoding="utf-8")
        self.received = bytearray()
        self.markers = 0
        self.reader = threading.Thread(target=self._read)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the slave side is closed
                break
            if not chunk:
                break
            self.received += chunk

    def so_far(self) -> str:
        """What was written so far. A marker is written and waited for, so that the reader
        has caught up; it is not part of what is returned."""
        self.stream.write(MARKER)
        self.stream.flush()
        while self.received.count(MARKER.encode()) < self.markers + 1:
            threading.Event().wait(0.01)
        self.markers += 1
        return self._text()

    def output(self) -> str:
        """Everything written (and the terminal closed)."""
        self.stream.close()
        self.reader.join(timeout=60)
        os.close(self.master)
        return self._text()

    def _text(self) -> str:
        # The terminal sends CR LF for each LF written.
        text = self.received.decode("utf-8").replace("\r\n", "\n")
        return text.replace(MARKER, "")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal()
    yield term
    if not term.stream.closed:
        term.output()


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def run_two_stages(display: Display, clock: Clock) -> None:
    """Reading 4 articles, one per second, then extracting them, two a second."""
    display.stage("read", 4)
    for i in range(4):
        clock.now += 1
        display.advance("read", f"/corpus/a{i}.txt")
    display.end("read")
    display.stage("extract", 4)
    for i in range(4):
        clock.now += 0.5
        display.advance("extract", f"/corpus/a{i}.txt")
    display.end("extract")
    display.close()


def test_terminal_leaves_one_line_per_finished_stage(terminal: Terminal, wide: None) -> None:
    clock = Clock()
    display = TerminalDisplay(terminal.stream, clock)
    run_two_stages(display, clock)
    output = terminal.output()
    assert screen(output) == [
        "reading: 4 articles in 4.0 s (1.0/s)",
        "extraction: 4 articles in 2.0 s (2.0/s)",
    ]
    # The bars drawn on the way, each as it was the moment it was drawn:
    drawn = [part for part in re.split(r"\r|\n|\x1b\[\d*[AJK]", output) if part]
    assert drawn[:3] == [
        "reading [..............................] 0/4 articles -/s ETA ?",
        "reading [#######.......................] 1/4 articles 1.0/s ETA 0:03 a0.txt",
        "reading [###############...............] 2/4 articles 1.0/s ETA 0:02 a1.txt",
    ]
    assert "extraction [###############...............] 2/4 articles 2.0/s ETA 0:01 a1.txt" in (
        drawn
    )


def test_terminal_redraws_at_most_ten_times_a_second(terminal: Terminal, wide: None) -> None:
    clock = Clock()
    display = TerminalDisplay(terminal.stream, clock)
    display.stage("extract", 700)
    for _ in range(700):  # 64 items a second (a step a float holds exactly) for 10.9 s
        clock.now += 1 / 64
        display.advance("extract")
    display.close()
    drawn = [
        part
        for part in re.split(r"\r|\n|\x1b\[\d*[AJK]", terminal.output())
        if part.startswith("extraction [")
    ]
    # The bar when the stage starts, then every 7th item (7/64 s is the first step over 0.1)
    assert len(drawn) == 1 + 100
    assert drawn[-1].endswith(" 700/700 articles 64.0/s ETA 0:00")


def test_overlapping_stages_have_a_bar_each_below_the_finished_lines(
    terminal: Terminal, wide: None
) -> None:
    clock = Clock()
    display = TerminalDisplay(terminal.stream, clock)
    display.stage("read", 2)
    display.stage("extract", 2)
    clock.now += 1
    display.advance("read", "a.txt")
    display.advance("extract", "a.txt")
    clock.now += 1
    display.advance("read", "b.txt")
    display.end("read")
    clock.now += 1
    display.advance("extract", "b.txt")
    before_the_end = screen(terminal.so_far())
    display.end("extract")
    assert before_the_end == [
        "reading: 2 articles in 2.0 s (1.0/s)",
        "extraction [##############################] 2/2 articles 0.7/s ETA 0:00 b.txt",
    ]
    assert screen(terminal.output()) == [
        "reading: 2 articles in 2.0 s (1.0/s)",
        "extraction: 2 articles in 3.0 s (0.7/s)",
    ]


def test_bars_fit_a_narrow_terminal(terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    clock = Clock()
    display = TerminalDisplay(terminal.stream, clock)
    run_two_stages(display, clock)
    output = terminal.output()
    drawn = [part for part in re.split(r"\r|\n|\x1b\[\d*[AJK]", output) if part]
    assert max(len(part) for part in drawn) <= 49
    assert drawn[:3] == [  # narrower bars, and no room for the file name
        "reading [.....] 0/4 articles -/s ETA ?",
        "reading [#....] 1/4 articles 1.0/s ETA 0:03",
        "reading [##...] 2/4 articles 1.0/s ETA 0:02",
    ]
    assert screen(output)[-1] == "extraction: 4 articles in 2.0 s (2.0/s)"


def test_unknown_total_counts_without_a_bar(terminal: Terminal, wide: None) -> None:
    clock = Clock()
    display = TerminalDisplay(terminal.stream, clock)
    display.stage("store", None)
    clock.now += 2
    display.advance("store", "x.txt", n=3)
    output = terminal.so_far()
    display.close()
    assert screen(output) == ["store 3 graphs 1.5/s x.txt"]
    assert screen(terminal.output()) == ["store: 3 graphs in 2.0 s (1.5/s)"]


def test_log_lines_on_a_pipe() -> None:
    read_end, write_end = os.pipe()
    clock = Clock()
    with os.fdopen(write_end, "w", encoding="utf-8") as stream:
        display = LogDisplay(stream, clock, every_items=3, every_seconds=10)
        display.stage("extract", 7)
        for _ in range(7):  # an item a second: a line every 3 items
            clock.now += 1
            display.advance("extract", "a.txt")
        display.end("extract")
        display.stage("validate", None)
        clock.now += 11  # 11 s for one item: a line for it, though it is one of 3
        display.advance("validate")
        clock.now += 1
        display.advance("validate")
        display.close()  # ends validation
    with os.fdopen(read_end, encoding="utf-8") as lines:
        assert lines.read().splitlines() == [
            "extraction: 7 articles",
            "extraction: 3/7 articles, 1.0/s, ETA 0:04",
            "extraction: 6/7 articles, 1.0/s, ETA 0:01",
            "extraction: 7 articles in 7.0 s (1.0/s)",
            "validation: started",
            "validation: 1 graph, 0.1/s",
            "validation: 2 graphs in 12.0 s (0.2/s)",
        ]


def test_display_chosen_by_where_stderr_goes(terminal: Terminal) -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe:
        assert type(progress_display(False, terminal.stream)) is TerminalDisplay
        assert type(progress_display(False, pipe)) is LogDisplay
        assert type(progress_display(True, terminal.stream)) is Display
        assert type(progress_display(True, pipe)) is Display
        quiet = progress_display(True, terminal.stream)
        run_two_stages(quiet, Clock())
        NO_PROGRESS.stage("read", 3)  # the pipeline's default does nothing either
    os.close(read_end)
    assert terminal.output() == ""


# --- the real newskg build and remove -------------------------------------------------------

ENDED = re.compile(r"^(?P<label>[a-z]+): (?P<count>\d+) (?P<unit>[a-z]+) in \d+\.\d s \(.+/s\)$")
REMOVED = "000_15d2d29b220b0ea0"  # one of the two bundled articles


def newskg(args: list[str], stderr: str) -> tuple[int, str, str]:
    """``newskg ARGS`` with stderr on a terminal (``"tty"``) or a pipe; its exit code, stdout
    and stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKG_")}
    env["COLUMNS"] = "100"
    command = [sys.executable, "-m", "newskg.cli", *args]
    if stderr == "pipe":
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=600)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    term = Terminal()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=term.stream.fileno()
    )
    out, _ = process.communicate(timeout=600)
    return process.wait(), out.decode(), term.output()


def newskg_build(tmp_path: Path, stderr: str, *extra: str) -> tuple[int, str, str]:
    """``newskg build`` of a copy of the bundled corpus into ``tmp_path/store``."""
    articles = tmp_path / "articles"
    shutil.copytree(ROOT / "articles", articles)
    store = tmp_path / "store"
    return newskg(["build", "--articles", str(articles), "--store", str(store), *extra], stderr)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the bundled corpus, built once (quietly); each test removes from a
    copy of it."""
    tmp_path = tmp_path_factory.mktemp("built")
    code, out, err = newskg_build(tmp_path, "pipe", "--quiet")
    assert code == 0 and err == "", out + err
    return tmp_path / "store"


def newskg_remove(built: Path, tmp_path: Path, stderr: str, *extra: str) -> tuple[int, str, str]:
    """``newskg remove --json`` of one article from a copy of ``built``."""
    store = tmp_path / "store"
    shutil.copytree(built, store, symlinks=True)  # `current` is a relative link
    return newskg(["remove", REMOVED, "--store", str(store), "--json", *extra], stderr)


def stage_lines(lines: list[str], starts: bool = True) -> dict[str, int]:
    """The stages the lines report, in the order they ended, with the count each ended with.
    Each line is checked: started (with its total, or 'started'; a terminal leaves no such
    line: ``starts`` False), counted while it runs, ended under its label and unit; each
    stage once (stages may overlap)."""
    labels = {stage.label: stage for stage in STAGES.values()}
    ended: dict[str, int] = {}
    running: set[str] = set()
    for line in lines:
        label = line.split(":", 1)[0].split(" ", 1)[0]
        assert label in labels, line
        assert label not in ended, f"{line!r}: the stage {label} already ended"
        unit = labels[label].unit
        count = rf"\d+ ({unit}|{unit.removesuffix('s')})"  # 1 article
        finished = ENDED.match(line)
        if finished:
            assert not starts or label in running, f"{line!r} ends a stage that did not start"
            assert re.fullmatch(count, f"{finished['count']} {finished['unit']}"), line
            ended[label] = int(finished["count"])
            running.discard(label)
        elif starts and re.match(rf"^{label}: (started|{count})$", line):
            assert label not in running, f"{line!r}: {label} started twice"
            running.add(label)
        else:
            assert starts, f"{line!r} left on the terminal"
            assert label in running, f"{line!r}: {label} is not running"
            assert re.match(rf"^{label}: \d+(/\d+)? ({unit}|{unit.removesuffix('s')}), ", line)
    assert not running, f"{running} never ended"
    return ended


def build_counts(stages: dict[str, int], articles: int) -> None:
    """A build reads first, each file once; a later stage may go over an article twice (the
    pipeline's business: the counts the displays show are checked exactly above) but ends
    only once every article went through it. Every stage shows."""
    assert next(iter(stages)) == "reading" and stages["reading"] == articles, stages
    units = {stage.label: stage.unit for stage in STAGES.values()}
    assert all(n >= articles for label, n in stages.items() if units[label] != "files"), stages
    assert set(stages) == {stage.label for stage in STAGES.values()}, stages


def check_remove(stages: dict[str, int], report: dict[str, list[str]]) -> None:
    """The stages a remove goes through, in order, with what each ends with, from its
    report: nothing to read, nothing extracted; the articles left whose links the removal
    can change are linked again (at most every one left), the graphs that changed made
    again, stored and checked; the dumps written."""
    assert report["removed"] == [REMOVED] and report["extracted"] == [], report
    assert list(stages) == ["extraction", "linking", "store", "validation", "dumps"], stages
    assert 0 <= stages.pop("linking") <= len(report["published"]), stages
    assert stages == {
        "extraction": 0,
        "store": len(report["rewritten"]),
        "validation": len(report["rewritten"]),
        "dumps": len(report["dumps"]),
    }


pipeline = pytest.mark.slow


@pipeline
def test_build_on_a_pipe_logs_each_stage(tmp_path: Path) -> None:
    code, out, err = newskg_build(tmp_path, "pipe")
    assert code == 0, err
    assert out.startswith("published version ") and "2 articles read, 2 published" in out
    build_counts(stage_lines(err.splitlines()), articles=2)


@pipeline
def test_build_on_a_terminal_leaves_a_line_per_stage(tmp_path: Path) -> None:
    code, out, err = newskg_build(tmp_path, "tty")
    assert code == 0, err
    assert out.startswith("published version "), out
    shown = screen(err)
    build_counts(stage_lines(shown, starts=False), articles=2)  # and no bar left half-drawn
    drawn = [part for part in re.split(r"\r|\n|\x1b\[\d*[AJK]", err) if part]
    assert any(re.match(r"^reading (\[[#.]+\] )?\d+(/2)? articles ", bar) for bar in drawn), err


@pipeline
@pytest.mark.parametrize("stderr", ["tty", "pipe"])
def test_quiet_build_writes_nothing_on_stderr(tmp_path: Path, stderr: str) -> None:
    code, out, err = newskg_build(tmp_path, stderr, "--quiet")
    assert code == 0, out
    assert out.startswith("published version "), out
    assert err == ""


@pipeline
def test_remove_on_a_pipe_logs_each_stage(built: Path, tmp_path: Path) -> None:
    code, out, err = newskg_remove(built, tmp_path, "pipe")
    assert code == 0, err
    report = json.loads(out)
    assert report["published"] == ["004_aab24eeb803ce905"], report
    check_remove(stage_lines(err.splitlines()), report)
    assert err.splitlines()[0] == "extraction: 0 articles", err  # nothing to extract
    assert "dumps: started" in err.splitlines(), err


@pipeline
def test_remove_on_a_terminal_leaves_a_line_per_stage(built: Path, tmp_path: Path) -> None:
    code, out, err = newskg_remove(built, tmp_path, "tty")
    assert code == 0, err
    report = json.loads(out)
    shown = screen(err)
    check_remove(stage_lines(shown, starts=False), report)
    drawn = [part for part in re.split(r"\r|\n|\x1b\[\d*[AJK]", err) if part]
    # As the stage starts: how many articles it links is known once it has run.
    bar = r"^linking 0 articles (-|0\.0)/s$"
    assert any(re.match(bar, part) for part in drawn), err


@pipeline
@pytest.mark.parametrize("stderr", ["tty", "pipe"])
def test_quiet_remove_writes_nothing_on_stderr(built: Path, tmp_path: Path, stderr: str) -> None:
    code, out, err = newskg_remove(built, tmp_path, stderr, "--quiet")
    assert code == 0, out
    assert json.loads(out)["removed"] == [REMOVED], out
    assert err == ""
