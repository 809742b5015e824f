"""Read an article file as it comes: headline, date line, byline, prose, page furniture.

The whole file (decoded as UTF-8, line ends normalised to ``\\n``) becomes
``ArticleText.text``; nothing is cut out of it, so every offset still points at the words the
reader received. Instead each text block is either *body* (prose that extraction reads) or
*excluded* with a reason: captions, newsletter prompts, video-player text, related links,
social posts, the author's bio. What counts as furniture is data
(``src/newskg/extraction/data/boilerplate.tsv``), not code.

An ``.html``/``.htm`` page is reduced to its main text by trafilatura (navigation, asides,
captions and footers left out); that text becomes ``ArticleText.text`` (so offsets index into
it) and the page's metadata gives headline, date, authors, publisher and URL.

A sidecar ``NAME.meta.json`` beside ``NAME.txt`` states what the text does not::

    {"url": "https://…", "publisher": "…", "published": "2024-02-05",
     "authors": ["…"], "headline": "…"}
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from newskg.extraction import limits
from newskg.extraction.dates import find_dates
from newskg.extraction.model import ArticleText, Span

DATA = Path(__file__).resolve().parent / "data"
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


class ArticleError(Exception):
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


# --- furniture rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    reason: str
    action: str  # block | with-prev | rest | teaser | label
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def furniture_rules() -> tuple[Rule, ...]:
    rules = []
    for number, line in enumerate((DATA / "boilerplate.tsv").read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            reason, action, regex = line.split("\t", 2)
            rules.append(Rule(reason, action, re.compile(regex, re.IGNORECASE)))
        except (ValueError, re.error) as exc:
            raise ArticleError(DATA / "boilerplate.tsv", f"bad rule: {exc}", number) from exc
    return tuple(rules)


@lru_cache(maxsize=1)
def publishers() -> dict[str, str]:
    table = {}
    for line in (DATA / "publishers.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, name = line.split("\t", 1)
            table[key.strip().lower()] = name.strip()
    return table


# --- dates -----------------------------------------------------------------------------------

_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s*"


def date_line(block: str) -> date | None:
    """The date of a line that is nothing but a date ("Monday, February 05, 2024")."""
    stripped = re.sub(rf"^\s*{_WEEKDAY}", "", block.strip(), flags=re.I)
    dates = find_dates(stripped)
    if len(dates) == 1 and len(stripped) - (dates[0][1].end - dates[0][1].begin) <= 2:
        return dates[0][0]
    return None


# --- blocks ----------------------------------------------------------------------------------

_MARKER = re.compile(r"^[\s>•*·■▪●◦‣–—-]*(?:\.\s?\.\s?\.\s*)?")  # bullets, quote marks, ". . ."
_SENTENCE_END = re.compile(r"[.!?:;\"”’)…]\s*$")


def blocks(text: str) -> list[Span]:
    """Text blocks: paragraphs, one per line, with a hard-wrapped line joined to the next when
    it does not end a sentence and the next starts in lower case. Leading list markers and
    quote-bar characters are left outside the span."""
    spans: list[Span] = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        lead = len(_MARKER.match(line).group())  # type: ignore[union-attr]
        body = line[lead:].rstrip()
        if not any(ch.isalnum() for ch in body):
            continue
        span = Span(m.start() + lead, m.start() + lead + len(body))
        prev = spans[-1] if spans else None
        if (
            prev
            and body[:1].islower()
            and not _SENTENCE_END.search(prev.of(text))
            and text[prev.end : span.begin].count("\n") == 1
        ):
            spans[-1] = Span(prev.begin, span.end)
        else:
            spans.append(span)
    return spans


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = s.translate(str.maketrans("‘’“”", "''\"\""))
    return re.sub(r"\s+", " ", s).strip().lower()


def _byline(block: str) -> tuple[str, list[str]] | None:
    """("Title | By A and B", …) -> ("Title", ["A", "B"]); "By A" -> ("", ["A"])."""
    name = r"[A-Z][\w.'’-]*"
    m = re.match(
        rf"^(?:(.*?)\s*[|–—-]\s*)?by\s+({name}(?:[ ,]+(?:and\s+)?{name}){{0,8}})\s*$", block, re.I
    )
    if not m or not m.group(2)[:1].isupper():
        return None
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+", m.group(2)) if n.strip()]
    return (m.group(1) or "").strip(), names


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
    if not text.strip():
        raise ArticleError(path, "empty article")
    return text


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
    if path.suffix.lower() in HTML_SUFFIXES:
        text, page = read_html(path)
    else:
        text = decode(path)
    meta = read_meta(path)
    art = ArticleText(id=article_id(path), source=str(path), text=text)
    spans = blocks(text)
    excluded: dict[Span, str] = {}
    if page.get("headline"):
        art.headline = str(page["headline"])
        for span in spans[:3]:
            if _fold(span.of(text)) == _fold(art.headline):
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
        _find_headline(art, spans, excluded)
    _mark_furniture(text, spans, excluded)
    for key in ("url", "publisher", "authors"):
        if page.get(key):
            setattr(art, key, page[key])
    if page.get("published"):
        art.date_published = str(page["published"])

    if meta:
        art.url = str(meta.get("url") or "") or art.url
        art.publisher = str(meta.get("publisher") or "") or art.publisher
        art.date_published = str(meta.get("published") or "") or art.date_published
        art.authors = list(meta.get("authors") or []) or art.authors  # type: ignore[arg-type]
        art.headline = str(meta.get("headline") or "") or art.headline
    art.excluded = sorted(excluded.items())
    art.body = [s for s in spans if s not in excluded]
    beyond = limits.beyond(art)
    if beyond:
        raise ArticleError(path, *beyond)
    _find_publisher(art, spans)  # (after the limits: it reads the whole text)
    art.reference_date = art.date_published or _latest_date(text)
    return art


def read_html(path: Path) -> tuple[str, dict[str, object]]:
    """The main text of a saved HTML page and its metadata (headline, published, authors,
    publisher, url), found with trafilatura."""
    raw = read_bytes(path)
    if not raw.strip():
        raise ArticleError(path, "empty article")
    import trafilatura

    doc = trafilatura.bare_extraction(
        raw, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError(path, "no article text found in the HTML page")
    page: dict[str, object] = {}
    if doc.title:
        page["headline"] = " ".join(doc.title.split())
    if doc.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(doc.date)[:10]):
        page["published"] = str(doc.date)[:10]
    if doc.author:
        page["authors"] = [a.strip() for a in re.split(r";|\band\b", doc.author) if a.strip()]
    if doc.sitename:
        page["publisher"] = publishers().get(doc.sitename.lower(), doc.sitename)
    url = web_url(doc.url, path) if doc.url else None
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
    return text, page


def _find_headline(art: ArticleText, spans: list[Span], excluded: dict[Span, str]) -> None:
    """The headline is the page title a scraped page repeats ("Title - Publisher"), else the
    first block that is not a date line; a "Title | By Name" block yields the byline too."""
    text = art.text
    folded = {_fold(s.of(text)): s for s in spans}
    candidates = [s for s in spans if s not in excluded]
    chosen: Span | None = None
    for span in spans:
        m = re.match(r"^(.{12,}?)\s+[-|–—]\s+([^-|–—]{2,40})$", span.of(text))
        if m and _fold(m.group(1)) in folded and folded[_fold(m.group(1))] != span:
            chosen = folded[_fold(m.group(1))]
            excluded[span] = "page title"
            name = publishers().get(m.group(2).strip().lower())
            art.publisher = art.publisher or name
    for span in candidates[:3]:
        byline = _byline(span.of(text))
        if byline:
            art.authors = art.authors or byline[1]
            excluded[span] = "byline" if not byline[0] else "title and byline"
            if chosen is None and byline[0]:
                chosen = Span(span.begin, span.begin + len(byline[0]))
                excluded[span] = "headline and byline"
    if chosen is None:
        chosen = next((s for s in candidates if s not in excluded), None)
    if chosen is not None:
        art.headline = chosen.of(text)
        art.headline_span = chosen
        excluded.setdefault(chosen, "headline")


def _mark_furniture(text: str, spans: list[Span], excluded: dict[Span, str]) -> None:
    rules = furniture_rules()
    index = 0
    while index < len(spans):
        span = spans[index]
        block = span.of(text)
        for rule in rules:
            found = rule.pattern.search(block)
            if not found:
                continue
            if rule.action == "label":
                rest = _cut_label(text, span, found.end())
                if rest is not None:
                    # The label is furniture; what it introduces is the article's prose.
                    excluded.setdefault(Span(span.begin, rest.begin), rule.reason)
                    spans[index] = rest
                    break
            excluded.setdefault(span, rule.reason)
            if rule.action == "with-prev" and index > 0:
                excluded.setdefault(spans[index - 1], rule.reason)
            elif rule.action == "rest":
                for later in spans[index + 1 :]:
                    excluded.setdefault(later, rule.reason)
                return
            elif rule.action == "teaser":
                _mark_teaser(text, spans, index, excluded, rule.reason)
            break
        index += 1


def _cut_label(text: str, span: Span, end: int) -> Span | None:
    """The block after a leading label ("UPDATE: ...") when that rest is prose: not empty,
    not a date, not furniture itself; else None (the whole block is furniture)."""
    begin = span.begin + end
    while begin < span.end and text[begin].isspace():
        begin += 1
    rest = Span(begin, span.end)
    words = rest.of(text)
    if not any(ch.isalpha() for ch in words) or date_line(words):
        return None
    if any(r.action != "label" and r.pattern.search(words) for r in furniture_rules()):
        return None
    return rest


def _mark_teaser(
    text: str, spans: list[Span], start: int, excluded: dict[Span, str], reason: str
) -> None:
    credits = [r.pattern for r in furniture_rules() if r.reason == "caption"]
    window = spans[start + 1 : start + 7]
    for offset, span in enumerate(window):
        if any(credit.search(span.of(text)) for credit in credits):
            for inside in window[: offset + 1]:
                excluded.setdefault(inside, reason)
            return


def _find_publisher(art: ArticleText, spans: list[Span]) -> None:
    """A publisher named by a staff e-mail domain ("Write to … at x@wsj.com")."""
    if art.publisher:
        return
    # The lookbehind starts a match only where an address can start: without it a long run
    # of word characters with no "@" is scanned again from each of its positions (quadratic).
    for m in re.finditer(r"(?<![\w.+-])[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", art.text):
        name = publishers().get(m.group(1).lower())
        if name:
            art.publisher = name
            return


def _latest_date(text: str) -> str | None:
    """Failing a date line, relative dates resolve against the latest full date the text
    states (photo captions usually carry the day of the events)."""
    dates = [d for d, _ in find_dates(text)]
    return max(dates).isoformat() if dates else None


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
