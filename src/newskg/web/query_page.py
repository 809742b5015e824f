"""The query page at ``/sparql``: example queries, YASGUI assets and local autocompletion.

:mod:`newskg.web.endpoint` renders ``sparql.html`` with :func:`query_page_context` for a browser's
GET without a query. The page is a plain HTML form (textarea + submit) that works without
JavaScript; when the YASGUI files are installed (``make`` copies them from npm into
``src/newskg/web/static/vendor/yasgui/``) the page loads them from this server and turns the form
into YASGUI. Nothing on the page is fetched from anywhere else: YASGUI's autocompleters
that call outside services (LOV, prefix.cc) are replaced by lists built here from the
ontology and the SHACL shapes.

Example queries are the files ``queries/*.rq``, each beginning with comment lines::

    # title: Who said what about whom
    # description: Every quote with its speaker and ...
    #   (lines indented after ``#`` continue the value above)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph
from flask import current_app, request, url_for

from newskg.errors import NewskgError
from newskg.publishing.validation import ONTOLOGY_PATH, ROOT, SHAPES_PATH
from newskg.sparql.solutions import select
from newskg.vocab import prefixes
from newskg.web.http.errors import APIError

QUERIES_DIR = ROOT / "queries"
# Under the app's static folder; filled by `make` (see the Makefile), never committed.
YASGUI_STATIC = "vendor/yasgui"
YASGUI_JS = "yasgui.min.js"
YASGUI_CSS = "yasgui.min.css"
PAGE_SCRIPT = "sparql-page.js"

# The prefixes newskg data is written with, offered by the prefix autocompleter (and the
# only ones it offers: YASGUI's bundled list would suggest hundreds of unrelated ones).
PREFIXES: dict[str, str] = prefixes(
    "nkg", "schema", "nif", "itsrdf", "skos", "rdfs", "rdf", "xsd", "owl", "wd", "prov"
)

DEFAULT_QUERY = """\
PREFIX nkg: <https://w3id.org/newskg/ontology#>
SELECT ?class (COUNT(?s) AS ?n)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?n)
LIMIT 20
"""

_HEADER = re.compile(r"#\s*(?P<key>[A-Za-z][\w-]*)\s*:\s?(?P<value>.*)")
_CONTINUATION = re.compile(r"#\s{2,}(?P<value>\S.*)")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Example:
    """One example query: its file stem, header fields and full text."""

    name: str
    title: str
    description: str
    query: str


class ExampleError(NewskgError, ValueError):
    """An example file without a title or description, or with an unusable name."""


def parse_header(text: str) -> dict[str, str]:
    """The ``# key: value`` lines of the comment block that begins ``text``.

    >>> parse_header("# title: A\\n# description: B\\n#   and C\\nSELECT * {}")
    {'title': 'A', 'description': 'B and C'}
    """
    fields: dict[str, str] = {}
    key: str | None = None
    for line in text.splitlines():
        line = line.rstrip()
        if not line.startswith("#"):
            if line.strip():
                break  # the query begins
            key = None
            continue
        if key and (more := _CONTINUATION.fullmatch(line)):
            fields[key] = f"{fields[key]} {more['value'].strip()}".strip()
        elif header := _HEADER.fullmatch(line):
            key = header["key"].lower()
            fields[key] = header["value"].strip()
        else:
            key = None
    return fields


def parse_example(path: Path) -> Example:
    """Read one ``.rq`` file; raises :class:`ExampleError` when its header is incomplete."""
    if not _NAME.fullmatch(path.stem):
        raise ExampleError(f"{path.name}: name example files in lower case, digits and '-'")
    text = path.read_text("utf-8")
    fields = parse_header(text)
    missing = [key for key in ("title", "description") if not fields.get(key)]
    if missing:
        raise ExampleError(f"{path.name}: no '# {missing[0]}: …' line at the top")
    return Example(path.stem, fields["title"], fields["description"], text)


def load_examples(directory: Path = QUERIES_DIR) -> list[Example]:
    """Every ``*.rq`` file of ``directory``, in file-name order (none when it is absent)."""
    if not directory.is_dir():
        return []
    return [parse_example(path) for path in sorted(directory.glob("*.rq"))]


@lru_cache(maxsize=1)
def completions() -> dict[str, Any]:
    """Local autocompletion data: prefixes, and the class and property IRIs of the
    ontology and the shapes (which name every property the published data uses)."""
    store = pyoxigraph.Store()
    for path in (ONTOLOGY_PATH, SHAPES_PATH):
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    owl, rdfs, rdf = PREFIXES["owl"], PREFIXES["rdfs"], PREFIXES["rdf"]
    sh = "http://www.w3.org/ns/shacl#"
    classes = _iris(
        store,
        f"""
        SELECT ?c WHERE {{
          {{ ?c a <{owl}Class> }} UNION {{ ?c a <{rdfs}Class> }}
          UNION {{ ?shape <{sh}targetClass>|<{sh}class> ?c }}
          UNION {{ ?p <{rdfs}range> ?c FILTER(?c != <{rdfs}Literal>
                   && !STRSTARTS(STR(?c), "{PREFIXES["xsd"]}")) }}
          UNION {{ ?x a ?c FILTER(STRSTARTS(STR(?c), "{PREFIXES["skos"]}")) }}
        }}""",
    )
    properties = _iris(
        store,
        f"""
        SELECT ?p WHERE {{
          {{ ?p a <{owl}ObjectProperty> }} UNION {{ ?p a <{owl}DatatypeProperty> }}
          UNION {{ ?shape <{sh}path> ?p }}
          UNION {{ ?x ?p ?y FILTER(!STRSTARTS(STR(?p), "{sh}")
                   && ?p NOT IN (<{rdf}first>, <{rdf}rest>)) }}
        }}""",
    )
    return {"prefixes": dict(PREFIXES), "classes": classes, "properties": properties}


def _iris(store: pyoxigraph.Store, query: str) -> list[str]:
    found = {
        row[0].value for row in select(store, query) if isinstance(row[0], pyoxigraph.NamedNode)
    }
    return sorted(found)


def yasgui_assets() -> dict[str, str] | None:
    """URLs of the installed YASGUI files, or None when they are missing or the app's
    ``YASGUI`` setting is false (the page then stays a plain form)."""
    if not current_app.config.get("YASGUI", True) or not current_app.static_folder:
        return None
    folder = Path(current_app.static_folder) / YASGUI_STATIC
    if not all((folder / name).is_file() for name in (YASGUI_JS, YASGUI_CSS)):
        return None
    return {
        "js": url_for("static", filename=f"{YASGUI_STATIC}/{YASGUI_JS}"),
        "css": url_for("static", filename=f"{YASGUI_STATIC}/{YASGUI_CSS}"),
        "page": url_for("static", filename=PAGE_SCRIPT),
    }


def query_page_context() -> dict[str, Any]:
    """What ``sparql.html`` needs: the examples, the query to show (``?example=NAME``
    selects one; 404 if there is no such example), the endpoint as a path on this server,
    the YASGUI asset URLs (None when absent, or when ``?ui=plain`` asks for the plain form)
    and the data the page script reads."""
    directory = Path(current_app.config.get("QUERIES_DIR") or QUERIES_DIR)
    examples = load_examples(directory)
    selected: Example | None = None
    name = request.args.get("example")
    if name is not None:
        selected = next((ex for ex in examples if ex.name == name), None)
        if selected is None:
            raise APIError(
                404,
                f"there is no example query named {name!r}",
                "The query page at /sparql lists the examples.",
            )
    endpoint = url_for("sparql.endpoint")
    query = selected.query if selected else DEFAULT_QUERY
    plain = request.args.get("ui") == "plain"
    return {
        "examples": examples,
        "selected": selected,
        "query": query,
        "endpoint": endpoint,
        "yasgui": None if plain else yasgui_assets(),
        # Read by static/sparql-page.js (embedded as JSON: the page makes no other request).
        "page_data": {
            "endpoint": endpoint,
            "query": query,
            "selected": selected.name if selected else None,
            "examples": {example.name: example.query for example in examples},
            "completions": completions(),
        },
    }
