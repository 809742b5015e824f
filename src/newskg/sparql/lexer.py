"""Just enough SPARQL lexing to find keywords without parsing: the query form, SERVICE,
LOAD, update operations.

Everything that can hold a keyword-looking word without being one (comments, strings, IRIs,
variables, prefixed names, language tags) is matched whole first, so ``?service``,
``ex:service`` and ``"SERVICE"`` are not keywords. A token must end where the parser's does:
``ex:a\\#b`` is one prefixed name (an escaped ``#``), not a name and then a comment that would
hide the rest of the line from these checks.

The scanner reads each character a bounded number of times, whatever the text: a regular
expression with one alternative per token kind retried the prefixed-name pattern across a
whole run of name characters at every position of it (70 s for ``'1' * 100_000``).

Where oxigraph's parser reads a character differently by context, so does the scanner:
``<`` after an operand inside an expression is less-than (``2<'>#'`` is a comparison with
a string, not an IRI and a comment), and the parser matches keywords by prefix
(``SERVICESILENT<…>`` is SERVICE SILENT), so :func:`keywords` reports such words too.

>>> query_form('PREFIX s: <http://schema.org/> # SELECT\\nDESCRIBE ?x WHERE { ?x s:name "ASK" }')
'DESCRIBE'
>>> list(keywords('SELECT ?service WHERE { SERVICE <http://x/> { ?s ?p ?o } }'))
['SELECT', 'WHERE', 'SERVICE']
>>> 'SERVICE' in keywords("SELECT * { BIND(2<'>#' AS ?z) SERVICE <http://x/> {} }")
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
# Keywords the parser may read at the start of a longer word (it matches keywords by
# prefix, case-insensitively, with no word boundary): ``SELECTDISTINCT``, ``SERVICESILENT``.
GLUED = (
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "SERVICE",
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
)
U64_MAX = 2**64 - 1  # the largest LIMIT or OFFSET the parser takes


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


class _Scanner:
    """One left-to-right pass over a query; see :func:`_readings`."""

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
                i = _SPACE.match(q, i).end()  # type: ignore[union-attr]
            elif c == "#":
                i = _LINE.match(q, i).end()  # type: ignore[union-attr]
            elif c in "'\"":
                i = self.string(i)
            elif c == "<":
                i = self.angle(i)
            elif c in "?$" and (m := _VAR.match(q, i)):
                i = self.emit("var", m.end(), i)
            elif c == "@" and self.prev_kind() == "string" and (m := _LANGTAG.match(q, i)):
                i = self.emit("langtag", m.end(), i)
            elif c.isdigit() and c.isascii():
                i = self.emit("number", _NUMBER.match(q, i).end(), i)  # type: ignore[union-attr]
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
                self.run_end = _NAME_RUN.match(q, i).end()  # type: ignore[union-attr]
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
        end = _LOCAL.match(q, at).end()  # type: ignore[union-attr]
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


@functools.lru_cache(maxsize=8)
def _readings(query: str) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """Every token but comments and white space, as the parser most likely reads them; and
    when some ``<`` could be read the other way, the tokens read so (else none). One
    request asks several questions of the same text (its form, SERVICE, a point lookup?),
    so the last few texts' tokens are kept: each is lexed once."""
    scanner = _Scanner(query)
    tokens = tuple(scanner.scan())
    return tokens, tuple(_Scanner(query, flip=True).scan()) if scanner.unsure else ()


def _tokens(query: str) -> tuple[Token, ...]:
    return _readings(query)[0]


def _glued(text: str) -> str | None:
    """The keyword the parser may read in the word ``text`` (upper case) when it is longer:
    it matches keywords by prefix (``SELECTDISTINCT`` is SELECT DISTINCT), and a word may
    follow a token the parser ends sooner than this lexer (``trueSERVICE``, ``1.e5SERVICE``),
    so SERVICE anywhere in a word counts: no function or keyword holds it."""
    for keyword in GLUED:
        if text.startswith(keyword) and len(text) > len(keyword):
            return keyword
    return "SERVICE" if "SERVICE" in text and text != "SERVICE" else None


def words(query: str) -> Iterator[tuple[str, int]]:
    """The bare words of ``query`` in upper case, each with the offset where it starts; a
    word the parser may read as a keyword glued to more text gives that keyword
    (``SERVICESILENT`` gives SERVICE), and a prefixed name it may read as SERVICE before a
    group (``SERVICEex:x {``) gives SERVICE. When a ``<`` could be read either way, the
    words of both readings: a refusal on these words errs on the side of refusing."""
    likely, other = _readings(query)
    seen = set()
    for word in _words(likely):
        seen.add(word)
        yield word
    for word in _words(other):  # an unsure text: the other reading's words too
        if word not in seen:
            yield word


def _words(tokens: tuple[Token, ...]) -> Iterator[tuple[str, int]]:
    for at, (kind, text, start) in enumerate(tokens):
        if kind == "word":
            upper = text.upper()
            glued = _glued(upper)
            if glued is None:
                yield upper, start
            else:
                yield glued, start + upper.index(glued)
        elif kind == "pname" and at + 1 < len(tokens) and tokens[at + 1].text == "{":
            prefix = text.split(":", 1)[0].upper()
            if "SERVICE" in prefix:
                yield "SERVICE", start + prefix.index("SERVICE")


def keywords(query: str) -> Iterator[str]:
    """The bare words of ``query`` in upper case, in order (see :func:`words`)."""
    for word, _ in words(query):
        yield word


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; the first other keyword (INSERT, LOAD…) for an
    update; None for an empty text. The prologue (PREFIX, BASE) is skipped."""
    for word in keywords(query):
        if word not in {"PREFIX", "BASE"}:
            return word
    return None


def _bound(kind: str, text: str) -> bool:
    return kind == "iri" or (kind == "pname" and not text.startswith("_:"))


def point_lookup(query: str) -> bool:
    """Whether ``query`` is a SELECT or ASK of one triple pattern with a bound subject and
    nothing else (no FILTER, OPTIONAL, DISTINCT, ORDER BY, FROM, paths or repeated
    variables): each triple of that subject gives one solution, so the work is bounded by
    the subject's triples and stops after the rows asked for. A text this accepts may still
    be wrong (``LIMIT 1 0``): the parser has the last word.

    >>> point_lookup('PREFIX e: <http://e/> SELECT ?p ?o WHERE { e:x ?p ?o } LIMIT 10')
    True
    >>> point_lookup('ASK { <http://e/x> a <http://e/C> }')
    True
    >>> point_lookup('SELECT * { ?s ?p ?o }'), point_lookup('SELECT ?o { <http://e/x> ?o ?o }')
    (False, False)
    >>> point_lookup('SELECT ?o { <http://e/x> <http://e/p>/<http://e/q> ?o }')
    False
    """
    return lookup_modifiers(query) is not None


def lookup_modifiers(query: str) -> dict[str, int] | None:
    """The LIMIT and OFFSET of a point lookup (see :func:`point_lookup`), by keyword; None
    when ``query`` is not one, or when a number is past what the parser takes (2^64 - 1):
    the engine then reports the syntax error.

    >>> lookup_modifiers('SELECT * { <http://e/x> ?p ?o } LIMIT 10 OFFSET 2')
    {'LIMIT': 10, 'OFFSET': 2}
    >>> lookup_modifiers('ASK { <http://e/x> ?p ?o }'), lookup_modifiers('ASK {}')
    ({}, None)
    >>> lookup_modifiers('ASK { <http://e/x> ?p ?o } LIMIT ' + '9' * 5000) is None
    True
    """
    tokens = _tokens(query)
    at = 0

    def take(kind: str, *texts: str) -> str | None:
        """The next token's text if it is of ``kind`` (and one of ``texts``, when given:
        words in any case, punctuation as is); then it is consumed."""
        nonlocal at
        if at < len(tokens) and tokens[at].kind == kind:
            text = tokens[at].text
            if not texts or (text.upper() if kind == "word" else text) in texts:
                at += 1
                return text
        return None

    while (word := take("word", "PREFIX", "BASE")) is not None:
        if word.upper() == "PREFIX" and take("pname") is None:
            return None
        if take("iri") is None:
            return None
    if take("word", "SELECT") is not None:
        if take("other", "*") is None:
            if take("var") is None:
                return None
            while take("var") is not None:
                pass
    elif take("word", "ASK") is None:
        return None
    take("word", "WHERE")
    if take("other", "{") is None or at + 3 > len(tokens):
        return None
    (skind, stext, _), (pkind, ptext, _), (okind, otext, _) = tokens[at : at + 3]
    at += 3
    if not _bound(skind, stext):
        return None
    if not (_bound(pkind, ptext) or pkind == "var" or (pkind, ptext) == ("word", "a")):
        return None
    if okind == "string":
        take("langtag")
    elif not (_bound(okind, otext) or okind == "var"):
        return None
    if pkind == okind == "var" and ptext[1:] == otext[1:]:
        return None  # ?x ?x: triples are scanned that give no solution
    take("other", ".")
    if take("other", "}") is None:
        return None
    found: dict[str, int] = {}
    while (word := take("word", "LIMIT", "OFFSET")) is not None:
        digits = ""
        while at < len(tokens) and tokens[at].kind == "number" and tokens[at].text.isdigit():
            digits += tokens[at].text
            at += 1
        if not digits or word.upper() in found:
            return None
        digits = digits.lstrip("0") or "0"
        if len(digits) > len(str(U64_MAX)) or int(digits) > U64_MAX:
            return None  # int() of 4,300 digits and more raises; the parser refuses it
        found[word.upper()] = int(digits)
    return found if at == len(tokens) else None
