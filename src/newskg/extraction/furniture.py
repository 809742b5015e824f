"""The blocks of an article's text, and which of them are page furniture rather than prose.

A block is a paragraph (one a line; a hard-wrapped line joins the next). Whether a block is
furniture is weighed, never decided by one line: the rules of
``src/newskg/extraction/data/boilerplate.tsv`` (captions, newsletter prompts, video-player
text, related links, social posts, end-of-article markers) each give evidence with their
confidence, and :mod:`newskg.extraction.blocks_classifier` weighs it with the shape and place
of every block (a "Comments" heading under share buttons above the story no longer drops
the story). A text of a few blocks, with nothing to weigh against, is decided by the rules.
The headline, a date line and a byline are found here too; the publisher is named from
``publishers.tsv``. Used by :func:`newskg.extraction.reader.read_article`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from newskg.extraction import datafiles
from newskg.extraction.blocks_classifier import weigh
from newskg.extraction.blocks_features import prose_share
from newskg.extraction.dates import find_dates
from newskg.extraction.model import ArticleText, Span
from newskg.text import TEXT, fold

# --- furniture rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    reason: str
    action: str  # block | with-prev | rest | teaser | label
    pattern: re.Pattern[str]
    confidence: float = 0.9  # how sure the rule is of what it says (0.5-1)

    @property
    def evidence(self) -> float:
        """The rule's confidence as log-odds (positive: the rule speaks for furniture)."""
        return math.log(self.confidence / (1.0 - self.confidence))


ACTIONS = ("block", "with-prev", "rest", "teaser", "label")


#: The columns of ``boilerplate.tsv`` (the rules page lists the table with them).
BOILERPLATE_COLUMNS = ("reason", "action", "confidence", "why", "regex")


@lru_cache(maxsize=1)
def furniture_rules() -> tuple[Rule, ...]:
    rules = []
    for row in datafiles.rows("boilerplate.tsv", BOILERPLATE_COLUMNS):
        reason, action, confidence, _, regex = row.cells
        if action not in ACTIONS:
            row.fail(f"action {action!r} is not one of {', '.join(ACTIONS)}", "fix the column")
        sure = row.confidence(confidence, 0.5, 0.999)  # log-odds: 1 itself would be infinite
        try:
            rules.append(Rule(reason, action, re.compile(regex, re.IGNORECASE), sure))
        except re.error as exc:
            row.fail(f"bad rule: {exc}", "fix the regular expression (Python syntax)")
    return tuple(rules)


@lru_cache(maxsize=1)
def publishers() -> dict[str, str]:
    table = {}
    for row in datafiles.rows("publishers.tsv", ("key", "name")):
        key, name = row.cells
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
        marker = _MARKER.match(line)  # matches every line (maybe empty)
        lead = marker.end() if marker else 0
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


# --- marking a page's blocks ----------------------------------------------------------------


def find_headline(art: ArticleText, spans: list[Span], excluded: dict[Span, str]) -> None:
    """The headline is the page title a scraped page repeats ("Title - Publisher"), else the
    first block that is not a date line; a "Title | By Name" block yields the byline too."""
    text = art.text
    folded = {fold(s.of(text), TEXT): s for s in spans}
    candidates = [s for s in spans if s not in excluded]
    chosen: Span | None = None
    for span in spans:
        m = re.match(r"^(.{12,}?)\s+[-|–—]\s+([^-|–—]{2,40})$", span.of(text))
        if m and fold(m.group(1), TEXT) in folded and folded[fold(m.group(1), TEXT)] != span:
            chosen = folded[fold(m.group(1), TEXT)]
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


@dataclass
class Verdicts:
    """What the rules of ``boilerplate.tsv`` say of a page's blocks.

    ``cut``: labels cut off a block ("UPDATE: "), excluded with their reason (the span list
    then holds the prose after the label). For each span, ``evidence`` is the log-odds the
    rules give that it is furniture (negative: prose, after a cut label) and ``reasons`` the
    reason of the first rule that spoke of it. ``ended`` is the index of the first block a
    "rest" rule matched (the article may end there) and ``end_evidence`` that rule's log-odds:
    the blocks after it are weighed with it as a feature, not excluded by it, since a heading
    such as "Comments" or a copyright line in the page's header may come before the story."""

    cut: dict[Span, str]
    reasons: dict[Span, str]
    evidence: list[float]
    ended: int | None = None
    end_evidence: float = 0.0
    end_reason: str = ""


#: Fewer blocks than this leave nothing to weigh a block against: the rules decide alone.
MIN_WEIGHED_BLOCKS = 8
#: Nor does a clean article text, whose words stand almost all in prose blocks (web pages:
#: median 0.57, 95th percentile 0.90 on the dev reader pages; clean news texts: 0.95 and up):
#: the weights were learnt on web pages, where the last blocks are the page's footer.
CLEAN_PROSE_SHARE = 0.95


def rule_verdicts(text: str, spans: list[Span]) -> Verdicts:
    """The rules applied to every block (see :class:`Verdicts`); ``spans`` is updated where a
    label was cut off."""
    verdicts = Verdicts({}, {}, [0.0] * len(spans))

    def say(index: int, rule: Rule, sign: float = 1.0) -> None:
        evidence = verdicts.evidence[index]
        verdicts.evidence[index] = max(evidence, sign * rule.evidence, key=abs)
        if sign > 0:
            verdicts.reasons.setdefault(spans[index], rule.reason)

    for index, span in enumerate(spans):
        block = span.of(text)
        for rule in furniture_rules():
            found = rule.pattern.search(block)
            if not found:
                continue
            if rule.action == "label":
                rest = _cut_label(text, span, found.end())
                if rest is not None:
                    # The label is furniture; what it introduces is the article's prose.
                    verdicts.cut.setdefault(Span(span.begin, rest.begin), rule.reason)
                    spans[index] = rest
                    say(index, rule, -1.0)
                    break
            say(index, rule)
            if rule.action == "with-prev" and index > 0:
                say(index - 1, rule)
            elif rule.action == "rest" and verdicts.ended is None:
                verdicts.ended, verdicts.end_evidence = index, rule.evidence
                verdicts.end_reason = rule.reason
            elif rule.action == "teaser":
                for inside in _teaser(text, spans, index):
                    say(inside, rule)
            break
    return verdicts


def mark_furniture(text: str, spans: list[Span], excluded: dict[Span, str]) -> dict[Span, float]:
    """Exclude the blocks that the weighed evidence calls furniture (see
    :mod:`newskg.extraction.blocks_classifier`), each with the reason of the rule that spoke
    of it, else ``weighed <score>``. Labels cut off by a rule are excluded as they are. A
    text of fewer than :data:`MIN_WEIGHED_BLOCKS` blocks, or a clean one (see
    :data:`CLEAN_PROSE_SHARE`), is decided by the rules alone. Returns each weighed block's
    score (how much like article prose, 0-1); none when the rules decided alone."""
    verdicts = rule_verdicts(text, spans)
    for span, reason in verdicts.cut.items():
        excluded.setdefault(span, reason)
    end = len(spans) if verdicts.ended is None else verdicts.ended
    if (
        len(spans) < MIN_WEIGHED_BLOCKS
        or prose_share([s.of(text) for s in spans]) >= CLEAN_PROSE_SHARE
    ):
        for index, (span, evidence) in enumerate(zip(spans, verdicts.evidence, strict=True)):
            if evidence > 0:
                excluded.setdefault(span, verdicts.reasons[span])
            elif index > end:
                excluded.setdefault(span, verdicts.end_reason)
        return {}
    scores, kept = weigh(text, spans, verdicts)
    for index, (span, score, prose) in enumerate(zip(spans, scores, kept, strict=True)):
        if not prose:
            reason = verdicts.end_reason if index > end else f"weighed {score:.2f}"
            excluded.setdefault(span, verdicts.reasons.get(span, reason))
    return {span: float(score) for span, score in zip(spans, scores, strict=True)}


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


def _teaser(text: str, spans: list[Span], start: int) -> list[int]:
    """The blocks of a "you may also like" box after its label: up to the first image credit
    (at most six blocks on), or none when no credit closes it."""
    credits = [r.pattern for r in furniture_rules() if r.reason == "caption"]
    window = range(start + 1, min(start + 7, len(spans)))
    for index in window:
        if any(credit.search(spans[index].of(text)) for credit in credits):
            return list(range(start + 1, index + 1))
    return []


def find_publisher(art: ArticleText, spans: list[Span]) -> None:
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


def latest_date(text: str) -> str | None:
    """Failing a date line, relative dates resolve against the latest full date the text
    states (photo captions usually carry the day of the events)."""
    dates = [d for d, _ in find_dates(text)]
    return max(dates).isoformat() if dates else None
