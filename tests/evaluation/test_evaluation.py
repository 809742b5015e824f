"""The scorer (src/newskg/evaluation/) on made-up extractions, `newskg eval` on the mapper cases
(gold.json beside article.txt), and the corpus against the annotator's gold (tests/gold/)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newskg.evaluation import TARGETS, gold_form, max_matching, score_article
from newskg.extraction.model import (
    ArticleText,
    Entity,
    Event,
    EventArgument,
    Extraction,
    Membership,
    Span,
    Statement,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES = ROOT / "tests" / "extraction" / "cases"  # the extraction cases, scored here
GOLD = ROOT / "tests" / "gold"
NEWSKG = [sys.executable, "-m", "newskg.cli"]


def _x() -> Extraction:
    text = "x" * 200
    art = ArticleText("a", "a.txt", text, headline="H", date_published="2024-01-02")
    ents = [
        Entity("jane-roe", "actor", "Jane Roe", {"Roe"}),
        Entity("roe", "actor", "Roe"),  # a split: the second entity for one person
        Entity("acme", "organization", "Acme Corp", {"Acme"}, wikidata="Q1"),
        Entity("paris", "place", "Paris", wikidata="Q90"),
    ]
    sts = [
        Statement("We will win the cup this year", Span(0, 5), "jane-roe", [Span(0, 9)], 0.9, "r"),
        Statement("first half of a long quote", Span(10, 15), "roe", [Span(10, 19)], 0.9, "r"),
        Statement("and its second half here", Span(20, 25), "roe", [Span(20, 29)], 0.9, "r"),
        Statement("nobody said this", Span(30, 35), None, [Span(30, 39)], 0.5, "r"),
    ]
    evs = [
        Event("agreement", "deal", [EventArgument("acme", "participant")], [Span(0, 9)], 0.8, "r"),
        Event("agreement", "deal", [EventArgument("acme", "agent")], [Span(10, 19)], 0.8, "r"),
    ]
    mem = [Membership("jane-roe", "acme", "chief executive", [Span(0, 9)], 0.9, "r")]
    return Extraction(art, ents, sts, evs, mem)


GOLD_A = {
    "article": {"headline": "H", "published": "2024-01-02", "author": [], "publisher": None},
    "persons": [{"name": "Jane Roe", "aliases": ["Roe"], "wikidata": None}],
    "organizations": [{"name": "ACME Corp.", "aliases": [], "wikidata": "Q1"}],
    "places": [
        {"name": "Paris", "aliases": [], "wikidata": "Q90"},
        {"name": "Lyon", "aliases": [], "wikidata": None},
    ],
    "quotes": [
        {"text": "“We will win the cup,” ", "speaker": "Jane Roe"},
        {"text": "first half of a long quote and its second half here", "speaker": "Roe"},
    ],
    "events": [
        {
            "label": "deal",
            "type": "agreement",
            "date": None,
            "place": None,
            "participants": [{"name": "ACME Corp", "role": "participant"}],
        }
    ],
    "memberships": [{"person": "Jane Roe", "organization": "Acme Corp", "role": "executive"}],
}


def test_gold_form() -> None:
    assert gold_form("The  Café’s") == gold_form("cafe's") == "cafes"
    assert gold_form("U.S.-led coalition") == "us led coalition"


def test_matching_is_one_to_one() -> None:
    assert max_matching(2, 2, lambda i, j: True) == {0: 0, 1: 1}
    assert max_matching(2, 1, lambda i, j: True) == {0: 0}
    assert max_matching(2, 2, lambda i, j: (i, j) in {(0, 0), (0, 1), (1, 0)}) == {0: 1, 1: 0}


def test_score_layers() -> None:
    s = score_article(_x(), GOLD_A)
    persons = s.layers["persons"]
    # "Roe" split from "Jane Roe": one true positive, one false positive.
    assert (persons.tp, persons.system, persons.gold) == (1, 2, 1)
    assert s.layers["organizations"].precision == 1.0
    places = s.layers["places"]
    assert (places.tp, places.system, places.gold) == (1, 1, 2)
    quotes = s.layers["quotes"]
    # the first covers 100% of the gold words; the two halves together are one found quote;
    # "nobody said this" is a false positive.
    assert (quotes.tp, quotes.system, quotes.gold) == (2, 3, 2)
    # The halves' speaker is the split "Roe" entity, which names the gold speaker.
    assert (s.right_speakers, s.found_quotes) == (2, 2)
    events = s.layers["events"]
    assert (events.tp, events.system, events.gold) == (1, 2, 1)  # reported twice: one FP
    assert s.layers["memberships"].tp == 1  # "executive" is contained in "chief executive"
    wd = s.layers["wikidata links"]
    assert (wd.tp, wd.system, wd.gold) == (2, 2, 2)
    assert s.layers["metadata"].tp == 2


def test_wrong_speaker_and_wrong_link() -> None:
    x = _x()
    x.statements[0].speaker = "acme"
    x.entities[2].wikidata = "Q2"
    s = score_article(x, GOLD_A)
    assert (s.right_speakers, s.found_quotes) == (1, 2)
    assert s.layers["wikidata links"].tp == 1 and s.layers["wikidata links"].system == 2


def test_eval_command_on_cases(tmp_path: Path) -> None:
    articles, gold = tmp_path / "articles", tmp_path / "gold"
    articles.mkdir()
    gold.mkdir()
    for case in sorted(CASES.iterdir()):
        if (case / "gold.json").exists():
            shutil.copy(case / "article.txt", articles / f"{case.name}.txt")
            shutil.copy(case / "gold.json", gold / f"{case.name}.json")
    out = subprocess.run(
        [*NEWSKG, "eval", "--articles", str(articles), "--gold", str(gold), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    report = json.loads(out.stdout)
    assert set(report["articles"]) == {p.stem for p in gold.iterdir()}
    overall = report["overall"]["layers"]
    assert overall["persons"]["precision"] >= 0.9 and overall["quotes"]["precision"] >= 0.9
    # The cases of other beats (sports, business, regional) guard against over-generation.
    assert overall["organizations"]["precision"] >= 0.9
    assert overall["events"]["precision"] >= 0.7
    text = subprocess.run(
        [*NEWSKG, "eval", "--articles", str(articles), "--gold", str(gold)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "== overall" in text and "speaker accuracy" in text
    bad = subprocess.run(
        [*NEWSKG, "eval", "--articles", str(articles), "--gold", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "not a directory" in bad.stderr


# --- the corpus against the independent gold ------------------------------------------------

#: Targets the corpus does not reach yet (see docs/evaluation.md): strict xfail, so a
#: fix that reaches one shows up as XPASS and this list must shrink.
NOT_YET: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def corpus_report() -> dict:
    assert any(GOLD.glob("*.json")), f"no gold files in {GOLD}: restore tests/gold/*.json"
    out = subprocess.run(
        [*NEWSKG, "eval", "--articles", str(ROOT / "articles"), "--gold", str(GOLD), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


TARGET_CASES = [
    (layer, measure, minimum)
    for layer, wanted in TARGETS.items()
    for measure, minimum in wanted.items()
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("layer", "measure", "minimum"),
    [
        pytest.param(*c, marks=pytest.mark.xfail(strict=True, reason="below target"))
        if c[:2] in NOT_YET
        else c
        for c in TARGET_CASES
    ],
    ids=[f"{layer}-{measure}" for layer, measure, _ in TARGET_CASES],
)
def test_corpus_targets(corpus_report: dict, layer: str, measure: str, minimum: float) -> None:
    overall = corpus_report["overall"]
    got = (
        overall["speaker_accuracy"] if measure == "accuracy" else overall["layers"][layer][measure]
    )
    assert got is not None, f"the corpus gold has no {layer}: annotate it in tests/gold/"
    assert got >= minimum, f"{layer} {measure} {got} < {minimum}"
