"""Just enough SPARQL lexing to find keywords without parsing: the query form, SERVICE,
LOAD, update operations.

Everything that can hold a keyword-looking word without being one (comments, strings, IRIs,
variables, prefixed names, language tags) is matched whole first, so ``?service``,
``ex:service`` and ``"SERVICE"`` are not keywords. A token must end where the parser's does:
``ex:a\\#b`` is one prefixed name (an escaped ``#``), not a name and then a comment that would
hide the rest of the line from these checks.

The tokens come from :mod:`newskg.sparql.scanner`, which reads each character a bounded
number of times, whatever the text (a regex lexer took 70 s for ``'1' * 100_000``). Where
oxigraph's parser reads a character differently by context, so does the scanner: ``<`` after
an operand inside an expression is less-than (``2<'>#'`` is a comparison with a string, not
an IRI and a comment); and the parser matches keywords by prefix (``SERVICESILENT<…>`` is
SERVICE SILENT), so :func:`keywords` reports such words too.

>>> query_form('PREFIX s: <http://schema.org/> # SELECT\\nDESCRIBE ?x WHERE { ?x s:name "ASK" }')
'DESCRIBE'
>>> list(keywords('SELECT ?service WHERE { SERVICE <http://x/> { ?s ?p ?o } }'))
['SELECT', 'WHERE', 'SERVICE']
>>> 'SERVICE' in keywords("SELECT * { BIND(2<'>#' AS ?z) SERVICE <http://x/> {} }")
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from newskg.sparql.scanner import Scanner, Token

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


@functools.lru_cache(maxsize=8)
def _readings(query: str) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """Every token but comments and white space, as the parser most likely reads them; and
    when some ``<`` could be read the other way, the tokens read so (else none). One
    request asks several questions of the same text (its form, SERVICE, a point lookup?),
    so the last few texts' tokens are kept: each is lexed once."""
    scanner = Scanner(query)
    tokens = tuple(scanner.scan())
    return tokens, tuple(Scanner(query, flip=True).scan()) if scanner.unsure else ()


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
    yield from _all_words(query)


@functools.lru_cache(maxsize=8)
def _all_words(query: str) -> tuple[tuple[str, int], ...]:
    """:func:`words` of ``query``; kept for the last few texts, as their tokens are (one
    request asks several questions of the same words)."""
    likely, other = _readings(query)
    found = list(_words(likely))
    seen = set(found)
    # An unsure text: the other reading's words too.
    found += [word for word in _words(other) if word not in seen]
    return tuple(found)


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


@functools.lru_cache(maxsize=8)  # a request asks twice: is it a lookup, then its LIMIT/OFFSET
def lookup_modifiers(query: str) -> Mapping[str, int] | None:
    """The LIMIT and OFFSET of a point lookup (see :func:`point_lookup`), by keyword; None
    when ``query`` is not one, or when a number is past what the parser takes (2^64 - 1):
    the engine then reports the syntax error.

    >>> dict(lookup_modifiers('SELECT * { <http://e/x> ?p ?o } LIMIT 10 OFFSET 2'))
    {'LIMIT': 10, 'OFFSET': 2}
    >>> dict(lookup_modifiers('ASK { <http://e/x> ?p ?o }')), lookup_modifiers('ASK {}')
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
    # Read-only: the answer is cached, and every caller shares it.
    return MappingProxyType(found) if at == len(tokens) else None
