"""Pathological articles (issue 11, "Pathological articles").

The attack: a 990 KB article that is one paragraph took 13 minutes and 2.7 GB to extract (408
"organizations"), and a 60 KB capitalised run in a headline took 185 s.

Profiled (cProfile on the synthetic articles below), the time went to parts that were
quadratic: the name re-scan (every token against every name), the overlap of mentions, the
surname and partial-name links (every name against every name), a regex for a full name in
the headline that backtracked at each position of a capitalised run, the publisher's e-mail
regex that did the same on any long word, and the quote and event rules that walked the
whole paragraph (its quotes, its sentences) once per quote; and the memory to spaCy parsing
every paragraph in one batch. Those are now linear (or bounded per batch), and the reader
rejects, with an ArticleError naming the file, the line and the limit, an article beyond the
size limits of ``src/newskg/extraction/limits.py`` (paragraph, sentence, headline, prose; about
eight
times the largest of 2,402 real articles). The texts are generated here, never copied.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newskg.extraction import furniture, limits
from newskg.extraction.entities import full_name_from
from newskg.extraction.lexicon import lexicon
from newskg.extraction.reader import ArticleError, read_article
from tests.conftest import ROOT
from tests.ops.publishing import newskg

FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo"]
LAST = ["Berg", "Castillo", "Duval", "Eriksen", "Fischer", "Gruber", "Haddad", "Novak"]
HEADS = ["Council", "Ministry", "Agency", "Party", "Union", "Front", "Bank", "Institute"]
PLACES = ["Arlon", "Brest", "Dorset", "Esbjerg", "Falun", "Girona", "Hamar", "Jena"]


def sentence(rng: random.Random) -> str:
    """A made-up news sentence with people, organizations, places and quotes."""
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    org = f"{rng.choice(PLACES)} {rng.choice(LAST)} {rng.choice(HEADS)}"
    return rng.choice(
        [
            f'"We will not accept this," said {who}, a spokesman for the {org}.',
            f"{who} of the {org} met officials in {rng.choice(PLACES)} after troops attacked.",
            f"The {org} said {rng.randint(2, 900)} people were arrested in {rng.choice(PLACES)}.",
            f"According to {who}, the {org} will hold talks with the {rng.choice(HEADS)}.",
        ]
    )


def prose(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    length = 0
    while length < size:
        out.append(sentence(rng))
        length += len(out[-1]) + 1
    return " ".join(out)


def capitalised(size: int, spaces: bool = True) -> str:
    words = [w for group in (FIRST, LAST, HEADS, PLACES) for w in group]
    text = (" " if spaces else "").join(words[i % len(words)] for i in range(size // 5 + 1))
    return text[:size]


def rejected_quickly(path: Path) -> ArticleError:
    started = time.monotonic()
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert time.monotonic() - started < 5  # was 13 minutes (or 185 s)
    assert info.value.path == str(path)
    return info.value


def test_a_990_kb_paragraph_is_rejected_at_once(tmp_path: Path) -> None:
    path = tmp_path / "one-paragraph.txt"
    path.write_text("A long story\n\n" + prose(990_000) + "\n", "utf-8")
    error = rejected_quickly(path)
    assert error.line == 3
    assert "a paragraph of 990," in error.reason and "at most 20,000" in error.reason


@pytest.mark.parametrize("spaces", [True, False], ids=["words", "one-word"])
def test_a_60_kb_capitalised_headline_is_rejected_at_once(tmp_path: Path, spaces: bool) -> None:
    path = tmp_path / "headline.txt"
    path.write_text(
        capitalised(60_000, spaces) + "\n\nPolice arrested Anna Berg in Jena.\n", "utf-8"
    )
    error = rejected_quickly(path)
    assert "a headline of 60,000 characters; at most 2,000" in error.reason


def test_a_sentence_without_end_and_too_much_prose_are_rejected(tmp_path: Path) -> None:
    run_on = tmp_path / "run-on.txt"
    run_on.write_text("Headline\n\n" + prose(3_000).replace(".", ",") * 3 + "\n", "utf-8")
    assert "a sentence of" in rejected_quickly(run_on).reason
    many = tmp_path / "many.txt"
    paragraphs = "\n".join(prose(1_900, seed) for seed in range(120))
    many.write_text("Headline\n\n" + paragraphs + "\n", "utf-8")
    assert "characters of prose; at most 200,000" in rejected_quickly(many).reason


def test_the_regexes_over_whole_texts_are_linear() -> None:
    """The two scans that backtracked on a long capitalised run, 60 KB and 1 MB long."""
    lex = lexicon()
    texts = [capitalised(60_000), capitalised(60_000, spaces=False)]
    started = time.monotonic()
    assert full_name_from(texts, "Lopez", lex) is None
    texts[1] += " says Maria Lopez"
    assert full_name_from(texts, "Lopez", lex) == "Maria Lopez"
    from newskg.extraction.model import ArticleText

    article = ArticleText("a", "a.txt", capitalised(1_000_000, spaces=False) + " ed@wsj.com")
    furniture.find_publisher(article, [])
    assert article.publisher == "The Wall Street Journal"
    assert time.monotonic() - started < 5  # minutes before


def _extract_measured(path: Path) -> tuple[float, int, str]:
    """Seconds, peak memory (KiB) and output of ``newskg extract PATH`` in its own process."""
    out_path, err_path = path.with_suffix(".nt"), path.with_suffix(".err")
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "newskg.cli", "extract", str(path), "--format", "nt"],
            cwd=ROOT,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)  # the child's own peak memory
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, err_path.read_text()
    return time.monotonic() - started, usage.ru_maxrss, out_path.read_text("utf-8")


@pytest.mark.slow
def test_paragraphs_at_the_limit_extract_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Three paragraphs just under the paragraph limit, each of about 180 quotes: the quote
    rules walked the paragraph once per quote (30 s for ten such paragraphs, now 12 s)."""
    quotes = " ".join(f'"Quote number {k} of the day," said Anna Berg.' for k in range(420))
    assert len(quotes) < limits.MAX_PARAGRAPH_CHARS
    path = tmp_path / "quotes.txt"
    path.write_text("Headline\n\n" + "\n".join([quotes] * 3) + "\n", "utf-8")
    seconds, peak_kib, out = _extract_measured(path)
    assert out.count("ontology#quote>") == 3 * 420
    assert seconds < 60 and peak_kib < 1_500_000


@pytest.mark.slow
def test_a_build_reports_them_and_publishes_the_rest(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "huge.txt").write_text("A long story\n\n" + prose(990_000) + "\n", "utf-8")
    (articles / "shouting.txt").write_text(capitalised(60_000) + "\n\nShort body here.\n", "utf-8")
    (articles / "fine.txt").write_text("A fine story\n\n" + prose(2_000) + "\n", "utf-8")
    started = time.monotonic()
    result = newskg("build", "--articles", articles, "--store", tmp_path / "store")
    assert time.monotonic() - started < 120  # the 990 KB article alone took 13 minutes
    assert "1 published" in result.stdout, result.stdout + result.stderr
    huge = articles / "huge.txt"
    # The file is named once, its place in it after (it was "F: F:3: reason").
    assert f"rejected {huge}: line 3: a paragraph of" in result.stderr, result.stderr
    assert f"{huge}:3" not in result.stderr
    assert "at most 20,000" in result.stderr
    assert f"rejected {articles / 'shouting.txt'}" in result.stderr
    assert "a headline of 60,000 characters" in result.stderr
