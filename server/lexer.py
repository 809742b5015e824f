"""Just enough SPARQL lexing to find keywords without parsing: the query form, SERVICE,
LOAD, update operations.

Everything that can hold a keyword-looking word without being one (comments, strings, IRIs,
variables, prefixed names, language tags) is matched whole first, so ``?service``,
``ex:service`` and ``"SERVICE"`` are not keywords.

>>> query_form('PREFIX s: <http://schema.org/> # SELECT\\nDESCRIBE ?x WHERE { ?x s:name "ASK" }')
'DESCRIBE'
>>> list(keywords('SELECT ?service WHERE { SERVICE <http://x/> { ?s ?p ?o } }'))
['SELECT', 'WHERE', 'SERVICE']
"""

from __future__ import annotations

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
    | (?P<pname>[\w.\-]*:[\w.\-:%\\]*)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


def keywords(query: str) -> Iterator[str]:
    """The bare words of ``query`` in upper case, in order."""
    for match in _TOKEN.finditer(query):
        if match.lastgroup == "word":
            yield match.group().upper()


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
