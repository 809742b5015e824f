"""An article's text as HTML with its spans highlighted, built from offsets.

Spans may overlap or nest (a mention inside a quote's evidence, two evidence spans sharing
words). The text is cut at every span boundary; each piece is escaped and wrapped once, with
the classes of every span covering it and one link (the innermost mention's entity, else the
innermost evidence's fact), so the HTML is always well-formed and no text is ever searched
and replaced.

>>> html = highlight("Tom & Ann met.", [Mark(0, 9, "mention", "/a", "Tom"),
...                                      Mark(6, 9, "mention", "/b", "Ann")])
>>> print(str(html).replace("</span><", "</span>\\n<").replace("</a><", "</a>\\n<"))
<span id="o-0" class="anchor"></span>
<a class="mark mention" href="/a" title="Tom">Tom &amp; </a>
<span id="o-6" class="anchor"></span>
<a class="mark mention" href="/b" title="Ann; Tom">Ann</a> met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Link priority: a mention links to its entity before an evidence span links to its fact.
PRIORITY = {"mention": 0, "quote": 1, "evidence": 2}


@dataclass(frozen=True)
class Mark:
    begin: int
    end: int
    kind: str  # mention | quote | evidence (also the CSS class)
    href: str
    title: str


@dataclass(frozen=True)
class Note:
    """Something shown right after an offset (a quote's speaker)."""

    at: int
    kind: str
    href: str
    text: str


def highlight(
    text: str,
    marks: Iterable[Mark],
    notes: Iterable[Note] = (),
    start: int = 0,
    stop: int | None = None,
) -> Markup:
    """``text`` as safe HTML, each mark's range highlighted, an anchor ``#o-<begin>`` where
    each mark starts, each note after its offset.

    Only ``text[start:stop]`` is rendered when a window is given (one block of the text):
    marks are clipped to it, anchors and offsets stay those of the whole text, and a note
    belongs to the window its offset falls in (the last window also takes the text's end)."""
    size = len(text)
    stop = size if stop is None else stop
    whole = [m for m in marks if 0 <= m.begin < m.end <= size]
    real_starts = {m.begin for m in whole}
    spans = [
        Mark(max(m.begin, start), min(m.end, stop), m.kind, m.href, m.title)
        for m in whole
        if m.begin < stop and m.end > start
    ]
    notes_at: dict[int, list[Note]] = {}
    for note in notes:
        at = min(max(note.at, 0), size)
        if start <= at < stop or at == stop == size:
            notes_at.setdefault(at, []).append(note)
    starts = {m.begin for m in spans} & real_starts
    cuts = sorted({start, stop} | {m.begin for m in spans} | {m.end for m in spans} | set(notes_at))
    by_start: dict[int, list[Mark]] = {}
    for mark in spans:
        by_start.setdefault(mark.begin, []).append(mark)
    active: list[Mark] = []
    out: list[str] = []
    for begin, end in zip(cuts, cuts[1:], strict=False):
        for note in notes_at.get(begin, []):
            out.append(_note(note))
        active = [m for m in active if m.end > begin] + by_start.get(begin, [])
        if begin in starts:
            out.append(f'<span id="o-{begin}" class="anchor"></span>')
        piece = str(escape(text[begin:end]))
        if not active:
            out.append(piece)
            continue
        link = min(active, key=lambda m: (PRIORITY.get(m.kind, 9), m.end - m.begin))
        classes = " ".join(sorted({m.kind for m in active}))
        others = sorted({m.title for m in active if m.title} - {link.title})
        titles = "; ".join([link.title, *others] if link.title else others)  # the link's first
        out.append(
            f'<a class="mark {classes}" href="{escape(link.href)}" '
            f'title="{escape(titles)}">{piece}</a>'
        )
    for note in notes_at.get(stop, []) if stop != start else []:
        out.append(_note(note))
    return Markup("".join(out))


@dataclass(frozen=True)
class Block:
    """A text block as the reader split it (``nkg:Block``): body, or furniture with a reason."""

    begin: int
    end: int
    kind: str  # body | furniture (also the CSS class)
    reason: str | None = None


def highlight_blocks(
    text: str, marks: Iterable[Mark], notes: Iterable[Note], blocks: Iterable[Block]
) -> Markup:
    """The whole text highlighted as :func:`highlight` does, each block wrapped in a
    ``<span class="block body|furniture" id="block-<begin>-<end>">`` (an anchor named by its
    offsets, as its IRI is), so the page can dim furniture; the text between blocks (line
    breaks) is kept as it is. Without blocks (an article published before blocks were), the
    text as one piece.

    >>> print(highlight_blocks("Hi <b>\\nShare", [], [], [Block(0, 6, "body"),
    ...       Block(7, 12, "furniture", "share row")]))
    <span class="block body" id="block-0-6">Hi &lt;b&gt;</span>
    <span class="block furniture" id="block-7-12" title="furniture: share row">Share</span>
    """
    marks, notes = list(marks), list(notes)
    size = len(text)
    ordered = sorted(
        (b for b in blocks if 0 <= b.begin < b.end <= size), key=lambda b: (b.begin, b.end)
    )
    if not ordered:
        return highlight(text, marks, notes)
    out: list[str] = []
    at = 0
    for block in ordered:
        if block.begin < at:  # overlapping blocks: the first one keeps the words
            continue
        if block.begin > at:
            out.append(str(highlight(text, marks, notes, at, block.begin)))
        title = f' title="{escape(block.kind + ": " + block.reason)}"' if block.reason else ""
        out.append(
            f'<span class="block {escape(block.kind)}" id="block-{block.begin}-{block.end}"'
            f"{title}>{highlight(text, marks, notes, block.begin, block.end)}</span>"
        )
        at = block.end
    if at < size:
        out.append(str(highlight(text, marks, notes, at, size)))
    elif notes:
        out.append(str(highlight(text, marks, notes, size, size)))
    return Markup("".join(out))


def _note(note: Note) -> str:
    return f'<a class="note {escape(note.kind)}" href="{escape(note.href)}">{escape(note.text)}</a>'
