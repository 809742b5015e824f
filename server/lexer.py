"""Just enough SPARQL lexing to find keywords without parsing: the query form, SERVICE,
LOAD, update operations.

Everything that can hold a keyword-looking word without being one (comments, strings, IRIs,
variables, prefixed names, language tags) is matched whole first, so ``?service``,
``ex:service`` and ``"SERVICE"`` are not keywords. A token must end where the parser's does:
``ex:a\\#b`` is one prefixed name (an escaped ``#``), not a name and then a comment that would
hide the rest of the line from these checks.

>>> query_form('PREFIX s: <http://schema.org/> # SELECT\\nDESCRIBE ?x WHERE { ?x s:name "ASK" }')
'DESCRIBE'
>>> list(keywords('SELECT ?service WHERE { SERVICE <http://x/> { ?s ?p ?o } }'))
['SELECT', 'WHERE', 'SERVICE']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>[\w.\-]*:(?:[\w.\-:%]|\\.)*)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


@functools.lru_cache(maxsize=8)
def _tokens(query: str) -> tuple[tuple[str, str], ...]:
    """(kind, text) of every token but comments and white space. One request asks several
    questions of the same text (its form, SERVICE, a point lookup?), so the last few texts'
    tokens are kept: each is lexed once."""
    return tuple((m.lastgroup or "", m.group()) for m in _TOKEN.finditer(query)
                 if m.lastgroup != "comment" and not m.group().isspace())


def keywords(query: str) -> Iterator[str]:
    """The bare words of ``query`` in upper case, in order."""
    for kind, text in _tokens(query):
        if kind == "word":
            yield text.upper()


def words(query: str) -> Iterator[tuple[str, int]]:
    """The bare words of ``query`` in upper case, each with the offset where it starts."""
    for match in _TOKEN.finditer(query):
        if match.lastgroup == "word":
            yield match.group().upper(), match.start()


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
    when ``query`` is not one.

    >>> lookup_modifiers('SELECT * { <http://e/x> ?p ?o } LIMIT 10 OFFSET 2')
    {'LIMIT': 10, 'OFFSET': 2}
    >>> lookup_modifiers('ASK { <http://e/x> ?p ?o }'), lookup_modifiers('ASK {}')
    ({}, None)
    """
    tokens = _tokens(query)
    at = 0

    def take(kind: str, *texts: str) -> str | None:
        """The next token's text if it is of ``kind`` (and one of ``texts``, when given:
        words in any case, punctuation as is); then it is consumed."""
        nonlocal at
        if at < len(tokens) and tokens[at][0] == kind:
            text = tokens[at][1]
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
    (skind, stext), (pkind, ptext), (okind, otext) = tokens[at:at + 3]
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
        while (digit := take("other", *"0123456789")) is not None:
            digits += digit
        if not digits or word.upper() in found:
            return None
        found[word.upper()] = int(digits)
    return found if at == len(tokens) else None
