"""Read an article file as it comes: headline, date line, byline, prose, page furniture.

The whole file (decoded as UTF-8, line ends normalised to ``\\n``) becomes
``ArticleText.text``; nothing is cut out of it, so every offset still points at the words the
reader received. Instead each text block is either *body* (prose that extraction reads) or
*excluded* with a reason: captions, newsletter prompts, video-player text, related links,
social posts, the author's bio. What counts as furniture is data
(``src/newskg/extraction/data/boilerplate.tsv``), not code, applied by
:mod:`newskg.extraction.furniture`.

An ``.html``/``.htm`` page is reduced to its main text by a chain of extractors
(:mod:`newskg.extraction.html`: trafilatura, its recall mode, jusText, the page's own text), so
a page with prose is never "no article text"; that text becomes ``ArticleText.text`` (so
offsets index into it), ``ArticleText.extractor`` says which step found it, and the page's
metadata gives headline, date, authors, publisher and URL.

What is not an article is refused with the reason (:func:`not_an_article`): an HTML page sent
as text, a one-line file, a file none of whose blocks reads as a sentence (a navigation page).
A body implausibly small against the prose the file holds (a husk, see
:func:`newskg.extraction.prose.husk_reason`) is kept, with a warning in
``ArticleText.warnings`` that the build reports.

A sidecar ``NAME.meta.json`` beside ``NAME.txt`` states what the text does not::

    {"url": "https://…", "publisher": "…", "published": "2024-02-05",
     "authors": ["…"], "headline": "…"}
"""

from __future__ import annotations

import html
import json
import logging
import re
from datetime import date
from pathlib import Path

from newskg.errors import NewskgError
from newskg.extraction import limits, prose
from newskg.extraction.furniture import (
    blocks,
    date_line,
    find_headline,
    find_publisher,
    latest_date,
    mark_furniture,
    publishers,
)
from newskg.extraction.html import read_page
from newskg.extraction.model import ArticleText, Span
from newskg.text import TEXT, fold

HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (".txt", *HTML_SUFFIXES)
META_SUFFIX = ".meta.json"
META_KEYS = {"url", "publisher", "published", "authors", "headline"}
# An absolute http(s) URL with none of the characters an IRI may not hold: the article's
# IRI links to it, so the store must be able to take it.
_WEB_URL = re.compile(r'^https?://[^\s<>"{}|\\^`/?#]+[^\s<>"{}|\\^`]*$')
_WEB_HOST = re.compile(r'^https?://[^\s<>"{}|\\^`/?#]+(?:[/?#]|$)')  # a clean scheme and host
MAX_BYTES = 5 * 1024 * 1024  # a news article is a few dozen KiB; larger is not an article
log = logging.getLogger(__name__)


class ArticleError(NewskgError):
    """An article that cannot be read: says which file, where, and why."""

    def __init__(
        self, path: str | Path, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path, self.reason, self.line, self.column = str(path), reason, line, column
        where = self.path + (f":{line}" if line else "") + (f":{column}" if column else "")
        super().__init__(f"{where}: {reason}")

    def in_file(self) -> str:
        """The reason with its place in the file but not the file's name (for a report that
        names the file already).

        >>> ArticleError("a.txt", "too long", line=3).in_file()
        'line 3: too long'
        """
        where = (f"line {self.line}" if self.line else "") + (
            f", column {self.column}" if self.line and self.column else ""
        )
        return f"{where}: {self.reason}" if where else self.reason


# --- the reader ------------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or an ArticleError for a missing, unreadable or oversized file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleError(path, f"cannot read: {exc.strerror}") from exc
    if size > MAX_BYTES:
        raise ArticleError(path, f"{size} bytes is larger than an article ({MAX_BYTES} at most)")
    return path.read_bytes()


def decode(path: Path) -> str:
    """The file's text, or an ArticleError naming what is wrong with its bytes."""
    raw = read_bytes(path)
    if b"\x00" in raw:
        raise ArticleError(path, "binary file (contains NUL bytes); expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ArticleError(
            path,
            f"not UTF-8 ({exc.reason} at byte {exc.start}); "
            "convert it, e.g. iconv -f cp1252 -t utf-8",
            line,
            column,
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A text dump of a web page may keep its character references ("risqu&#233;"): the
    # character they stand for is the article's, and the parser reads "&#233;" as words.
    text = _CHAR_REF.sub(lambda m: html.unescape(m.group()), text)
    if not text.strip():
        raise ArticleError(path, "empty article")
    return text


#: Numeric character references and the five XML entities: never prose in a text file.
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|quot|apos|lt|gt);")


def read_meta(path: Path) -> dict[str, object]:
    """The sidecar ``NAME.meta.json`` of an article, or {} when there is none."""
    meta_path = path.with_name(path.stem + META_SUFFIX)
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ArticleError(meta_path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from exc
    except UnicodeDecodeError as exc:
        raise ArticleError(meta_path, "not UTF-8") from exc
    if not isinstance(meta, dict):
        raise ArticleError(
            meta_path, "expected a JSON object with keys " + ", ".join(sorted(META_KEYS))
        )
    for key, value in meta.items():
        for text in [key, *(value if isinstance(value, list) else [value])]:
            if isinstance(text, str) and not _is_unicode(text):
                raise ArticleError(
                    meta_path,
                    f"{key!r} holds a lone surrogate (an escape such "
                    "as \\ud800 that is not a character); write the "
                    "character itself or its full surrogate pair",
                )
    unknown = set(meta) - META_KEYS
    if unknown:
        raise ArticleError(
            meta_path, f"unknown keys {sorted(unknown)}; allowed: {sorted(META_KEYS)}"
        )
    if "published" in meta:
        try:
            date.fromisoformat(str(meta["published"]))
        except ValueError as exc:
            raise ArticleError(
                meta_path, f"published {meta['published']!r} is not YYYY-MM-DD"
            ) from exc
    if "url" in meta and not _WEB_URL.match(str(meta["url"])):
        raise ArticleError(
            meta_path,
            f"url {meta['url']!r} is not an absolute http(s) URL; "
            'give it as https://host/path (spaces and <>"{}|\\^` '
            "percent-encoded)",
        )
    if "authors" in meta and not (
        isinstance(meta["authors"], list) and all(isinstance(a, str) for a in meta["authors"])
    ):
        raise ArticleError(meta_path, "authors must be a list of names")
    return meta


def _is_unicode(text: str) -> bool:
    """False for a string JSON gave with a lone surrogate, which no UTF-8 output can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def web_url(url: str, path: Path) -> str | None:
    """``url`` if it is an absolute http(s) URL the store can take, with spaces and other
    characters an IRI may not hold percent-encoded after its host; None (with a warning) when
    it is not a web URL or its host is not clean. For a page's canonical URL: a bad one costs
    the link, not the article."""
    if _WEB_URL.match(url):
        return url
    url = url.strip()
    if _WEB_HOST.match(url):
        fixed = re.sub(
            r'[\s<>"{}|\\^`]',
            lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")),
            url,
        )
        log.warning("%s: canonical URL %r percent-encoded as %s", path, url, fixed)
        return fixed
    log.warning("%s: canonical URL %r is not an absolute http(s) URL; left out", path, url)
    return None


def article_id(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-") or "article"


def read_article(path: str | Path) -> ArticleText:
    """Read one article file (and its sidecar) into an :class:`ArticleText`.

    Raises :class:`ArticleError` with the file (and line and column where known) for a file
    that is missing, empty, binary, not UTF-8, too large, or has a malformed sidecar.
    """
    path = Path(path)
    page: dict[str, object] = {}
    extractor, prose_in_file = "text", 0
    if path.suffix.lower() in HTML_SUFFIXES:
        text, page, extractor, prose_in_file = read_html(path)
    else:
        text = decode(path)
    meta = read_meta(path)
    art = ArticleText(id=article_id(path), source=str(path), text=text, extractor=extractor)
    spans = blocks(text)
    if extractor == "text":
        prose_in_file = prose.prose_words([s.of(text) for s in spans])
    excluded: dict[Span, str] = {}
    if page.get("headline"):
        art.headline = str(page["headline"])
        for span in spans[:3]:
            if fold(span.of(text), TEXT) == fold(art.headline, TEXT):
                art.headline, art.headline_span = span.of(text), span
                excluded[span] = "headline"
                break

    # Date line: a block that is only a date, before the prose starts.
    for span in spans[:4]:
        d = date_line(span.of(text))
        if d:
            art.date_published = art.date_published or d.isoformat()
            excluded[span] = "date line"

    if not page.get("headline"):
        find_headline(art, spans, excluded)
    art.block_scores = mark_furniture(text, spans, excluded)
    for key in ("url", "publisher", "authors"):
        if page.get(key):
            setattr(art, key, page[key])
    if page.get("published"):
        art.date_published = str(page["published"])

    if meta:
        art.url = str(meta.get("url") or "") or art.url
        art.publisher = str(meta.get("publisher") or "") or art.publisher
        art.date_published = str(meta.get("published") or "") or art.date_published
        authors = meta.get("authors")  # a list of names (read_meta checked it)
        art.authors = list(authors) if isinstance(authors, list) and authors else art.authors
        art.headline = str(meta.get("headline") or "") or art.headline
    art.excluded = sorted(excluded.items())
    art.body = [s for s in spans if s not in excluded]
    husk = prose.husk_reason([s.of(text) for s in art.body], prose_in_file)
    if husk:
        art.warnings.append(husk)
    beyond = limits.beyond(art)
    if beyond:
        raise ArticleError(path, *beyond)
    if extractor == "text":  # (after the limits: a text beyond them is refused for that)
        not_an_article(path, text, spans)
    find_publisher(art, spans)  # (after the limits: it reads the whole text)
    art.reference_date = art.date_published or latest_date(text)
    return art


_MARKUP = re.compile(
    r"</?(?:html|head|body|div|p|span|a|script|style|meta|link|table|tr|td|ul|ol|li|img|br|"
    r"h[1-6]|form|input|iframe|section|article|nav|header|footer|aside|figure|noscript)"
    r"(?:\s[^<>]{0,2000})?/?>|<!--.*?-->",
    re.DOTALL | re.IGNORECASE,
)
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html)[\s>]", re.I)
MARKUP_SHARE = 0.2  # of the characters: a text with more markup than this is an HTML page


def not_an_article(path: Path, text: str, spans: list[Span]) -> None:
    """Refuse a text file that is not an article, with the reason: an HTML page sent as text
    (its markup would be read as words), a file of one line (no headline and body), a file
    none of whose blocks reads as a sentence (a navigation or index page)."""
    markup = sum(len(m.group()) for m in _MARKUP.finditer(text))
    if _HTML_START.match(text) or markup > MARKUP_SHARE * len(text):
        raise ArticleError(
            path,
            f"an HTML page sent as text ({markup * 100 // len(text)}% of it is markup); "
            "save it with the .html suffix so that its markup is read, not published as words",
        )
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) == 1:
        raise ArticleError(
            path, "one line is not an article: give its headline and its paragraphs, one a line"
        )
    if not any(prose.is_sentence(span.of(text)) for span in spans):
        raise ArticleError(
            path,
            f"no prose: none of its {len(spans)} blocks reads as a sentence (a navigation or "
            "index page, a list of links?)",
        )


def read_html(path: Path) -> tuple[str, dict[str, object], str, int]:
    """The article text of a saved HTML page (by the chain of :mod:`newskg.extraction.html`),
    its metadata (headline, published, authors, publisher, url), the chain's step that gave
    the text and the words of prose in the whole page."""
    raw = read_bytes(path)
    if not raw.strip():
        raise ArticleError(path, "empty article")
    found = read_page(raw)
    if found is None:
        raise ArticleError(
            path,
            "no article text found in the HTML page: no extractor found a block of prose in "
            "it, nor has its own text a sentence (an index or navigation page?)",
        )
    doc = found.metadata
    page: dict[str, object] = {}
    if doc is not None and doc.title:
        page["headline"] = " ".join(doc.title.split())
    if doc is not None and doc.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(doc.date)[:10]):
        page["published"] = str(doc.date)[:10]
    if doc is not None and doc.author:
        page["authors"] = [a.strip() for a in re.split(r";|\band\b", doc.author) if a.strip()]
    if doc is not None and doc.sitename:
        page["publisher"] = publishers().get(doc.sitename.lower(), doc.sitename)
    url = web_url(doc.url, path) if doc is not None and doc.url else None
    if url:
        page["url"] = url
    for key, value in page.items():
        for item in value if isinstance(value, list) else [value]:
            if not _is_unicode(str(item)):
                raise ArticleError(
                    path,
                    f"the page's {key} holds a lone surrogate (a "
                    "character reference such as &#xD800;)",
                )
    if found.extractor != "trafilatura":
        log.info("%s: article text by %s (%s found none)", path, found.extractor, found.tried)
    return found.text, page, found.extractor, found.prose


def article_paths(directory: str | Path) -> list[Path]:
    """The article files of a directory, in name order (sidecars are not articles)."""
    root = Path(directory)
    if not root.is_dir():
        raise ArticleError(root, "not a directory of articles")
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file() and p.suffix in ARTICLE_SUFFIXES and not p.name.startswith(".")
    )
