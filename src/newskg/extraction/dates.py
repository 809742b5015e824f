"""Date expressions in news prose -> ISO dates, resolved against the article's reference date.

Returns ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ``None`` for vague or unknown expressions
("last week", "the weekend", "recent years").

>>> normalize("on Saturday", "2020-01-06")
'2020-01-04'
>>> normalize("late Thursday night", "2020-01-06")
'2020-01-02'
>>> normalize("Monday", "2020-01-06")
'2020-01-06'
>>> normalize("yesterday", "2024-02-05")
'2024-02-04'
>>> normalize("Jan. 4, 2020", None)
'2020-01-04'
>>> normalize("Saturday, Jan. 4, 2020", None)
'2020-01-04'
>>> normalize("February 5, 2024", None)
'2024-02-05'
>>> normalize("5 February 2024", None)
'2024-02-05'
>>> normalize("in 2020", None)
'2020'
>>> normalize("in January 2020", None)
'2020-01'
>>> normalize("October 7", "2024-02-05")
'2023-10-07'
>>> normalize("Feb. 1", "2024-02-05")
'2024-02-01'
>>> normalize("last year", "2024-02-05")
'2023'
>>> normalize("last week", "2024-02-05") is None
True
>>> normalize("the 1990s", "2024-02-05") is None
True
>>> normalize("Saturday", None) is None
True
>>> normalize("2024-02-05T09:40:00", None)
'2024-02-05'
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from newskg.extraction.model import Span

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_MDY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4}))?\b")
_MY = re.compile(_MONTH + r",?\s+(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YEAR = re.compile(r"^(?:in\s+|since\s+|by\s+|the\s+|of\s+)?(\d{4})$")


def _month(word: str) -> int:
    return MONTHS[
        word.lower().rstrip(".")[:4]
        if word.lower().startswith("sept")
        else word.lower().rstrip(".")[:3]
    ]


def _ref(reference: str | None) -> date | None:
    if not reference:
        return None
    try:
        return date.fromisoformat(reference[:10])
    except ValueError:
        return None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def normalize(expression: str, reference: str | None) -> str | None:
    """The ISO value of a date ``expression`` (see module doctests), or None."""
    text = " ".join(expression.lower().replace("\u2019", "'").split())
    text = re.sub(r"^(on|in|at|since|by|from|during|late|early|this)\s+", "", text)
    ref = _ref(reference)

    m = _ISO.search(text)
    if m:
        found = _safe(int(m[1]), int(m[2]), int(m[3]))
        return found.isoformat() if found else None
    for pattern, order in ((_MDY, "md"), (_DMY, "dm")):
        m = pattern.search(text)
        if not m:
            continue
        month, day = (_month(m[1]), int(m[2])) if order == "md" else (_month(m[2]), int(m[1]))
        if m[3]:
            found = _safe(int(m[3]), month, day)
        elif ref:
            found = _safe(ref.year, month, day)
            if found and found > ref:
                found = _safe(ref.year - 1, month, day)
        else:
            found = None
        return found.isoformat() if found else None
    m = _MY.search(text)
    if m:
        return f"{int(m[2]):04d}-{_month(m[1]):02d}"
    m = _YEAR.match(text)
    if m:
        return m[1]

    if ref is None:
        return None
    if re.fullmatch(r"(yesterday|last night)( (morning|afternoon|evening|night))?", text):
        return (ref - timedelta(days=1)).isoformat()
    if re.fullmatch(r"(today|tonight)( (morning|afternoon|evening))?", text):
        return ref.isoformat()
    if text == "last year":
        return str(ref.year - 1)
    if text == "last month":
        first = ref.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    m = re.fullmatch(
        r"(?:last |this past |past )?(" + "|".join(WEEKDAYS) + r")"
        r"(?:'s)?(?: (?:morning|afternoon|evening|night))?",
        text,
    )
    if m:
        back = (ref.weekday() - WEEKDAYS.index(m[1])) % 7
        return (ref - timedelta(days=back)).isoformat()
    return None


def find_year(text: str) -> str | None:
    """A bare four-digit year in ``text`` ("the 2015 nuclear agreement") or None."""
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b(?!s)", text)
    return m[1] if m else None


_FULL_DATES = (  # scanning running text: case as written, a year required
    (re.compile(r"\b" + _MDY.pattern, re.I), "md"),
    (re.compile(_DMY.pattern, re.I), "dm"),
    (_ISO, "iso"),
)


def find_dates(text: str) -> list[tuple[date, Span]]:
    """Every full calendar date (with its year) that ``text`` states, in text order.

    >>> [(d.isoformat(), s) for d, s in find_dates("Saturday, Jan. 4, 2020 and 6 January 2020")]
    [('2020-01-04', Span(begin=10, end=22)), ('2020-01-06', Span(begin=27, end=41))]
    """
    found = []
    for pattern, order in _FULL_DATES:
        for m in pattern.finditer(text):
            if order == "iso":
                day = _safe(int(m[1]), int(m[2]), int(m[3]))
            elif m[3]:
                month, dom = (m[1], m[2]) if order == "md" else (m[2], m[1])
                day = _safe(int(m[3]), _month(month), int(dom))
            else:
                day = None
            if day:
                found.append((day, Span(m.start(), m.end())))
    return sorted(found, key=lambda item: item[1])
