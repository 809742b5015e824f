"""Publishing: article files -> mappers -> RDF -> SHACL -> a new store version -> published.

:func:`build` makes a version from a directory of articles (keeping the published articles
it lacks, unless it prunes them); :func:`add` and :func:`remove` make one from the published
version with some articles added, replaced or withdrawn;
:func:`newskg.publishing.verify.rollback` publishes a kept version again. All of them publish under
the
store's build lock (``add`` extracts the articles sent before it takes the lock).

Each article is read, extracted (or its extraction taken from the cache, see
:mod:`newskg.publishing.incremental`), turned into its own named graph and validated on its own; an
article that fails any step is reported (file and reason) and left out while the others
publish. Entities are linked across *all* the version's articles and their labels chosen from
all of them, so an article added later keeps shared entities consistent. The graphs are then
validated together, written into a new store version (for ``add``/``remove`` a hard-linked
copy of the published one where only the graphs that changed are rewritten) and published by
an atomic switch (:func:`newskg.backends.versions.publish`), so a failed or interrupted run never
touches
what is being served.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from newskg.backends import remote
from newskg.backends import versions as store
from newskg.extraction.crossdoc import link_across
from newskg.extraction.graph import canonical_labels, split_descriptions, to_graph
from newskg.extraction.iris import DEFAULT_BASE, NKG_ONTOLOGY, Iris
from newskg.extraction.model import ArticleText, Extraction
from newskg.extraction.reader import ArticleError, article_paths, read_article
from newskg.publishing import validation
from newskg.publishing.incremental import (
    Archive,
    ArticleRecord,
    Source,
    has_records,
    id_collision,
    missing_sources,
    published_records,
    records,
    source_digest,
)
from newskg.publishing.results import BuildError, BuildResult, Built, Rejected

log = logging.getLogger(__name__)


Progress = Callable[[str, str], None]  # (stage, article source)
CHUNK = 8  # articles per extraction batch (and per process task with --jobs)

# --- the steps ------------------------------------------------------------------------------


def read_all(
    paths: Iterable[Path], result: BuildResult, progress: Progress
) -> list[tuple[ArticleText, Source]]:
    """Read each file; unreadable ones and second files with an article id already read are
    rejected."""
    articles: list[tuple[ArticleText, Source]] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        progress("read", str(path))
        result.read += 1
        try:
            article = read_article(path)
            source = Source(article.id, path.name, source_digest(path), path)
        except ArticleError as exc:
            result.rejected.append(Rejected(exc.path, exc.in_file()))
            continue
        except OSError as exc:  # vanished or became unreadable between two reads
            result.rejected.append(Rejected(str(path), f"cannot read: {exc.strerror or exc}"))
            continue
        if article.id in seen:
            result.rejected.append(
                Rejected(
                    str(path),
                    f"same article name {article.id!r} as {seen[article.id]}; rename one of them",
                )
            )
            # (no article_id: the first file with that name is the one taken)
            continue
        seen[article.id] = str(path)
        articles.append((article, source))
    return articles


def extract_all(
    pending: Sequence[tuple[Source, ArticleText | None]],
    archive: Archive,
    result: BuildResult,
    progress: Progress,
    *,
    jobs: int = 1,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> list[tuple[Source, Extraction]]:
    """The extraction of each source, from the cache or else extracted (in ``jobs``
    processes) and cached. ``pending`` pairs each source with its article when already read
    (else it is read from the source). A failure rejects the article when ``rejectable``
    says so, else it is a :class:`BuildError`."""
    found: dict[str, Extraction] = {}
    misses: list[tuple[Source, ArticleText]] = []
    for source, article in pending:
        cached = archive.cached(source)
        if cached is not None:
            progress("extract", str(source.path))
            found[source.id] = cached
            continue
        if article is None:
            try:
                article = read_article(source.path)
            except ArticleError as exc:
                raise store.StoreError(
                    f"the kept source of the published article {source.id!r} cannot be read "
                    f"any more: {exc}; withdraw it with `newskg remove {source.id}` (or build "
                    "with --prune, leaving its file out)"
                ) from exc
        misses.append((source, article))
    if misses:
        outcomes = _extract_many([article for _, article in misses], jobs)
        for (source, article), outcome in zip(misses, outcomes, strict=True):
            progress("extract", article.source)
            if isinstance(outcome, Extraction):
                archive.remember(source, outcome)  # before link_across re-keys it
                result.extracted.append(source.id)
                found[source.id] = outcome
                continue
            reason = f"extraction failed ({outcome}); please report it with the article attached"
            if not rejectable(source.id):
                raise BuildError(
                    f"article {source.id!r} of the published version: {reason}; "
                    f"withdraw it with `newskg remove {source.id}` (or build "
                    "with --prune, leaving its file out)",
                    result,
                )
            result.rejected.append(Rejected(article.source, reason, source.id))
    return [(source, found[source.id]) for source, _ in pending if source.id in found]


def _extract_many(articles: list[ArticleText], jobs: int) -> list[Extraction | str]:
    """Each article's extraction, or the error it raised, in input order."""
    chunks = [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    if jobs <= 1 or len(chunks) < 2:
        return [x for chunk in chunks for x in _extract_chunk(chunk)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: each process loads spaCy once itself (forking a loaded model is
    # unsafe with its threads); results come back pickled, in input order.
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_load_model
    ) as pool:
        return [x for part in pool.map(_extract_chunk, chunks) for x in part]


def _load_model() -> None:
    from newskg.extraction.nlp import get_nlp

    get_nlp()


def _extract_chunk(articles: list[ArticleText]) -> list[Extraction | str]:
    """Extract a chunk in one batch; if one article fails, each on its own so only it fails."""
    from newskg.extraction.extract import extract, extract_many

    try:
        return list(extract_many(articles))
    except Exception:  # noqa: BLE001 - find which article it was, below
        pass
    outcomes: list[Extraction | str] = []
    for article in articles:
        try:
            outcomes.append(extract(article))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
            log.exception("extraction failed for %s", article.source)
            outcomes.append(f"{type(exc).__name__}: {exc}")
    return outcomes


def graph_digest(graph: Graph) -> str:
    h = hashlib.sha256()
    for line in sorted(graph.serialize(format="nt").splitlines()):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def to_graphs(
    extractions: list[tuple[Source, Extraction]],
    iris: Iris,
    result: BuildResult,
    progress: Progress,
    previous: dict[str, ArticleRecord] | None = None,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> list[Built]:
    """Link entities across all articles, choose their labels, and make each article's graph;
    a graph that differs from the one ``previous`` lists is validated on its own."""
    previous = previous or {}
    link_across([x for _, x in extractions])
    labels = canonical_labels(x for _, x in extractions)
    built = []
    for source, extraction in extractions:
        try:
            graph = to_graph(extraction, iris, labels)
            digest = graph_digest(graph)
        except Exception as exc:  # noqa: BLE001 - e.g. a sidecar URL that is no IRI
            graph, digest, problem = Graph(), "", f"cannot be written as RDF: {exc}"
        else:
            before = previous.get(source.id)
            if before is not None and before.graph == digest:
                built.append(Built(extraction.article, graph, source, digest, unchanged=True))
                continue  # validated when it was published
            progress("validate", str(source.path))
            problem = _rdf_problem(graph) or _shape_problem(graph, str(source.path))
        if not problem:
            built.append(Built(extraction.article, graph, source, digest))
        elif rejectable(source.id):
            result.rejected.append(Rejected(str(source.path), problem, source.id))
        else:
            raise BuildError(
                f"article {source.id!r} of the published version no longer "
                f"passes once linked with the new articles: {problem}",
                result,
            )
    return built


def _rdf_problem(graph: Graph) -> str | None:
    """Why the store would refuse the graph (rdflib accepts IRIs Oxigraph does not, such as
    a relative ``schema:url``), or None."""
    try:
        for _ in pyoxigraph.parse(
            graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES
        ):
            pass
    except (SyntaxError, ValueError) as exc:
        return f"is not valid RDF ({exc}); check the IRIs its sidecar gives (url)"
    return None


def _shape_problem(graph: Graph, source: str) -> str | None:
    report = validation.validate(graph)
    return None if report.conforms else "does not conform to the shapes:\n" + report.text(source)


def validate_together(
    built: list[Built],
    result: BuildResult,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> list[Built]:
    """Validate the union; (rejectable) articles whose nodes break a shape together are left
    out, once.

    An unchanged graph was validated together with the others when it was published: then
    only the nodes of changed graphs and the entities (the one
    place articles share nodes) are validated, so an add or remove costs what changed, not
    the whole store."""
    for attempt in range(2):
        union, focus = Graph(), set()
        for item in built:
            union += item.graph
            nodes = split_descriptions(item.graph)[0] if item.unchanged else item.graph
            focus.update(nodes.subjects())
        if len(focus) == len(set(union.subjects())):
            focus = None  # everything changed (a build): no need to name the nodes
        report = validation.validate(union, focus=focus)
        if report.conforms:
            return built
        focus = {r.focus_node for r in report.results}
        guilty = [
            b
            for b in built
            if rejectable(b.article.id) and any(str(s) in focus for s in set(b.graph.subjects()))
        ]
        if attempt or not guilty:
            raise BuildError(
                "the merged graph does not conform:\n" + report.text("merged graph"), result
            )
        for item in guilty:
            result.rejected.append(
                Rejected(
                    str(item.source.path),
                    "conflicts with other articles:\n" + report.text(str(item.source.path)),
                    item.article.id,
                )
            )
        built = [b for b in built if b not in guilty]
    return built


def content_digest(built: list[Built]) -> str:
    h = hashlib.sha256()
    for item in sorted(built, key=lambda b: b.article.id):
        h.update(f"{item.article.id}\0{item.digest}\n".encode())
    return h.hexdigest()


def load_graph(target: pyoxigraph.Store, graph: Graph, name: str) -> None:
    target.load(
        graph.serialize(format="nt", encoding="utf-8"),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode(str(name)),
    )


def load_ontology(target: pyoxigraph.Store) -> None:
    target.load(
        path=str(validation.ONTOLOGY_PATH),
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(str(NKG_ONTOLOGY)),
    )


def write_graphs(
    target: pyoxigraph.Store,
    iris: Iris,
    built: list[Built],
    previous: dict[str, ArticleRecord],
    progress: Progress,
) -> list[str]:
    """Make ``target`` (empty, or a copy of the version ``previous`` describes) hold exactly
    ``built``: only article graphs that changed are rewritten (their ids are returned); the
    shared entities graph and the ontology always are."""
    rewritten = []
    keep = {b.article.id for b in built}
    for article_id in sorted(previous.keys() - keep):
        target.remove_graph(pyoxigraph.NamedNode(str(iris.graph(article_id))))
    descriptions = Graph()
    for item in built:
        described, facts = split_descriptions(item.graph)
        descriptions += described
        if item.unchanged:
            continue
        progress("store", str(item.source.path))
        rewritten.append(item.article.id)
        name = iris.graph(item.article.id)
        target.clear_graph(pyoxigraph.NamedNode(str(name)))
        load_graph(target, facts, name)
    target.clear_graph(pyoxigraph.NamedNode(str(iris.entities_graph())))
    load_graph(target, descriptions, iris.entities_graph())
    target.clear_graph(pyoxigraph.NamedNode(str(NKG_ONTOLOGY)))
    load_ontology(target)
    return sorted(rewritten)


# --- build, add, remove ---------------------------------------------------------------------


def build(
    articles_dir: str | Path,
    store_dir: str | Path,
    base_iri: str,
    *,
    keep: int = 3,
    jobs: int = 1,
    progress: Progress | None = None,
    prune: bool = False,
) -> BuildResult:
    """Publish a new version, written anew, holding the articles of ``articles_dir`` and the
    published articles it does not hold (``result.kept``, from their kept sources: articles
    sent by ``newskg add`` or the ingest API are never withdrawn silently). With ``prune``
    those are withdrawn instead (``result.removed``).

    Raises :class:`BuildError` (nothing published) when no article survives or a kept
    article's source is missing, and :class:`newskg.backends.versions.StoreError` when the store
    directory cannot be used.
    """
    paths = article_paths(articles_dir)
    return _publish(
        store_dir,
        paths=paths,
        remove_ids=(),
        base_iri=base_iri,
        keep=keep,
        jobs=jobs,
        progress=progress,
        incremental=False,
        prune=prune,
        nothing=f"no article of {articles_dir} could be published",
    )


def add(
    paths: Sequence[str | Path],
    store_dir: str | Path,
    base_iri: str | None = None,
    *,
    keep: int = 3,
    jobs: int = 1,
    progress: Progress | None = None,
    wait: float = 0,
) -> BuildResult:
    """Publish the published version plus ``paths`` (an article with the id of one it holds
    replaces it). Only these are extracted; the others' extractions come from the cache.

    ``base_iri`` defaults to the published version's; a different one is an error (the
    version would mix IRIs). ``result.changed`` is False (and nothing is published) when every
    article sent is identical to the one published. Raises as :func:`build` does, and
    :class:`BuildError` when every article sent is rejected. The articles sent are extracted
    before the store's lock is taken (extraction is the slow part), then the lock is waited
    for up to ``wait`` seconds.
    """
    return _publish(
        store_dir,
        paths=[Path(p) for p in paths],
        remove_ids=(),
        base_iri=base_iri,
        keep=keep,
        jobs=jobs,
        progress=progress,
        incremental=True,
        wait=wait,
        nothing="no article sent could be published",
    )


def remove(
    article_ids: Sequence[str],
    store_dir: str | Path,
    *,
    keep: int = 3,
    progress: Progress | None = None,
) -> BuildResult:
    """Publish the published version without ``article_ids``."""
    return _publish(
        store_dir,
        paths=[],
        remove_ids=tuple(article_ids),
        base_iri=None,
        keep=keep,
        jobs=1,
        progress=progress,
        incremental=True,
        nothing="",
    )


def _publish(
    store_dir: str | Path,
    *,
    paths: Sequence[Path],
    remove_ids: Sequence[str],
    base_iri: str | None,
    keep: int,
    jobs: int,
    progress: Progress | None,
    incremental: bool,
    nothing: str,
    prune: bool = False,
    wait: float = 0,
) -> BuildResult:
    started = time.monotonic()
    store_dir = remote.local_store(store_dir, check=True)  # a triple store: build in staging
    progress = progress or (lambda stage, source: None)
    result = BuildResult()
    archive = Archive(store_dir)
    read: list[tuple[ArticleText, Source]] = []
    if incremental and paths:
        # Articles sent to add are extracted before the lock: extraction is the slow part, and
        # holding the lock through it refused every other add (409 through the ingest API).
        store.require_store(store_dir)
        # (checked again under the lock, against what is published then)
        read = _collisions(
            read_all(paths, result, progress), published_records(store_dir, prune=True), result
        )
        read = _extract_early(read, archive, result, progress, jobs)
        if not read:
            raise BuildError(
                f"{nothing} ({result.read} read, {len(result.rejected)} rejected)", result
            )
    # For a build, the lock and the new version's directory are taken first: a second build
    # fails at once, not after minutes. Whatever happens below leaves the published version
    # alone.
    with store.writing(
        store_dir, from_published=incremental, create=not incremental, wait=wait
    ) as writer:
        base = writer.base
        if incremental:
            previous = in_store = _previous_articles(base, remove_ids)
        else:  # written anew; the published articles are kept (or withdrawn with prune)
            previous, in_store = published_records(store_dir, prune), {}
            read = read_all(paths, result, progress)
        read = _collisions(read, previous, result)
        if not incremental:
            remove_ids = _kept_or_withdrawn(previous, read, archive, prune)
        iris = Iris(_base_iri(base, base_iri))
        built, sent = _articles(
            read, previous, in_store, remove_ids, archive, iris, result, progress, jobs
        )
        if paths and not {b.article.id for b in built} & sent:
            raise BuildError(
                f"{nothing} ({result.read} read, {len(result.rejected)} rejected)", result
            )
        _sort_out(result, built, previous, sent, remove_ids, kept=not incremental)
        if incremental and base is not None and not _differs(built, previous):
            result.changed, result.version = False, base
            result.published = sorted(previous)
            result.triples = base.summary().get("triples", 0)
            result.counts = base.summary().get("counts", {})
            result.seconds = time.monotonic() - started
            return result
        result.rewritten = write_graphs(writer.store, iris, built, in_store, progress)
        for item in built:
            archive.keep(item.source)
        result.published = sorted(b.article.id for b in built)
        result.counts = store.count_classes(writer.store)
        result.triples = len(writer.store)
        result.seconds = time.monotonic() - started
        summary = {
            **result.summary(),
            "base_iri": iris.base,
            "articles": {
                b.article.id: ArticleRecord(b.source.file, b.source.digest, b.digest).as_dict()
                for b in sorted(built, key=lambda b: b.article.id)
            },
        }
        version = writer.finish(content_digest(built), summary, optimize=not incremental)
        store.publish(store_dir, version, keep=keep)
        archive.prune()
        result.pushed = remote.after_publish(store_dir, version)  # a triple store follows
    result.version = version
    result.dumps, result.dump_error = write_dumps(store_dir, version)
    return result


def _articles(
    read: list[tuple[ArticleText, Source]],
    previous: dict[str, ArticleRecord],
    in_store: dict[str, ArticleRecord],
    remove_ids: Sequence[str],
    archive: Archive,
    iris: Iris,
    result: BuildResult,
    progress: Progress,
    jobs: int,
) -> tuple[list[Built], set[str]]:
    """Extract, link, validate: the version's articles, and the ids of those sent that it
    takes. The published articles (``previous``) not sent and not in ``remove_ids`` are
    kept; ``in_store`` lists the graphs the new version's store already holds. An article
    sent to replace a published one but rejected leaves the published one in place (a
    second pass links without it)."""
    sent = {article.id for article, _ in read}
    restored: set[str] = set()  # sent, rejected, so their published article stays
    mark = len(result.rejected)
    carried: list[Rejected] = []
    while True:
        taking = sent - restored
        pending: list[tuple[Source, ArticleText | None]] = [
            (archive.source(i, previous[i]), None)
            for i in previous
            if i not in taking and i not in remove_ids
        ]
        pending += [(source, article) for article, source in read if article.id in taking]
        extractions = extract_all(
            pending, archive, result, progress, jobs=jobs, rejectable=taking.__contains__
        )
        built = to_graphs(extractions, iris, result, progress, in_store, taking.__contains__)
        built = validate_together(built, result, taking.__contains__)
        lost = (taking & previous.keys()) - {b.article.id for b in built}
        if not lost:
            result.rejected[mark:] = carried + result.rejected[mark:]
            return built, taking
        carried += [r for r in result.rejected[mark:] if r.article_id in lost]
        del result.rejected[mark:]
        restored |= lost


def _collisions(
    read: list[tuple[ArticleText, Source]], previous: dict[str, ArticleRecord], result: BuildResult
) -> list[tuple[ArticleText, Source]]:
    """``read`` without (rejected) files whose id a published article of another file has."""
    taken = []
    for article, source in read:
        problem = id_collision(article.id, source.file, previous)
        if problem:
            result.rejected.append(Rejected(str(source.path), problem))
        else:
            taken.append((article, source))
    return taken


def _extract_early(
    read: list[tuple[ArticleText, Source]],
    archive: Archive,
    result: BuildResult,
    progress: Progress,
    jobs: int,
) -> list[tuple[ArticleText, Source]]:
    """Extract ``read`` into the cache (where :func:`_articles` finds it, under the lock);
    those that fail are rejected and left out."""
    done = extract_all(
        [(source, article) for article, source in read], archive, result, progress, jobs=jobs
    )
    extracted = {source.id for source, _ in done}
    return [(article, source) for article, source in read if article.id in extracted]


def _kept_or_withdrawn(
    previous: dict[str, ArticleRecord],
    read: list[tuple[ArticleText, Source]],
    archive: Archive,
    prune: bool,
) -> tuple[str, ...]:
    """A build's withdrawn articles: with ``prune`` the published ones it was not given,
    else none (they are kept, so their sources must be there)."""
    absent = previous.keys() - {article.id for article, _ in read}
    if prune:
        return tuple(sorted(absent))
    missing = missing_sources(archive, previous, absent)
    if missing:
        raise BuildError(
            f"the published articles {', '.join(missing)} are not among the "
            "articles given and their kept sources are missing, so they cannot be "
            "kept: put their files among the articles, or build with --prune to "
            "withdraw them"
        )
    return ()


def _previous_articles(
    base: store.Version | None, remove_ids: Sequence[str]
) -> dict[str, ArticleRecord]:
    if base is None:
        if remove_ids:
            raise store.StoreError("nothing is published yet, so there is nothing to remove")
        return {}
    if not has_records(base):
        raise store.StoreError(
            f"version {base.id} was published before newskg kept article sources (its summary "
            "lists no articles); run `newskg build` once, then add or remove"
        )
    previous = records(base)
    unknown = [i for i in remove_ids if i not in previous]
    if unknown:
        raise BuildError(
            f"no article {', '.join(map(repr, unknown))} in version {base.id}; "
            f"it holds {', '.join(sorted(previous)) or 'none'}"
        )
    if remove_ids and not previous.keys() - set(remove_ids):
        raise BuildError(
            "removing every article would leave nothing to publish; to start "
            "over, build from a directory with `newskg build`"
        )
    return previous


def _base_iri(base: store.Version | None, asked: str | None) -> str:
    published = base.summary().get("base_iri") if base is not None else None
    if published and asked and Iris(asked).base != Iris(published).base:
        raise BuildError(
            f"the published version {base.id} mints IRIs under {published}, "  # type: ignore[union-attr]
            f"not {asked}; one version cannot mix both: rebuild everything with "
            f"`newskg build --base-iri {asked}`, or leave --base-iri out"
        )
    return published or asked or DEFAULT_BASE


def _sort_out(
    result: BuildResult,
    built: list[Built],
    previous: dict[str, ArticleRecord],
    sent: set[str],
    remove_ids: Sequence[str],
    kept: bool = False,
) -> None:
    """Fill added / replaced / unchanged / removed (and, with ``kept``, kept)."""
    for item in built:
        article_id, before = item.article.id, previous.get(item.article.id)
        if article_id not in sent:
            if kept:
                result.kept.append(article_id)
            continue
        if before is None:
            result.added.append(article_id)
        elif before.source == item.source.digest and before.graph == item.digest:
            result.unchanged.append(article_id)
        else:
            result.replaced.append(article_id)
    result.removed = sorted(remove_ids)


def _differs(built: list[Built], previous: dict[str, ArticleRecord]) -> bool:
    now = {b.article.id: (b.source.digest, b.digest) for b in built}
    return now != {i: (r.source, r.graph) for i, r in previous.items()}


def write_dumps(store_dir: str | Path, version: store.Version) -> tuple[list[str], str | None]:
    """Dump the published version; a failure is reported (file names, error), never
    unpublishes."""
    from newskg.publishing.dumps import DumpError
    from newskg.publishing.dumps import write_dumps as dump

    try:
        return [f.name for f in dump(store_dir)], None
    except (DumpError, OSError, RuntimeError) as exc:
        log.exception("writing the dumps of %s failed", version.id)
        return [], str(exc)
