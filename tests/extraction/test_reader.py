"""The reader on the corpus as received, and on broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newskg.extraction.furniture import blocks
from newskg.extraction.reader import ArticleError, read_article

ARTICLES = Path(__file__).resolve().parents[2] / "articles"
ANALYSIS = ARTICLES / "000_15d2d29b220b0ea0.txt"
PROFILE = ARTICLES / "004_aab24eeb803ce905.txt"


def body_text(path: Path) -> str:
    article = read_article(path)
    return "\n".join(span.of(article.text) for span in article.body)


def test_analysis_metadata() -> None:
    article = read_article(ANALYSIS)
    assert article.headline == (
        "Following Soleimani Assassination, Nasrallah Aims to Expel U.S. From the Mideast"
    )
    assert article.date_published is None  # the text has no date line
    # ... but its latest photo caption dates it, so "on Saturday" can still be resolved.
    assert article.reference_date == "2020-01-06"
    assert article.text == ANALYSIS.read_text("utf-8")


def test_profile_metadata() -> None:
    article = read_article(PROFILE)
    assert article.headline == "The Shadowy Backroom Dealer Steering Iran’s ‘Axis of Resistance’"
    assert article.date_published == "2024-02-05"
    assert article.authors == ["Sune Engel Rasmussen"]
    assert article.publisher == "The Wall Street Journal"


@pytest.mark.parametrize(
    ("path", "furniture"),
    [
        (ANALYSIS, "Please enter a valid email address"),
        (ANALYSIS, "The email address you have provided is already registered"),
        (ANALYSIS, "Mourners carry the coffins"),  # photo caption
        (ANALYSIS, "Four critical questions"),  # related links
        (ANALYSIS, "UPDATE:"),
        (PROFILE, "YOU MAY ALSO LIKE"),
        (PROFILE, "Paused"),
        (PROFILE, "Iran-backed groups form a land bridge"),  # video description
        (PROFILE, "Posted on X"),
        (PROFILE, "I profiled Esmail Qaani"),  # social post
        (PROFILE, "side-hustling DJ"),  # author bio
        (PROFILE, "Sune lived for nearly a decade"),
        (PROFILE, "LATEST ARTICLES"),
        (PROFILE, "PHOTO:\xa0SALAMPIX"),
        (PROFILE, "became leader of the Quds Force after a U.S. drone strike"),  # caption
        (PROFILE, "Costas Paris contributed"),
        (PROFILE, "- WSJ"),
    ],
)
def test_furniture_is_not_body(path: Path, furniture: str) -> None:
    article = read_article(path)
    assert furniture in article.text
    assert furniture not in body_text(path)


@pytest.mark.parametrize(
    ("path", "prose"),
    [
        (ANALYSIS, "In an aggressive speech, Nasrallah presented the goals"),
        (ANALYSIS, "The Iranians said they will be enriching the quantity of uranium"),
        # an editor's update is prose; only its "UPDATE:" label is furniture
        (ANALYSIS, "U.S.-led coalition says will withdraw from Iraq following parliament vote"),
        (PROFILE, "Secretary of State\xa0Antony Blinken\xa0warned last week"),  # a bullet
        (PROFILE, "Born in the late 1950s, Qaani has revealed"),  # after a "> " marker
        (PROFILE, "Same problem exists in relation to Houthis"),
        (PROFILE, "The question now is whether the militias will listen."),
    ],
)
def test_prose_is_body(path: Path, prose: str) -> None:
    assert prose in body_text(path)


@pytest.mark.parametrize(
    ("line", "body"),
    [
        ("UPDATE: The minister resigned on Friday.", "The minister resigned on Friday."),
        ("Updated: 5 February 2024", None),  # a date line, not news
        ("Editor's note: This story has been corrected.", None),
        ("Correction: An earlier version misspelt a name.", None),
    ],
)
def test_update_label(tmp_path: Path, line: str, body: str | None) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"A headline about a minister\n\n{line}\n\nThe story goes on here.\n", "utf-8")
    article = read_article(path)
    texts = [span.of(article.text) for span in article.body]
    assert texts == ([body] if body else []) + ["The story goes on here."]


def test_body_spans_exclude_markers() -> None:
    text = "  • First point here.\n> Second point\n"
    assert [s.of(text) for s in blocks(text)] == ["First point here.", "Second point"]


def test_hard_wrapped_lines_join() -> None:
    text = "Headline\n\nThe minister said the talks\nwould resume on Monday.\n"
    assert [s.of(text) for s in blocks(text)][1] == (
        "The minister said the talks\nwould resume on Monday."
    )


def test_sidecar_supplies_what_the_text_does_not(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nSomeone did something.\n", "utf-8")
    (tmp_path / "a.meta.json").write_text(
        json.dumps(
            {
                "url": "https://example.org/a",
                "publisher": "Example News",
                "published": "2021-03-04",
                "authors": ["Ann Author"],
            }
        ),
        "utf-8",
    )
    article = read_article(tmp_path / "a.txt")
    assert (article.url, article.publisher, article.date_published, article.authors) == (
        "https://example.org/a",
        "Example News",
        "2021-03-04",
        ["Ann Author"],
    )
    assert article.reference_date == "2021-03-04"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty article"),
        (b"  \n\n ", "empty article"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"Headline\n\ncaf\xe9 au lait\n", "not UTF-8"),
    ],
)
def test_broken_article_names_file_and_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert str(path) in str(info.value) and reason in str(info.value)


def test_wrong_encoding_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Headline\n\nabc caf\xe9\n")
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert (info.value.line, info.value.column) == (3, 8)


def test_malformed_sidecar_gives_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nText.\n", "utf-8")
    (tmp_path / "a.meta.json").write_text('{\n  "url": "x",\n  "publisher": }\n', "utf-8")
    with pytest.raises(ArticleError) as info:
        read_article(tmp_path / "a.txt")
    assert info.value.path.endswith("a.meta.json")
    assert (info.value.line, info.value.column) == (3, 16)


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ({"published": "yesterday"}, "not YYYY-MM-DD"),
        ({"authors": "Ann"}, "list of names"),
        ({"writer": "Ann"}, "unknown keys"),
        ({"url": "not a url <x>"}, "not an absolute http"),
        ({"url": "www.example.org/story"}, "not an absolute http"),
    ],
)
def test_invalid_sidecar_values(tmp_path: Path, meta: dict[str, object], reason: str) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nText.\n", "utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ArticleError, match=reason):
        read_article(tmp_path / "a.txt")


@pytest.mark.parametrize(
    ("limit", "make"),
    [
        ("MAX_PARAGRAPH_CHARS", lambda n: "Headline\n\n" + "Word. " * (n // 6) + "x" * (n % 6)),
        # (a sentence of words: a block none of whose lines is a sentence is no article)
        ("MAX_SENTENCE_CHARS", lambda n: "Headline\n\nIt is " + "x" * (n - 6) + "."),
        ("MAX_HEADLINE_CHARS", lambda n: "H" * n + "\n\nIt rained all day."),
    ],
)
def test_size_limits_take_the_limit_and_refuse_one_more(
    tmp_path: Path, limit: str, make: object
) -> None:
    from newskg.extraction import limits

    size = getattr(limits, limit)
    path = tmp_path / "a.txt"
    path.write_text(make(size), "utf-8")  # type: ignore[operator]
    read_article(path)
    path.write_text(make(size + 1), "utf-8")  # type: ignore[operator]
    with pytest.raises(ArticleError, match=f"at most {size:,}"):
        read_article(path)


def test_web_url_encodes_after_a_clean_host_only(tmp_path: Path) -> None:
    from newskg.extraction.reader import web_url

    page = tmp_path / "p.html"
    assert web_url("https://a.example/x y?q=é", page) == "https://a.example/x%20y?q=é"
    assert web_url("https://a.example/ok", page) == "https://a.example/ok"
    assert web_url("https://a b.example/", page) is None
    assert web_url("mailto:a@b.example", page) is None


# --- what is not an article is refused with the reason ----------------------------------------

NAVIGATION = "\n".join(
    ["Home", "World", "UK", "Business", "Politics", "Sport", "Contact us", "Site map"]
    + [f"Wanderers close in on striker {n}" for n in ("Steinsson", "Lee", "Moore")]
)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            "<!DOCTYPE html>\n<html><head><title>Harbour</title></head>\n<body><p>The harbour "
            "reopened on Monday, the port authority said.</p></body></html>\n",
            "an HTML page sent as text",
        ),
        (  # markup without a doctype: most of the characters are tags
            '<div class="story"><p class="lead">The harbour reopened on Monday.</p>\n'
            '<p class="body">Ships <a href="/ships">queued</a> outside.</p></div>\n',
            "an HTML page sent as text",
        ),
        (NAVIGATION + "\n", "no prose: none of its 11 blocks reads as a sentence"),
        ("The harbour reopened on Monday, the port authority said.\n", "one line is not"),
    ],
)
def test_what_is_not_an_article_is_refused(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "page.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(ArticleError, match=reason) as info:
        read_article(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    "content",
    [
        "A headline\n\nPolice said it rained.\n",  # short, but a headline and a sentence
        "Storm closes harbour\n<b>Ships</b> queued outside the breakwater, pilots said.\n",
        "Talks end\n“We are done here,” the envoy said.\u200e\n",  # quote and a direction mark
    ],
)
def test_a_short_article_is_still_an_article(tmp_path: Path, content: str) -> None:
    path = tmp_path / "short.txt"
    path.write_text(content, "utf-8")
    article = read_article(path)
    assert [span.of(article.text) for span in article.body] == [content.splitlines()[-1].strip()]
    assert article.extractor == "text" and article.warnings == []


def test_a_navigation_line_among_prose_does_not_refuse_the_article(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    story = "The harbour of Keller Bay reopened on Monday after the storm, the port said."
    path.write_text(NAVIGATION + "\n" + story + "\n", "utf-8")
    assert story in [span.of(path.read_text("utf-8")) for span in read_article(path).body]


def test_character_references_in_a_text_dump_are_the_characters(tmp_path: Path) -> None:
    path = tmp_path / "refs.txt"
    path.write_text(
        "Headline\n\nThe caf&#233; &amp; bar opened, said Jo &#x52;ay, a risqu&#233; move.\n",
        "utf-8",
    )
    text = read_article(path).text
    assert "The café & bar opened, said Jo Ray, a risqué move." in text
    assert "&#" not in text
