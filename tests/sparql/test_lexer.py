"""``newskg.sparql.lexer.point_lookup``: which texts the fast lane
(:mod:`newskg.sparql.lookup`) may try.

A point lookup is a SELECT or ASK of exactly one triple pattern whose subject is an IRI or a
prefixed name, optionally with LIMIT/OFFSET, and nothing else. Everything the lexer accepts
is evaluated in the web worker, where no time limit can stop it, so a refusal is always the
safe answer: every case below that is refused must stay refused (the engine answers it)."""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newskg.sparql.lexer import keywords, lookup_modifiers, point_lookup

S = "<http://e/s>"
PREFIXES = "PREFIX e: <http://e/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

ACCEPTED = [
    pytest.param(f"SELECT ?p ?o WHERE {{ {S} ?p ?o }}", id="iri-subject"),
    pytest.param(PREFIXES + "SELECT ?p ?o WHERE { e:s ?p ?o }", id="prefix-pname-subject"),
    pytest.param("PREFIX : <http://e/> SELECT ?o { :s :p ?o }", id="empty-prefix"),
    pytest.param("BASE <http://e/> SELECT ?p ?o { <s> ?p ?o }", id="base-relative-iri"),
    pytest.param(
        "BASE <http://e/> PREFIX e: <x#> PREFIX f: <http://f/>\nSELECT ?o { e:s f:p ?o }",
        id="base-and-prefixes",
    ),
    pytest.param(f"SELECT * WHERE {{ {S} ?p ?o }}", id="select-star"),
    pytest.param(f"SELECT ?x {{ {S} ?p ?o }}", id="projects-an-unused-variable"),
    pytest.param(f"ASK {{ {S} <http://e/p> <http://e/o> }}", id="ask-all-bound"),
    pytest.param(f"ASK WHERE {{ {S} ?p ?o }}", id="ask-where"),
    pytest.param(f"SELECT ?type {{ {S} a ?type }}", id="a-as-predicate"),
    pytest.param(PREFIXES + 'ASK { e:beirut rdfs:label "Beyrouth"@fr }', id="lang-string"),
    pytest.param(f'SELECT ?p {{ {S} ?p """two\nlines"""@en-GB }}', id="long-string-subtag"),
    pytest.param(f"SELECT ?p {{ {S} ?p 'single' }}", id="plain-string"),
    pytest.param(
        f'ASK {{ {S} ?p "OPTIONAL {{ ?x ?y ?z }} FILTER" }}', id="keywords-inside-a-string"
    ),
    pytest.param(
        f"# look it up\nSELECT ?p ?o # the vars\nWHERE {{ {S} ?p ?o }} # done", id="comments"
    ),
    pytest.param("SELECT ?o { <http://e/s#me> ?p ?o }", id="hash-inside-iri-is-no-comment"),
    pytest.param(f"SELECT ?p ?o WHERE {{ {S} ?p ?o }} LIMIT 10", id="limit"),
    pytest.param(f"SELECT ?p ?o WHERE {{ {S} ?p ?o }} OFFSET 20 LIMIT 10", id="offset-limit"),
    pytest.param(
        f"select ?p ?o where {{ {S} ?p ?o . }} limit 5 offset 1", id="lower-case-and-trailing-dot"
    ),
    pytest.param(f"SELECT $p $o {{ {S} $p $o }}", id="dollar-variables"),
    # The lexer does not parse: a text it accepts may still be wrong; pyoxigraph then refuses
    # it and the engine reports the 400 (see test_lookup.py).
    pytest.param(f"SELECT ?p ?o WHERE {{ {S} ?p ?o }} LIMIT 1 0", id="lexes-but-will-not-parse"),
]

REFUSED = [
    pytest.param("SELECT * { ?s ?p ?o }", id="unbound-subject"),
    pytest.param("SELECT ?p ?o { _:b ?p ?o }", id="blank-node-subject"),
    pytest.param("SELECT ?p ?o { [] ?p ?o }", id="anonymous-blank-node-subject"),
    pytest.param(f"SELECT ?o {{ {S} ?p _:b }}", id="blank-node-object"),
    pytest.param(f"SELECT ?p ?o ?q {{ {S} ?p ?o . ?o ?q ?r }}", id="two-patterns"),
    pytest.param(
        f"SELECT ?o ?r {{ {S} <http://e/p> ?o ; <http://e/q> ?r }}", id="predicate-object-list"
    ),
    pytest.param(f"SELECT ?o {{ {S} <http://e/p> ?o , <http://e/o> }}", id="object-list"),
    pytest.param(f"SELECT ?o {{ {S} ?p ?o FILTER(isIRI(?o)) }}", id="filter"),
    pytest.param(f"SELECT ?o {{ {S} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}", id="optional"),
    pytest.param(f"SELECT ?o {{ {S} ?p ?o BIND(1 AS ?one) }}", id="bind"),
    pytest.param(f"SELECT ?o {{ {{ {S} ?p ?o }} UNION {{ {S} ?p ?o }} }}", id="union"),
    pytest.param(f"SELECT DISTINCT ?p {{ {S} ?p ?o }}", id="distinct"),
    pytest.param(f"SELECT REDUCED ?p {{ {S} ?p ?o }}", id="reduced"),
    pytest.param(f"SELECT (COUNT(*) AS ?n) {{ {S} ?p ?o }}", id="aggregate"),
    pytest.param(f"SELECT ?p {{ {S} ?p ?o }} GROUP BY ?p", id="group-by"),
    pytest.param(f"SELECT ?p ?o {{ {S} ?p ?o }} ORDER BY ?o", id="order-by"),
    pytest.param(f"SELECT ?p ?o FROM <http://e/g> {{ {S} ?p ?o }}", id="from"),
    pytest.param(f"SELECT ?p ?o FROM NAMED <http://e/g> {{ {S} ?p ?o }}", id="from-named"),
    pytest.param(f"SELECT ?p ?o {{ GRAPH <http://e/g> {{ {S} ?p ?o }} }}", id="graph"),
    pytest.param(f"SELECT ?o {{ {S} <http://e/p>/<http://e/q> ?o }}", id="path-sequence"),
    pytest.param(f"SELECT ?o {{ {S} <http://e/p>|<http://e/q> ?o }}", id="path-alternative"),
    pytest.param(f"SELECT ?o {{ {S} ^<http://e/p> ?o }}", id="path-inverse"),
    pytest.param(f"SELECT ?o {{ {S} <http://e/p>* ?o }}", id="path-zero-or-more"),
    pytest.param(f"SELECT ?o {{ {S} <http://e/p>+ ?o }}", id="path-one-or-more"),
    pytest.param(f"SELECT ?o {{ {S} <http://e/p>? ?o }}", id="path-zero-or-one"),
    pytest.param(f"SELECT ?o {{ {S} !<http://e/p> ?o }}", id="path-negated"),
    pytest.param(f"SELECT ?x {{ {S} ?x ?x }}", id="repeated-variable"),
    pytest.param(f"SELECT ?x {{ {S} ?x $x }}", id="repeated-variable-other-sigil"),
    pytest.param(f"CONSTRUCT {{ {S} ?p ?o }} WHERE {{ {S} ?p ?o }}", id="construct"),
    pytest.param(f"DESCRIBE {S}", id="describe"),
    pytest.param(f"SELECT ?o {{ {{ SELECT ?o {{ {S} ?p ?o }} }} }}", id="subquery"),
    pytest.param(f"SELECT ?o {{ {S} ?p ?o }} VALUES ?o {{ <http://e/o> }}", id="values-after"),
    pytest.param(f"SELECT ?o {{ VALUES ?o {{ <http://e/o> }} {S} ?p ?o }}", id="values-inside"),
    pytest.param(f"SELECT ?o {{ SERVICE <http://e/sparql> {{ {S} ?p ?o }} }}", id="service"),
    pytest.param(
        f'SELECT ?p {{ {S} ?p "1"^^<http://www.w3.org/2001/XMLSchema#integer> }}',
        id="typed-literal-object",
    ),
    pytest.param(f"SELECT ?p {{ {S} ?p 42 }}", id="numeric-object"),
    pytest.param(f"SELECT ?p {{ {S} ?p true }}", id="boolean-object"),
    pytest.param(
        f"SELECT ?o {{ << {S} <http://e/p> <http://e/o> >> ?p ?o }}", id="quoted-triple-subject"
    ),
    pytest.param(f"INSERT DATA {{ {S} <http://e/p> <http://e/o> }}", id="insert-data"),
    pytest.param(f"DELETE WHERE {{ {S} ?p ?o }}", id="delete-where"),
    pytest.param(f"SELECT ?p ?o {{ {S} ?p ?o }} LIMIT", id="limit-without-number"),
    pytest.param(f"SELECT ?p ?o {{ {S} ?p ?o }} }}", id="trailing-text"),
    pytest.param(f"SELECT {{ {S} ?p ?o }}", id="no-projection"),
    # To the parser ``e:x\#`` is one name (an escaped ``#``) and the rest of the line is
    # query text: here a join with a whole-graph scan. It must not pass for a comment.
    pytest.param(
        f"PREFIX e: <http://e/>\nSELECT * {{ {S} ?p e:x\\# . ?s ?q ?r\n}}",
        id="escaped-hash-is-no-comment",
    ),
    pytest.param(PREFIXES, id="prologue-only"),
    pytest.param("", id="empty"),
    pytest.param(f"SELECT var {{ {S} ?p ?o }}", id="a-word-named-like-a-token-kind"),
    pytest.param("SELECT ?o { iri ?p ?o }", id="a-word-where-an-iri-goes"),
]


@pytest.mark.parametrize("query", ACCEPTED)
def test_point_lookups_are_accepted(query: str) -> None:
    assert point_lookup(query) is True


@pytest.mark.parametrize("query", REFUSED)
def test_everything_else_is_refused(query: str) -> None:
    assert point_lookup(query) is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"SELECT ?p ?o {{ {S} ?p ?o }}", {}),
        (f"SELECT ?p ?o {{ {S} ?p ?o }} LIMIT 10", {"LIMIT": 10}),
        (
            f"SELECT ?p ?o {{ {S} ?p ?o }} OFFSET 2000 LIMIT 10 # a comment",
            {"OFFSET": 2000, "LIMIT": 10},
        ),
        (f"SELECT ?p ?o {{ {S} ?p ?o }} limit 5 offset 7", {"LIMIT": 5, "OFFSET": 7}),
        (f"SELECT ?p ?o {{ {S} ?p ?o }} LIMIT 5 LIMIT 7", None),
        ("SELECT ?p ?o { ?s ?p ?o } LIMIT 5", None),
    ],
)
def test_modifiers_of_a_point_lookup(query: str, expected: dict[str, int] | None) -> None:
    """What bounds the lane's work: the LIMIT and OFFSET that end a point lookup (None for
    a text that is not one)."""
    assert lookup_modifiers(query) == expected


def test_lookup_numbers_past_what_the_parser_takes_are_no_lookup() -> None:
    """The parser takes LIMIT and OFFSET up to 2^64 - 1; past that (and past the 4,300
    digits ``int()`` converts) the text is no point lookup: the engine reports the error."""
    ask = f"ASK {{ {S} ?p ?o }} "
    assert lookup_modifiers(ask + f"LIMIT {2**64 - 1}") == {"LIMIT": 2**64 - 1}
    assert lookup_modifiers(ask + "LIMIT 000" + str(2**64 - 1)) == {"LIMIT": 2**64 - 1}
    for number in (str(2**64), "9" * 4301, "1" * 100_000):
        assert lookup_modifiers(ask + "LIMIT " + number) is None
        assert lookup_modifiers(ask + "OFFSET " + number) is None


# --- keywords as the parser sees them -----------------------------------------------------------


def test_keywords_of_every_token_kind() -> None:
    query = (
        'PREFIX e: <http://e/service#load> SELECT ?service (STR("SERVICE") AS ?x) '
        "WHERE { e:service e:p 'LOAD' ; e:q '''SERVICE''' , \"x\"@service . "
        "# SERVICE\n _:service e:p 1.5e3 FILTER(?x < 2 && ?x > <http://e/>) }"
    )
    assert list(keywords(query)) == ["PREFIX", "SELECT", "STR", "AS", "WHERE", "FILTER"]


# The parser reads these the way the comments say; each must show the lexer a SERVICE.
TARGET = "SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o }"
SERVICE_READINGS = [
    pytest.param(
        f"SELECT * WHERE {{ BIND(2<'>#' AS ?z) {TARGET} }}", id="less-than-then-a-string"
    ),  # not the IRI <'> and a comment
    pytest.param(
        f"SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?i) {TARGET} }}",
        id="uchar-escape-in-an-iri",
    ),
    pytest.param(f"SELECT (?o<'>#' AS ?x) WHERE {{ ?s ?p ?o {TARGET} }}", id="projection"),
    pytest.param(
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(EXISTS{{?s ?p ?o}}<'>#') {TARGET} }}", id="after-exists"
    ),
    pytest.param(
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(\"a\"^^<http://x><'>#') {TARGET} }}",
        id="after-a-typed-literal",
    ),
    pytest.param(
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(true<'''a\n#''') {TARGET} }}",
        id="long-string-after-a-boolean",
    ),
    pytest.param(f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o IN (1<'>#')) {TARGET} }}", id="inside-in"),
    pytest.param("SELECT*WHERE{SERVICESILENT<http://127.0.0.1:1/x>{}}", id="glued-silent"),
    pytest.param(
        "PREFIX ex: <http://127.0.0.1:1/> SELECT * WHERE { SERVICEex:x {} }",
        id="glued-to-a-prefixed-name",
    ),
    pytest.param(
        "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:1/x> {} }", id="glued-to-a-boolean"
    ),
    pytest.param(
        "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:1/x> {} }", id="glued-to-a-number"
    ),
    pytest.param(
        "SELECT * WHERE { ?s ?p 1.e5SERVICE <http://127.0.0.1:1/x> {} }", id="glued-to-a-double"
    ),
]


def _store() -> pyoxigraph.Store:
    """One triple, so that ``?s ?p ?o`` has a solution and a SERVICE after it is run."""
    store = pyoxigraph.Store()
    store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(f"http://e/{n}") for n in "spo")))
    return store


STORE = _store()


def _parses(query: str) -> bool:
    """Whether pyoxigraph's parser takes ``query`` (evaluating it may fail otherwise: a
    SERVICE fails on the port-1 target, a port oxigraph refuses to call)."""
    try:
        _evaluate(query)
    except SyntaxError:
        return False
    except (OSError, RuntimeError):
        return True
    return True


def _runs_service(query: str) -> bool:
    """Whether pyoxigraph runs the SERVICE of ``query``: evaluating it fails on the port-1
    target. A SERVICE the parser reads but the engine skips (after an empty join) is not
    seen, so a case may be missed, never invented: a query that closes its group early and
    hides the SERVICE in a comment parses too, and must not count."""
    try:
        _evaluate(query)
    except OSError as exc:
        return "port 1 " in str(exc)
    except (SyntaxError, RuntimeError):
        return False
    return False


def test_the_property_can_see_a_service_run() -> None:
    """The property below asserts only where :func:`_runs_service` says yes: it must say yes
    for a plain SERVICE (else a changed error message would make it assert nothing)."""
    assert _runs_service("SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }")
    assert not _runs_service("SELECT * WHERE { ?s ?p ?o }")


def _evaluate(query: str) -> None:
    results = STORE.query(query)
    if isinstance(results, pyoxigraph.QuerySolutions):
        list(results)


@pytest.mark.parametrize("query", SERVICE_READINGS)
def test_the_lexer_sees_the_service_the_parser_runs(query: str) -> None:
    assert _parses(query), "valid SPARQL: the parser reads a SERVICE here"
    assert "SERVICE" in set(keywords(query))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s <http://e/p> <http://e/service#x> . ?s ?q <http://e/load#y> }",
        "PREFIX service: <http://e/> SELECT * { service:x ?p ?o . ?s ?p service:y }",
        "SELECT * { ?s ?p ?o FILTER(?o = <http://e/service#a> || ?o < 2) }",
        "SELECT * { ?s ?p ('#' <http://e/service>) }",
    ],
)
def test_iris_and_names_holding_keywords_are_no_keywords(query: str) -> None:
    assert {"SERVICE", "LOAD"}.isdisjoint(keywords(query))


def test_an_unsure_less_than_gives_the_words_of_both_readings() -> None:
    """In a list ``(1 <'>#' …`` is an IRI and a comment; were the list an expression, it
    would be less-than and a string. Where the lexer could be wrong about which, it
    reports the words of both readings: a refusal errs on the side of refusing."""
    listed = "SELECT * { ?s ?p (1 <'>#' SERVICE <http://e/> {} )\n}"
    assert "SERVICE" in set(keywords(listed))
    assert list(keywords("SELECT * { ?s ?p (1 <http://e/a>) }")) == ["SELECT"]


PIECES = [
    "<",
    ">",
    "<=",
    "=",
    "!=",
    "&&",
    "#",
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\\u0041",
    "\\u003E",
    "\\'",
    "2",
    "-1",
    "1.5",
    "1.e5",
    "?o",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "<'>",
    "<http://x/#y>",
    "'a'",
    "@en",
    "^^",
    "\n",
    " ",
    "ex:a",
    ":",
    "true",
    "a",
    ".",
    ",",
    "FILTER",
    "BIND",
    "AS",
    "EXISTS",
    "IN",
    "STR",
    "VALUES",
    "ORDER BY",
    "<<(",
    ")>>",
    "SERVICE",
]
PLACES = [
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ?o FILTER({x}) " + TARGET + " }",
    "PREFIX ex: <http://e/> SELECT * WHERE { BIND({x} AS ?z) " + TARGET + " }",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p {x} " + TARGET + " }",
    "PREFIX ex: <http://e/> SELECT ({x} AS ?z) WHERE { " + TARGET + " }",
    "PREFIX ex: <http://e/> SELECT * WHERE { {x} " + TARGET + " }",
]


@settings(
    max_examples=3000,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(place=st.sampled_from(PLACES), pieces=st.lists(st.sampled_from(PIECES), max_size=8))
def test_whenever_the_parser_runs_service_the_lexer_sees_it(place: str, pieces: list[str]) -> None:
    """Constructs the two readers may read apart (``<``, quotes, ``#``, escapes, comparisons,
    line breaks) before a SERVICE: whenever pyoxigraph's parser would run it, the check
    must see it."""
    query = place.replace("{x}", "".join(pieces))
    if _runs_service(query):
        assert "SERVICE" in set(keywords(query)), query
