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


def highlight(text: str, marks: Iterable[Mark], notes: Iterable[Note] = ()) -> Markup:
    """``text`` as safe HTML, each mark's range highlighted, an anchor ``#o-<begin>`` where
    each mark starts, each note after its offset."""
    size = len(text)
    spans = [m for m in marks if 0 <= m.begin < m.end <= size]
    notes_at: dict[int, list[Note]] = {}
    for note in notes:
        notes_at.setdefault(min(max(note.at, 0), size), []).append(note)
    starts = {m.begin for m in spans}
    cuts = sorted({0, size} | starts | {m.end for m in spans} | set(notes_at))
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
    for note in notes_at.get(size, []):
        out.append(_note(note))
    return Markup("".join(out))


def _note(note: Note) -> str:
    return f'<a class="note {escape(note.kind)}" href="{escape(note.href)}">{escape(note.text)}</a>'
