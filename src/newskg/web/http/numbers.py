"""Whole numbers taken from a request, checked in one place: ASCII digits only, within a
range, else a 400 in the one error shape (never a 500 from ``int()`` or an overflow later).

Python's ``int()`` takes more than a request should: white space (``" 1"``), signs, ``_``
separators, digits of any script (``"١٢"``), and raises ValueError past 4,300 digits; a
page of 2^64 overflowed the store's 64-bit OFFSET. So the text is checked before it is
converted, and its length before its value.

>>> parse_int("0042", name="page", low=1, high=MAX_PAGE)
42
>>> parse_int("1" * 5000, name="page", low=1, high=MAX_PAGE)
Traceback (most recent call last):
...
newskg.errors.APIError: page must be a whole number from 1 to 1000000000, not '1111111111…'
"""

from __future__ import annotations

from flask import request

from newskg.web.http.errors import APIError

# The last page a listing serves: 50 billion rows, far past any dataset here, and an OFFSET
# the store takes (it must stay under 2^63).
MAX_PAGE = 10**9


def parse_int(raw: str, *, name: str, low: int, high: int) -> int:
    """``raw`` as an int in ``low..high``; APIError 400 naming the parameter otherwise."""
    digits = raw.lstrip("0") or ("0" if raw else "")
    if (
        not raw.isascii()
        or not raw.isdigit()
        or len(digits) > len(str(high))
        or not low <= int(digits) <= high
    ):
        shown = raw if len(raw) <= 10 else raw[:10] + "…"
        raise APIError(
            400,
            f"{name} must be a whole number from {low} to {high}, not {shown!r}",
            f"Send {name}={low} or another whole number up to {high}, in ASCII "
            "digits, or leave it out.",
        )
    return int(digits)


def int_arg(name: str, default: int, *, low: int, high: int) -> int:
    """The query parameter ``name`` checked by :func:`parse_int`; ``default`` when it is
    absent or empty (a form field left blank)."""
    raw = request.args.get(name, "")
    return default if raw == "" else parse_int(raw, name=name, low=low, high=high)


def page_arg(name: str = "page") -> int:
    """A page number (``?page=``, ``?facts=``): 1 to :data:`MAX_PAGE`, 1 when absent."""
    return int_arg(name, 1, low=1, high=MAX_PAGE)
