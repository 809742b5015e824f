"""The article text of a saved HTML page, by a chain of extractors that degrades gracefully.

No single extractor reads every page: trafilatura's precision mode (navigation, asides,
captions and footers left out) finds nothing on about one page in ten, or a fragment of the
story. So the page goes down a chain, and the first step that yields the article wins:

1. ``trafilatura``: trafilatura with ``favor_precision``, unless it kept less than
   :data:`FRAGMENT_SHARE` of what its recall mode (``favor_recall``) keeps (a fragment);
2. when the recall mode found text: ``jusText`` if it keeps at least :data:`AGREE_SHARE` of
   it (two extractors that roughly agree; jusText's paragraph classification is the stricter),
   else ``trafilatura recall``;
3. when neither trafilatura mode found text: ``jusText``, then ``page text``: the page's own
   text, one block a line, which the reader then weighs like any text file
   (:mod:`newskg.extraction.furniture`).

Before that, a ``<title>`` never closed (which swallows the whole page) is closed.
A page none of them finds prose in is not an article (an index or navigation page):
:func:`read_page` says so. The page's metadata (headline, date, authors, publisher, URL)
comes from trafilatura whichever step gave the text.

What each step adds, on the reader set's 295 saved pages (macro F1 over word tokens of the
chain's text against the published body, before the furniture weighing; pages lost: recall
< 0.5): trafilatura's precision mode alone 0.874 (31 lost, 28 of them empty); closing an open
title 0.881 (29); its recall mode where the precision mode finds nothing 0.954 (4); and where
it keeps a fragment 0.956 (3); jusText where it agrees 0.963 (2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newskg.extraction import prose

FRAGMENT_SHARE = 0.2
AGREE_SHARE = 0.5
#: Elements whose text is never the article's (the page's text path leaves them out).
SKIP = {"script", "style", "noscript", "template", "svg", "head", "select", "iframe", "button"}
#: Elements that start a block of their own (the rest, such as a, span, b, run inline).
BLOCK = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "section",
    "article", "header", "footer", "aside", "nav", "figure", "figcaption", "blockquote", "pre",
    "table", "ul", "ol", "dl", "dt", "dd", "form", "label", "option", "main", "hr",
}  # fmt: skip


@dataclass
class HtmlPage:
    """What the chain made of a page: the article text, its metadata, the step that gave the
    text, and the words of prose the page holds (to judge a husk against)."""

    text: str
    metadata: Any  # trafilatura's Document (headline, date, author, sitename, url), or None
    extractor: str
    prose: int
    tried: list[str] = field(default_factory=list)  # steps that found nothing usable


def read_page(raw: bytes) -> HtmlPage | None:
    """The article text of the page ``raw`` by the first step of the chain that finds it, or
    None when the page holds no prose at all."""
    import trafilatura

    raw = repair(raw)

    def run(precision: bool) -> tuple[str, Any]:
        doc = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=precision,
            favor_recall=not precision,
        )
        if doc is None or isinstance(doc, dict):  # a dict only if asked for one: never here
            return "", None
        return _lines(doc.text or ""), doc

    precise, doc = run(precision=True)
    loose, loose_doc = run(precision=False)
    n_precise, n_loose = _prose_size(precise), _prose_size(loose)
    metadata = doc or loose_doc
    # The prose a husk is judged against: what the most generous extractor keeps (the page's
    # whole text would count reader comments and teasers as the article's prose).
    loose_prose = prose.prose_words(loose.split("\n"))
    if n_precise and n_precise >= FRAGMENT_SHARE * n_loose:
        return HtmlPage(precise, metadata, "trafilatura", loose_prose)
    tried = ["trafilatura"]
    if n_loose:
        strict = justext_text(raw)
        if _prose_size(strict) >= AGREE_SHARE * n_loose:
            return HtmlPage(strict, metadata, "jusText", loose_prose, tried)
        return HtmlPage(loose, metadata, "trafilatura recall", loose_prose, tried + ["jusText"])
    tried += ["trafilatura recall", "jusText"]
    if metadata is None:
        metadata = _metadata(raw)
    strict = justext_text(raw)
    if _has_sentence(strict):
        return HtmlPage(strict, metadata, "jusText", prose.prose_words(strict.split("\n")), tried)
    page = page_text(raw)
    if _has_sentence(page):
        return HtmlPage(page, metadata, "page text", prose.prose_words(page.split("\n")), tried)
    return None


_TITLE = re.compile(rb"<title[^>]*>[^<]*", re.I)


def repair(raw: bytes) -> bytes:
    """The page with a ``<title>`` that is never closed closed at the next tag: a parser reads
    all that follows an open title as its text, and the page would have no body at all.

    >>> repair(b"<html><head><title>News<script></script></head><body><p>Hi.</p>")[:27]
    b'<html><head><title>News</ti'
    """
    title = _TITLE.search(raw)
    if title is None or re.search(rb"</title\s*>", raw[title.end() :], re.I):
        return raw
    return raw[: title.end()] + b"</title>" + raw[title.end() :]


def _has_sentence(text: str) -> bool:
    return any(prose.is_sentence(line) for line in text.split("\n"))


def _prose_size(text: str) -> int:
    """The words of an extractor's text, or 0 when none of its lines reads as a sentence (a
    list of links is not an article, however long)."""
    return len(prose.words(text)) if _has_sentence(text) else 0


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _metadata(raw: bytes) -> Any:
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(raw)
    return extract_metadata(tree) if tree is not None else None


def justext_text(raw: bytes) -> str:
    """The paragraphs jusText classifies as content (English stop words), one a line."""
    import justext  # type: ignore[import-untyped]

    try:
        paragraphs = justext.justext(raw, justext.get_stoplist("English"))
    except (ValueError, TypeError):  # a page lxml cannot parse at all
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


_SPACE = re.compile(r"\s+")


def page_text(raw: bytes) -> str:
    """The text of a page, one block a line (a block-level element starts a line; inline
    elements run on; scripts, styles and the head are left out), whitespace collapsed."""
    from lxml import etree
    from trafilatura.utils import load_html

    tree = load_html(raw)
    if tree is None:
        return ""
    # Scripts, styles, comments and the like go, their tails (the text after them) stay.
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *SKIP, with_tail=False)
    lines: list[str] = []
    current: list[str] = []

    def newline() -> None:
        line = _SPACE.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if element.tag in BLOCK:  # a block starts and ends a line
            newline()
        current.append((element.text if event == "start" else element.tail) or "")
    newline()
    return "\n".join(lines)
