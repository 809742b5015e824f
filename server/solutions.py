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
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _quoted  # json.dumps's own escaping (C)
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Term = Any  # a pyoxigraph NamedNode, BlankNode, Literal or Triple, or None when unbound


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
    return {"type": "triple", "value": {  # RDF 1.2 / RDF-star triple terms
        "subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
        "object": _json_term(term.object)}}


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
        binding = ",".join(key + _json_term_text(term)
                           for key, term in zip(self.keys, values, strict=True)
                           if term is not None)
        self.out.write(((",{" if self.rows else "{") + binding + "}").encode())
        self.rows += 1

    def close(self) -> None:
        self.out.write(b"]}}")


def _xml_term(term: Term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{escape(term.value)}</literal>")
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


class XmlWriter(Writer):
    def start(self) -> None:
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables)
        self.out.write(('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                        f"<head>{head}</head><results>").encode())

    def row(self, values: Sequence[Term]) -> None:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                        for v, t in zip(self.variables, values, strict=True) if t is not None)
        self.out.write(f"<result>{cells}</result>".encode())
        self.rows += 1

    def close(self) -> None:
        self.out.write(b"</results></sparql>\n")


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


class TsvWriter(Writer):
    def start(self) -> None:
        self.out.write(("\t".join("?" + v for v in self.variables) + "\n").encode())

    def row(self, values: Sequence[Term]) -> None:
        # pyoxigraph's str() of a term is its N-Triples form, which TSV results use (newlines
        # and tabs inside literals are escaped there, so one row stays one line).
        self.out.write(("\t".join("" if t is None else str(t) for t in values) + "\n").encode())
        self.rows += 1


WRITERS: dict[str, type[Writer]] = {
    "json": JsonWriter, "xml": XmlWriter, "csv": CsvWriter, "tsv": TsvWriter}


def writer(format_name: str, out: IO[bytes], variables: list[str]) -> Writer:
    """A writer for the results format named in :mod:`newskg.formats`."""
    return WRITERS[format_name](out, variables)
