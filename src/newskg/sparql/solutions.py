"""Streaming writers for SELECT results: SPARQL 1.1 JSON, XML, CSV and TSV.

pyoxigraph serialises a whole ``QuerySolutions`` at once; these writers take one solution at
a time, so the query process can count rows and stop at the row cap instead of truncating
silently. Each writer follows its W3C Recommendation (JSON and XML Results, CSV/TSV Results).

>>> import io, pyoxigraph
>>> out = io.BytesIO()
>>> w = writer("tsv", out, ["s", "n"])
>>> w.row([pyoxigraph.NamedNode("http://x/a"), pyoxigraph.Literal("1")]); w.close()
>>> out.getvalue().decode()
'?s\\t?n\\n<http://x/a>\\t"1"\\n'
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from json.encoder import encode_basestring as _quoted  # json.dumps's own escaping (C)
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: An RDF term as pyoxigraph gives it (its stubs name no union for it).
RdfTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
# A value of a solution, or None when the variable is unbound. Any, not ``RdfTerm | None``:
# the JSON writer dispatches on ``type(term) is …`` (the hot path of every answer), which
# mypy does not narrow on.
Term = Any


def select(store: pyoxigraph.Store, query: str, **options: Any) -> pyoxigraph.QuerySolutions:
    """The solutions of the SELECT ``query`` on ``store`` (``options`` as ``Store.query``
    takes them): ``Store.query`` is typed for every query form, this for the one."""
    results = store.query(query, **options)
    if not isinstance(results, pyoxigraph.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:100]!r}")
    return results


class Writer:
    def __init__(self, out: IO[bytes], variables: list[str]) -> None:
        self.out = out
        self.variables = variables
        self.rows = 0
        self.start()

    def start(self) -> None:
        raise NotImplementedError

    def row(self, values: Sequence[Term]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        node: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            node["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            node["datatype"] = term.datatype.value
        return node
    return {
        "type": "triple",
        "value": {  # RDF 1.2 / RDF-star triple terms
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json_term_text(term: Term) -> str:
    """``json.dumps(_json_term(term))``, built directly: this runs once per value of every
    answer, and point lookups are dominated by it."""
    kind = type(term)
    if kind is pyoxigraph.NamedNode:
        return '{"type":"uri","value":' + _quoted(term.value) + "}"
    if kind is pyoxigraph.Literal:
        text = '{"type":"literal","value":' + _quoted(term.value)
        if term.language:
            return text + ',"xml:lang":' + _quoted(term.language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return text + ',"datatype":' + _quoted(datatype) + "}"
        return text + "}"
    if kind is pyoxigraph.BlankNode:
        return '{"type":"bnode","value":' + _quoted(term.value) + "}"
    return json.dumps(_json_term(term), separators=(",", ":"))


class JsonWriter(Writer):
    def start(self) -> None:
        head = json.dumps({"vars": self.variables}, separators=(",", ":"))
        self.out.write(f'{{"head":{head},"results":{{"bindings":['.encode())
        self.keys = [_quoted(v) + ":" for v in self.variables]

    def row(self, values: Sequence[Term]) -> None:
        binding = ",".join(
            key + _json_term_text(term)
            for key, term in zip(self.keys, values, strict=True)
            if term is not None
        )
        self.out.write(((",{" if self.rows else "{") + binding + "}").encode())
        self.rows += 1

    def close(self) -> None:
        self.out.write(b"]}}")


_XML_QUOTES = {'"': "&quot;", "'": "&apos;"}


def _text(value: str) -> str:
    return escape(value, _XML_QUOTES)


def _xml_term(term: Term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<uri>{_text(term.value)}</uri>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"<bnode>{_text(term.value)}</bnode>"
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{_text(term.value)}</literal>"
            )
        return f"<literal>{_text(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


class XmlWriter(Writer):
    def start(self) -> None:
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables)
        self.out.write(
            (
                '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head><results>"
            ).encode()
        )

    def row(self, values: Sequence[Term]) -> None:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(self.variables, values, strict=True)
            if t is not None
        )
        self.out.write(f"<result>{cells}</result>".encode())
        self.rows += 1

    def close(self) -> None:
        self.out.write(b"</results></sparql>")


def _csv_cell(term: Term) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        text = "_:" + term.value
    elif isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal):
        text = term.value  # CSV results carry no datatype or language: values only
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


class CsvWriter(Writer):
    def start(self) -> None:
        self.out.write((",".join(self.variables) + "\r\n").encode())

    def row(self, values: Sequence[Term]) -> None:
        self.out.write((",".join(_csv_cell(t) for t in values) + "\r\n").encode())
        self.rows += 1


# Literals TSV writes bare, as Turtle does: (datatype, lexical form it must have).
_TSV_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: Term) -> str:
    """A term in Turtle syntax: numbers and booleans bare where Turtle allows, strings with
    only the escapes that keep a row on one line (as pyoxigraph writes them)."""
    if term is None:
        return ""
    if type(term) is not pyoxigraph.Literal:
        return str(term)  # <iri>, _:b, << triple >>
    value, datatype = term.value, term.datatype.value
    bare = _TSV_BARE.get(datatype)
    if bare is not None and bare.fullmatch(value):
        return value
    text = '"' + value.translate(_TSV_ESCAPES) + '"'
    if term.language:
        return text + "@" + term.language
    return text if datatype == XSD_STRING else f"{text}^^<{datatype}>"


class TsvWriter(Writer):
    def start(self) -> None:
        self.out.write(("\t".join("?" + v for v in self.variables) + "\n").encode())

    def row(self, values: Sequence[Term]) -> None:
        self.out.write(("\t".join(_tsv_term(t) for t in values) + "\n").encode())
        self.rows += 1


WRITERS: dict[str, type[Writer]] = {
    "json": JsonWriter,
    "xml": XmlWriter,
    "csv": CsvWriter,
    "tsv": TsvWriter,
}


def writer(format_name: str, out: IO[bytes], variables: list[str]) -> Writer:
    """A writer for the results format named in :mod:`newskg.formats`."""
    return WRITERS[format_name](out, variables)
