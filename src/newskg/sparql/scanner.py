"""The token scanner under :mod:`newskg.sparql.lexer`: one left-to-right pass that splits a
query into the tokens oxigraph's parser would see (strings, IRIs, variables, prefixed names,
language tags, numbers, words and single characters), without comments and white space.

It reads each character a bounded number of times, whatever the text: a regular expression
with one alternative per token kind retried the prefixed-name pattern across a whole run of
name characters at every position of it (70 s for ``'1' * 100_000``). A run of name
characters is measured once; a string that does not close is never rescanned from a later
quote inside it.

Where the parser reads a character differently by context, so does the scanner: ``<`` after
an operand inside an expression is less-than, so it follows which parentheses hold an
expression and which a list, and marks a ``<`` it may have read the wrong way (``unsure``).

>>> [t.kind for t in Scanner('SELECT ?s { ex:a\\\\#b "x"@en }').scan()]
['word', 'var', 'other', 'pname', 'string', 'langtag', 'other']
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    kind: str  # string iri var langtag pname word number other
    text: str
    start: int


_SPACE = re.compile(r"\s+")
_LINE = re.compile(r"[^\n\r]*")
_VAR = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?")
_NUMBER = re.compile(
    r"[0-9]+(?:\.[0-9]*[eE][+-]?[0-9]+|[eE][+-]?[0-9]+|\.[0-9]+"
    r"(?:[eE][+-]?[0-9]+)?)?"
)
_NAME_RUN = re.compile(r"[\w.\-\u00B7\u0300-\u036F\u203F-\u2040]*")
_WORD = re.compile(r"[^\W\d][\w\-]*")
_LOCAL = re.compile(
    r"(?:[\w.\-:\u00B7\u0300-\u036F\u203F-\u2040]|%[0-9A-Fa-f]{2}"
    r"|\\[_~.\-!$&'()*+,;=/?#@%])*"
)
_IRI = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_ESCAPE = re.compile(r"\\(?:[tbnrf\\\"']|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")

# Tokens after which ``<`` inside an expression is an operator: the end of an operand.
_OPERAND_KINDS = frozenset({"number", "string", "langtag", "var", "iri", "pname"})
_OPERAND_ENDS = frozenset({")", "]", "}"})
# Words before ``(`` that do not start an expression (VALUES lists, ``?s a (1 2)``).
_NOT_CALLS = frozenset({"VALUES", "A", "TRUE", "FALSE", "UNDEF"})


def _end(pattern: re.Pattern[str], text: str, at: int) -> int:
    """Where ``pattern`` stops matching at ``at``: for the patterns the scanner only tries
    where they match (white space at a space, a number at a digit, runs that may be empty)."""
    match = pattern.match(text, at)
    if match is None:
        raise AssertionError(f"{pattern.pattern!r} does not match at {at}")  # a scanner bug
    return match.end()


class Scanner:
    """One left-to-right pass over a query; see :func:`newskg.sparql.lexer.words`."""

    def __init__(self, query: str, *, flip: bool = False) -> None:
        self.q = query
        self.flip = flip  # read every unsure ``<`` the other way (see :meth:`angle`)
        self.unsure = False  # whether a ``<`` was read one way that might be the other
        self.tokens: list[Token] = []
        self.frames: list[str] = []  # "expr", "list" (collection, path, VALUES), "{", "["
        self.clause: str | None = None  # "select" or "modifiers" (ORDER/GROUP BY, HAVING)
        self.run_end = -1  # the end of the last run of name characters measured
        # content position -> where the string ends (-1: it does not), per opening quote:
        # a string that fails is never rescanned from a later quote inside it
        self.strings: dict[str, dict[int, int]] = {}

    def scan(self) -> list[Token]:
        q, n, i = self.q, len(self.q), 0
        while i < n:
            c = q[i]
            if c.isspace():
                i = _end(_SPACE, q, i)
            elif c == "#":
                i = _end(_LINE, q, i)
            elif c in "'\"":
                i = self.string(i)
            elif c == "<":
                i = self.angle(i)
            elif c in "?$" and (m := _VAR.match(q, i)):
                i = self.emit("var", m.end(), i)
            elif c == "@" and self.prev_kind() == "string" and (m := _LANGTAG.match(q, i)):
                i = self.emit("langtag", m.end(), i)
            elif c.isdigit() and c.isascii():
                i = self.emit("number", _end(_NUMBER, q, i), i)
            elif c == ":" or c == "_" or c.isalpha():
                i = self.name(i)
            else:
                self.other(i)
                i += 1
        return self.tokens

    # --- tokens ------------------------------------------------------------------------

    def emit(self, kind: str, end: int, start: int) -> int:
        self.tokens.append(Token(kind, self.q[start:end], start))
        return end

    def prev_kind(self) -> str:
        return self.tokens[-1].kind if self.tokens else ""

    def other(self, i: int) -> None:
        c = self.q[i]
        if c == "(":
            self.frames.append(self.paren_kind(i))
        elif c in "{[":
            self.frames.append(c)
            if c == "{":
                self.clause = None
        elif c in ")}]":
            if self.frames:
                self.frames.pop()
            if c == "}":
                self.clause = None
        self.emit("other", i + 1, i)

    def name(self, i: int) -> int:
        """A prefixed name (``ex:a``, ``:a``, ``_:b``) or a bare word. A run of name
        characters is measured once, so a long run costs its length, not its square."""
        q = self.q
        if q[i] != ":":
            if i >= self.run_end:
                self.run_end = _end(_NAME_RUN, q, i)
            colon = self.run_end < len(q) and q[self.run_end] == ":"
            if not colon or not (q[i].isalpha() or q[i : self.run_end] == "_"):
                m = _WORD.match(q, i)
                if m is None:  # ``_`` then something else
                    self.other(i)
                    return i + 1
                self.word(m.group())
                return self.emit("word", m.end(), i)
            at = self.run_end + 1
        else:
            at = i + 1
        end = _end(_LOCAL, q, at)
        while end > at and q[end - 1] == "." and q[end - 2 : end] != "\\.":
            end -= 1  # a local name does not end with a dot
        return self.emit("pname", end, i)

    def word(self, text: str) -> None:
        """Follow the clauses that decide how ``(`` is read."""
        upper = text.upper()
        if upper in ("SELECT", "HAVING", "BY"):
            self.clause = "select" if upper == "SELECT" else "modifiers"
        elif upper in ("WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"):
            self.clause = None

    def paren_kind(self, i: int) -> str:
        """Whether the ``(`` at ``i`` opens an expression (FILTER, BIND, a call, a
        projection, an ORDER BY condition…) or a list (a collection, a path, VALUES)."""
        tokens = self.tokens
        if (
            len(tokens) >= 2
            and tokens[-1].text == "<" == tokens[-2].text
            and tokens[-1].start == i - 1
            and tokens[-2].start == i - 2
        ):
            return "list"  # ``<<(`` opens a triple term
        if self.frames and self.frames[-1] == "expr":
            return "expr"
        if self.clause is not None:
            return "expr"
        if not tokens:
            return "list"
        prev = tokens[-1]
        if prev.kind == "word":
            return "list" if prev.text.upper() in _NOT_CALLS else "expr"
        if (
            prev.kind in ("iri", "pname")
            and len(tokens) >= 2
            and tokens[-2].kind == "word"
            and tokens[-2].text.upper() == "FILTER"
        ):
            return "expr"  # FILTER <f>(…)
        return "list"

    def angle(self, i: int) -> int:
        """``<``: less-than after an operand inside an expression (oxigraph's parser reads
        it so), else an IRI when one follows (``\\u`` escapes allowed), else a character.

        After an operand inside parentheses the two readings hide different text when the
        IRI would hold a quote or ``#`` (``(2 <'>#' …``): the reading follows whether the
        parentheses hold an expression or a list, and the ``<`` is marked unsure, so that
        :func:`words` also reads the text the other way (``flip``)."""
        m = _IRI.match(self.q, i)
        frame = self.frames[-1] if self.frames else ""
        operator = False
        if frame in ("expr", "list") and self.after_operand():
            unsure = m is not None and ("'" in m.group() or "#" in m.group())
            self.unsure = self.unsure or unsure
            operator = (frame == "expr") != (self.flip and unsure)
        if m and not operator:
            return self.emit("iri", m.end(), i)
        self.other(i)
        return i + 1

    def after_operand(self) -> bool:
        if not self.tokens:
            return False
        prev = self.tokens[-1]
        return (
            prev.kind in _OPERAND_KINDS
            or (prev.kind == "other" and prev.text in _OPERAND_ENDS)
            or (prev.kind == "word" and prev.text.upper() in ("TRUE", "FALSE"))
        )

    def string(self, i: int) -> int:
        """A string literal as the parser reads it (its escapes only); an opening quote
        without its close is a lone character, and lexing goes on after it."""
        q = self.q
        quote = q[i]
        long = q.startswith(quote * 3, i)
        opening = quote * 3 if long else quote
        memo = self.strings.setdefault(opening, {})
        start = i + len(opening)
        end = self.string_end(start, quote, long, memo)
        if end < 0 and long:  # ``''`` then a quote: an empty string first
            return self.emit("string", i + 2, i)
        if end < 0:
            self.other(i)
            return i + 1
        return self.emit("string", end, i)

    def string_end(self, j: int, quote: str, long: bool, memo: dict[int, int]) -> int:
        q, n = self.q, len(self.q)
        seen: list[int] = []
        end = -1
        while j < n:
            if j in memo:
                end = memo[j]
                break
            seen.append(j)
            c = q[j]
            if c == quote:
                if not long:
                    end = j + 1
                    break
                if q.startswith(quote * 3, j):
                    end = j + 3  # the first three close it, as in the parser
                    break
                j += 1
            elif c == "\\":
                m = _ESCAPE.match(q, j)
                if m is None:
                    break
                j = m.end()
            elif c in "\n\r" and not long:
                break
            else:
                j += 1
        for k in seen:
            memo[k] = end
        return end
