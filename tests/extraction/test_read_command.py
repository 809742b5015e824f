"""``newskg read``: what the reader made of each file, as text and as one JSON object a line;
a file that cannot be read is reported and the others still shown."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newskg.cli import main
from newskg.extraction.reader import read_article

ARTICLES = Path(__file__).resolve().parents[2] / "articles"
PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "html"
STORY = (
    "Harbour reopens after storm\n"
    "Monday, February 05, 2024\n"
    "By Anna Fischer\n"
    "The harbour of Keller Bay reopened on Monday after a storm had closed it for three days, "
    "the port authority said.\n"
    "Ships queued outside the breakwater for most of the morning while pilots checked the "
    "channel.\n"
)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["read", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_json_gives_each_block_with_offsets_kind_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, "utf-8")
    code, out, _ = run(path, "--json")
    assert code == 0
    [line] = out.splitlines()
    found = json.loads(line)
    art = read_article(path)
    assert found["file"] == str(path)
    assert found["headline"] == "Harbour reopens after storm"
    assert found["date"] == "2024-02-05" and found["authors"] == ["Anna Fischer"]
    assert found["extractor"] == "text" and found["warnings"] == []
    assert found["body"] == "\n".join(s.of(art.text) for s in art.body)
    assert found["body"].startswith("The harbour of Keller Bay") and "pilots" in found["body"]
    kinds = [(b["kind"], b["text"]) for b in found["blocks"]]
    assert kinds[:3] == [
        ("headline", "Harbour reopens after storm"),
        ("date", "Monday, February 05, 2024"),
        ("byline", "By Anna Fischer"),
    ]
    assert [k for k, _ in kinds[3:]] == ["body", "body"]
    for block in found["blocks"]:  # offsets index the text; every block says why
        assert art.text[block["begin"] : block["end"]] == block["text"]
        assert block["reason"]
        assert set(block) == {"begin", "end", "kind", "reason", "score", "text"}


def test_text_output_names_file_headline_and_blocks(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, "utf-8")
    code, out, _ = run(path)
    assert code == 0
    assert out.splitlines()[0] == f"== {path}"
    assert "headline:  Harbour reopens after storm" in out
    assert "byline:    Anna Fischer" in out and "read by:   text" in out
    assert "blocks:    5 (2 body)" in out
    assert "date      (date line) Monday, February 05, 2024" in out


def test_html_page_says_which_extractor_read_it() -> None:
    code, out, _ = run(PAGES / "harbor-match.html", "--json")
    assert code == 0
    found = json.loads(out)
    assert found["extractor"] == "trafilatura"
    assert found["headline"] == "Rovers edge Dalton City in late thriller"
    assert found["body"].startswith("Harbor Rovers beat Dalton City 2-1")


def test_a_bad_file_is_reported_and_the_others_still_shown(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(STORY, "utf-8")
    bad.write_text("<!DOCTYPE html><html><body><p>Hi</p></body></html>\n", "utf-8")
    code, out, err = run(bad, good, "--json")
    assert code == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["file"] == str(bad) and "HTML page sent as text" in first["error"]
    assert second["file"] == str(good) and second["headline"] == "Harbour reopens after storm"
    assert f"error: {bad}: an HTML page sent as text" in err


def test_bundled_article_blocks_cover_body_and_furniture() -> None:
    path = sorted(ARTICLES.glob("*.txt"))[0]
    code, out, _ = run(path, "--json")
    assert code == 0
    found = json.loads(out)
    art = read_article(path)
    body = [(b["begin"], b["end"]) for b in found["blocks"] if b["kind"] == "body"]
    assert body == [(s.begin, s.end) for s in art.body]
    excluded = [(b["begin"], b["end"], b["reason"]) for b in found["blocks"] if b["kind"] != "body"]
    assert excluded == [(s.begin, s.end, reason) for s, reason in art.excluded]


def test_weighed_blocks_carry_their_score(tmp_path: Path) -> None:
    """A page long enough to be weighed: every block the weighing decided has its score (0-1),
    furniture below the body's; the rules alone decide short texts, which have none."""
    lines = [
        "Share",
        "Tweet",
        "Home | World | Sport",
        *(
            f"Paragraph {n} of the story says that the harbour of Keller Bay reopened on "
            f"Monday, the port authority said, after ships had waited for {n} days."
            for n in range(1, 7)
        ),
        "Related stories",
        "Most read",
    ]
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, out, _ = run(path, "--json")
    assert code == 0
    blocks = json.loads(out)["blocks"]
    body = [b["score"] for b in blocks if b["kind"] == "body"]
    weighed = [b["score"] for b in blocks if b["reason"].startswith("weighed")]
    assert len(body) == 6 and all(0.0 <= s <= 1.0 for s in body)
    assert weighed and max(weighed) < min(body)
    short = tmp_path / "story.txt"
    short.write_text(STORY, "utf-8")
    assert {b["score"] for b in json.loads(run(short, "--json")[1])["blocks"]} == {None}
