"""Different people merged (issue 11, "Different people merged").

The attack: an article quoting two people whose names are written in Cyrillic. Names without
Latin letters slugged to ``x``, so both became the one actor ``id/actor/x`` and one's quote was
published as the other's; the same happened across articles and in every script without Latin
letters (and an all-punctuation name slugged to ``x`` too).

Now an entity's key is its name folded by the one folding of names
(``newskg.text.fold``:
NFKD, Latin and Greek accents dropped, case folded, NFC) with ``-`` for spaces, so an IRI keeps
the letters of every script and two names that fold apart never share one; a name with no
letter or digit, or a very long one, adds a hash of the name. Keys that still meet (a name and
the gazetteer entry it is not, two kinds of one name in an article, two articles) are told
apart by a hash of the name. Choice: names that differ only in Latin or Greek accents ("José",
"Jose") are one name, as matching has always folded them; marks of other scripts are kept.
Replayed through ``newskg extract``, a real build and a live server's linked-data pages.
"""

from __future__ import annotations

import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from newskg.extraction.crossdoc import link_across
from newskg.extraction.gazetteer import GazEntry, Gazetteer
from newskg.extraction.model import ArticleText, Entity, Extraction, Span, Statement
from newskg.text import fold
from newskg.vocab import Iris, entity_key
from tests.conftest import StartServer
from tests.ops.publishing import newskg

NKG = "https://w3id.org/newskg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

# Two different people (or places) per script: the attack's pair and its siblings.
PAIRS = {
    "Cyrillic": ("Иван Петров", "Сергей Смирнов"),
    "Greek": ("Γιάννης Παπαδόπουλος", "Νίκος Γεωργίου"),
    "Arabic": ("محمد عبد الله", "أحمد حسن"),
    "CJK": ("习近平", "李克强"),
    "Devanagari": ("नरेंद्र मोदी", "राहुल गांधी"),
    # differ only in a mark that is part of the letter in their script
    "Cyrillic й/и": ("Андрей", "Андреи"),
    "Devanagari vowel sign": ("राम", "रामा"),
    "punctuation only": ("!!!", "???"),
    "long names sharing 80 characters": ("Committee " * 9 + "Alpha", "Committee " * 9 + "Beta"),
}


@pytest.mark.parametrize("pair", PAIRS.values(), ids=PAIRS.keys())
def test_names_of_every_script_keep_their_own_iri(pair: tuple[str, str]) -> None:
    first, second = (entity_key(name) for name in pair)
    assert first != second
    iris = Iris("http://localhost:8000/")
    for key in (first, second):
        assert key not in {"x", "name", ""}
        assert key == unicodedata.normalize("NFC", key) == key.casefold()
        iri = str(iris.entity("actor", key))
        # Both RDF libraries take the IRI as it is (an IRI may hold these letters).
        assert pyoxigraph.NamedNode(iri).value == iri
        graph = Graph()
        graph.add((URIRef(iri), URIRef(LABEL), URIRef(iri)))
        parsed = list(
            pyoxigraph.parse(
                graph.serialize(format="nt", encoding="utf-8"),
                format=pyoxigraph.RdfFormat.N_TRIPLES,
            )
        )
        assert parsed[0].subject.value == iri


def test_letters_of_the_script_stay_in_the_key() -> None:
    assert entity_key("Иван Петров") == "иван-петров"
    assert entity_key("习近平") == "习近平"
    assert entity_key("नरेंद्र मोदी") == "नरेंद्र-मोदी"


def test_accents_on_latin_and_greek_letters_are_one_name() -> None:
    """The documented choice: names folded alike for matching are one entity, one IRI."""
    assert entity_key("José Núñez") == entity_key("Jose Nunez") == "jose-nunez"
    assert entity_key("Ιωάννης") == entity_key("ΙΩΑΝΝΗΣ")
    assert entity_key("Søren Łukasz") == "soren-lukasz"  # letters that do not decompose
    assert fold("José") == fold("Jose")


def test_a_name_that_is_not_the_gazetteer_entry_does_not_take_its_iri() -> None:
    """ "Anna Berg" is not the gazetteer's "Anna Maria Berg", whose key is ``anna-berg``."""
    from newskg.extraction.entities import resolve
    from newskg.extraction.nlp import parse_body

    text = 'Nobody expected it\n\n"We will appeal," said Anna Berg, a lawyer in Oslo.\n'
    article = ArticleText("a", "a.txt", text, body=[Span(20, len(text) - 1)])
    gaz = Gazetteer([GazEntry("actor", "anna-berg", "Anna Maria Berg", "Q1")])
    entities = resolve(article, parse_body(article), gaz=gaz).entities
    berg = next(e for e in entities if e.label == "Anna Berg")
    assert berg.key.startswith("anna-berg--") and berg.wikidata is None


def _quoted(article: str, key: str, label: str, quote: str) -> Extraction:
    text = f'"{quote}," said {label}.'
    span = Span(1, 1 + len(quote))
    return Extraction(
        ArticleText(article, f"{article}.txt", text),
        [Entity(key, "actor", label, mentions=[Span(len(quote) + 9, len(text) - 1)])],
        statements=[Statement(quote, span, key, [Span(0, len(text))], 0.9, "test")],
    )


@pytest.mark.parametrize("order", [0, 1])
def test_linking_tells_apart_names_that_met_on_one_key(order: int) -> None:
    """Two articles whose different people reached one key (a key minted by an older
    version, a hash collision) are told apart, the same way whatever the order."""
    a = _quoted("a", "x", "Иван Петров", "We will not sign")
    b = _quoted("b", "x", "Сергей Смирнов", "The talks are over")
    link_across([a, b] if order == 0 else [b, a])
    speaker = {
        x.article.id: next(e for e in x.entities if e.key == x.statements[0].speaker)
        for x in (a, b)
    }
    assert speaker["a"].label == "Иван Петров" and speaker["b"].label == "Сергей Смирнов"
    assert speaker["a"].key != speaker["b"].key
    assert "--" in speaker["a"].key and "--" in speaker["b"].key


ARTICLES = {
    "kazan": """Talks in Kazan end without a deal

Monday, February 05, 2024

Иван Петров, the mayor of Kazan, spoke to reporters after the meeting.
"We will not sign this agreement," said Иван Петров.
"The talks are over for this year," said Сергей Смирнов, a trade union leader.
""",
    "athens": """Athens port strike continues

Tuesday, February 06, 2024

"We will stay on strike until the ministry listens," said Γιάννης Παπαδόπουλος, a dock worker.
"The port will open on Friday," said Νίκος Γεωργίου, a ministry official.
""",
}
SPEAKERS = {
    "We will not sign this agreement": "Иван Петров",
    "The talks are over for this year": "Сергей Смирнов",
    "We will stay on strike until the ministry listens": "Γιάννης Παπαδόπουλος",
    "The port will open on Friday": "Νίκος Γεωργίου",
}
WHO_SAID = f"""SELECT ?quote ?name ?speaker WHERE {{
    ?s <{NKG}quote> ?quote ; <{NKG}speaker> ?speaker . ?speaker <{LABEL}> ?name }}"""


def _who_said(data: pyoxigraph.Store) -> dict[str, tuple[str, str]]:
    rows = data.query(WHO_SAID, use_default_graph_as_union=True)
    return {r["quote"].value: (r["name"].value, r["speaker"].value) for r in rows}


@pytest.mark.slow
def test_two_cyrillic_speakers_keep_their_own_quotes(tmp_path: Path) -> None:
    path = tmp_path / "kazan.txt"
    path.write_text(ARTICLES["kazan"], "utf-8")
    result = newskg("extract", path, "--format", "nt")
    assert result.returncode == 0, result.stderr
    data = pyoxigraph.Store()
    data.load(result.stdout.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    said = _who_said(data)
    assert {quote: name for quote, (name, _) in said.items()} == {
        q: n for q, n in SPEAKERS.items() if q in ARTICLES["kazan"]
    }
    assert len({iri for _, iri in said.values()}) == 2


@pytest.mark.slow
def test_built_and_served_each_speaker_is_their_own_page(
    tmp_path: Path, start_server: StartServer
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / f"{name}.txt").write_text(text, "utf-8")
    store_dir = tmp_path / "store"
    built = newskg("build", "--articles", articles, "--store", store_dir, "--quiet")
    assert built.returncode == 0, built.stderr
    base = start_server("newskg.serve", "--store", store_dir, "--workers", "1")

    from newskg.backends import versions as store

    said = _who_said(store.open_published(store_dir)[1])
    assert {quote: name for quote, (name, _) in said.items()} == SPEAKERS
    assert len({iri for _, iri in said.values()}) == 4
    for name, iri in said.values():
        # The IRI dereferences on the live server (the path percent-encodes the letters).
        path = urllib.parse.urlsplit(iri).path
        request = urllib.request.Request(
            base + urllib.parse.quote(path), headers={"Accept": "application/n-triples"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            page = Graph().parse(data=response.read().decode("utf-8"), format="nt")
        labels = {str(o) for o in page.objects(URIRef(iri), URIRef(LABEL))}
        assert labels == {name}
