"""The build: article files -> mappers -> RDF -> SHACL -> a new store version -> published.

Each article is read, extracted, turned into its own named graph and validated on its own; an
article that fails any step is reported (file and reason) and left out while the others
publish. The accepted graphs are then validated together, written into a fresh store version
and published by an atomic switch, so a failed or interrupted build never touches what is
being served.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Graph

from mappers.crossdoc import link_across
from mappers.graph import canonical_labels, split_descriptions, to_graph
from mappers.iris import NKG_ONTOLOGY, Iris
from mappers.model import ArticleText, Extraction
from mappers.reader import ArticleError, article_paths, read_article
from newskg import store, validation

log = logging.getLogger(__name__)


Progress = Callable[[str, str], None]  # (stage, article source)


@dataclass
class Rejected:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class Built:
    """One article that passed every step."""

    article: ArticleText
    graph: Graph


@dataclass
class BuildResult:
    read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # article ids
    version: store.Version | None = None
    triples: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    dumps: list[str] = field(default_factory=list)  # file names in STORE/dumps/<version>/
    dump_error: str | None = None  # why the dumps failed (the version is still published)

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.version.id if self.version else None,
            "articles_read": self.read,
            "articles_published": len(self.published),
            "articles_rejected": [str(r) for r in self.rejected],
            "published": self.published,
            "triples": self.triples,
            "counts": self.counts,
            "seconds": round(self.seconds, 2),
        }


class BuildError(Exception):
    """The build published nothing; the previously published version is untouched."""


def read_all(paths: Iterable[Path], result: BuildResult, progress: Progress) -> list[ArticleText]:
    articles, seen = [], {}
    for path in paths:
        progress("read", str(path))
        result.read += 1
        try:
            article = read_article(path)
        except ArticleError as exc:
            result.rejected.append(Rejected(exc.path, str(exc).removeprefix(exc.path + ": ")))
            continue
        if article.id in seen:
            result.rejected.append(Rejected(str(path), f"same article name {article.id!r} as "
                                                       f"{seen[article.id]}; rename one of them"))
            continue
        seen[article.id] = str(path)
        articles.append(article)
    return articles


def extract_all(articles: list[ArticleText], result: BuildResult, progress: Progress
                ) -> list[Extraction]:
    from mappers.extract import extract  # loads spaCy: only when there is something to read

    extractions = []
    for article in articles:
        progress("extract", article.source)
        try:
            extractions.append(extract(article))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
            log.exception("extraction failed for %s", article.source)
            result.rejected.append(
                Rejected(article.source, f"extraction failed ({type(exc).__name__}: {exc}); "
                                         "please report it with the article attached"))
    return extractions


def to_graphs(extractions: list[Extraction], iris: Iris, result: BuildResult,
              progress: Progress) -> list[Built]:
    link_across(extractions)
    labels = canonical_labels(extractions)
    built = []
    for extraction in extractions:
        source = extraction.article.source
        progress("validate", source)
        graph = to_graph(extraction, iris, labels)
        report = validation.validate(graph)
        if report.conforms:
            built.append(Built(extraction.article, graph))
        else:
            result.rejected.append(Rejected(source, "does not conform to the shapes:\n"
                                                    + report.text(source)))
    return built


def validate_together(built: list[Built], result: BuildResult) -> list[Built]:
    """Validate the union; articles whose nodes break a shape together are left out, once."""
    for attempt in range(2):
        union = Graph()
        for item in built:
            union += item.graph
        report = validation.validate(union)
        if report.conforms:
            return built
        focus = {r.focus_node for r in report.results}
        guilty = [b for b in built if any(
            str(s) in focus for s in set(b.graph.subjects()))]
        if attempt or not guilty:
            raise BuildError("the merged graph does not conform:\n" + report.text("merged graph"))
        for item in guilty:
            result.rejected.append(Rejected(item.article.source, "conflicts with other articles:\n"
                                            + report.text(item.article.source)))
        built = [b for b in built if b not in guilty]
    return built


def content_digest(built: list[Built]) -> str:
    h = hashlib.sha256()
    for item in sorted(built, key=lambda b: b.article.id):
        h.update(item.article.id.encode())
        for line in sorted(item.graph.serialize(format="nt").splitlines()):
            h.update(line.encode())
    return h.hexdigest()


def load_graph(target: pyoxigraph.Store, graph: Graph, name: str) -> None:
    target.load(graph.serialize(format="nt", encoding="utf-8"),
                format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(name)))


def load_ontology(target: pyoxigraph.Store) -> None:
    target.load(path=str(validation.ONTOLOGY_PATH), format=pyoxigraph.RdfFormat.TURTLE,
                to_graph=pyoxigraph.NamedNode(str(NKG_ONTOLOGY)))


def build(articles_dir: str | Path, store_dir: str | Path, base_iri: str, *, keep: int = 3,
          progress: Progress | None = None) -> BuildResult:
    """Run the whole pipeline and publish a new version; see the module docstring.

    Raises :class:`BuildError` (nothing published) when no article survives, and
    :class:`newskg.store.StoreError` when the store directory cannot be used.
    """
    started = time.monotonic()
    progress = progress or (lambda stage, source: None)
    iris = Iris(base_iri)
    result = BuildResult()
    paths = article_paths(articles_dir)
    # The lock and the new version's directory are taken first: a second build fails at once,
    # not after minutes, and whatever happens below leaves the published version alone.
    with store.writing(store_dir) as writer:
        articles = read_all(paths, result, progress)
        extractions = extract_all(articles, result, progress)
        built = validate_together(to_graphs(extractions, iris, result, progress), result)
        if not built:
            raise BuildError(f"no article of {articles_dir} could be published "
                             f"({result.read} read, {len(result.rejected)} rejected)")
        descriptions = Graph()
        for item in built:
            progress("store", item.article.source)
            described, facts = split_descriptions(item.graph)
            descriptions += described
            load_graph(writer.store, facts, iris.graph(item.article.id))
        load_graph(writer.store, descriptions, iris.entities_graph())
        load_ontology(writer.store)
        result.published = [b.article.id for b in built]
        result.counts = store.count_classes(writer.store)
        result.triples = len(writer.store)
        result.seconds = time.monotonic() - started
        version = writer.finish(content_digest(built), {**result.summary(), "base_iri": iris.base})
    store.publish(store_dir, version, keep=keep)
    result.version = version
    # The dumps come after publishing: a failure is reported, never unpublishes.
    from newskg.dump import DumpError, write_dumps

    try:
        result.dumps = [f.name for f in write_dumps(store_dir)]
    except (DumpError, OSError, RuntimeError) as exc:
        log.exception("writing the dumps of %s failed", version.id)
        result.dump_error = str(exc)
    return result
