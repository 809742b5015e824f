"""``newskg eval --sets DIR``: every set of a directory in one run, only the layers each set
annotates, a rejected article scored as found empty, the reader set in both forms, and the
targets met or missed per set and layer (text, JSON and Markdown)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests" / "extraction" / "cases" / "business-acquisition"
NEWSKG = [sys.executable, "-m", "newskg.cli"]
BODY = "The council approved the budget on Monday after a long debate about schools."


def _sets(root: Path) -> Path:
    gold = json.loads((CASE / "gold.json").read_text("utf-8"))
    people = root / "people"
    (people / "articles").mkdir(parents=True)
    (people / "gold").mkdir()
    shutil.copy(CASE / "article.txt", people / "articles" / "deal.txt")
    (people / "gold" / "deal.json").write_text(
        json.dumps({"layers": ["persons"], "persons": gold["persons"]}), "utf-8"
    )
    (people / "articles" / "empty.txt").write_text("", "utf-8")  # the reader rejects it
    (people / "gold" / "empty.json").write_text(
        json.dumps({"layers": ["persons"], "persons": [{"name": "Ann Lee", "aliases": []}]}),
        "utf-8",
    )
    talk = root / "talk"
    (talk / "articles").mkdir(parents=True)
    (talk / "gold").mkdir()
    shutil.copy(CASE / "article.txt", talk / "articles" / "deal.txt")
    quotes = [*gold["quotes"], {"text": "nobody said this here", "speaker": None}]
    (talk / "gold" / "deal.json").write_text(
        json.dumps({"layers": ["quotes"], "quotes": quotes}), "utf-8"
    )
    reader = root / "reader"
    (reader / "pages").mkdir(parents=True)
    (reader / "truth").mkdir()
    (reader / "truth" / "p1.txt").write_text(BODY + "\n", "utf-8")
    (reader / "pages" / "p1.txt").write_text(f"Council news\n{BODY}\n", "utf-8")
    html = f"<html><head><title>Council news</title></head><body><article><p>{BODY}</p>"
    html += "</article></body></html>"
    (reader / "pages" / "p1.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
    (root / "notes").mkdir()  # neither kind of set: ignored
    return root


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSKG, "eval", *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )


def test_eval_sets(tmp_path: Path) -> None:
    root = _sets(tmp_path / "sets")
    out = _run("--sets", root, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert sorted(report["sets"]) == ["people", "reader", "talk"]
    people, talk = report["sets"]["people"], report["sets"]["talk"]
    assert people["layers"] == ["persons"] and talk["layers"] == ["quotes"]
    # Only the annotated layers are reported: the article's organizations, quotes, events
    # and memberships are not scored on "people".
    assert set(people["overall"]) == {"persons"}
    assert set(talk["overall"]) == {"quotes", "quote speakers"}
    # The rejected article's gold person is missed, not skipped.
    assert people["articles"] == 2 and people["overall"]["persons"]["gold"] == 3
    assert people["rejected"] == {"empty": "rejected by the reader: empty article"}
    # A null gold speaker counts for quotes and is left out of speaker accuracy.
    assert talk["overall"]["quotes"]["gold"] == 3
    assert talk["found_quotes"] <= 2
    reader = report["sets"]["reader"]["reader"]
    assert reader["text"]["pages"] == reader["html"]["pages"] == 1
    assert reader["text"]["macro_recall"] == 1.0 and reader["html"]["macro_recall"] == 1.0
    names = [t["name"] for t in report["targets"]]
    assert names == [
        "people-persons-precision",
        "people-persons-recall",
        "talk-quotes-precision",
        "talk-quotes-recall",
        "talk-quote_speakers-accuracy",
        "reader-text-macro_f1",
        "reader-text-lost_share",
        "reader-html-macro_f1",
        "reader-html-lost_share",
    ]
    by_name = {t["name"]: t for t in report["targets"]}
    assert by_name["reader-text-lost_share"]["maximum"] is True
    assert by_name["reader-text-lost_share"]["met"] is True  # no page lost
    assert by_name["people-persons-recall"]["met"] is False  # at most 2 of 3

    text = _run("--sets", root, "--no-reader")
    assert text.returncode == 0, text.stderr
    assert "== people (2 articles)" in text.stdout and "== reader" not in text.stdout
    assert "   empty: rejected by the reader: empty article" in text.stdout
    assert "organizations" not in text.stdout and "== targets: " in text.stdout
    md = _run("--sets", root, "--markdown", "--no-reader")
    assert md.stdout.startswith("| set | layer | P | R | F1 | tp/system | found/gold | targets |")
    assert "| people | persons |" in md.stdout


def test_eval_needs_gold_or_sets(tmp_path: Path) -> None:
    neither = _run("--articles", tmp_path)
    assert neither.returncode == 2 and "give either --gold" in neither.stderr
    both = _run("--gold", tmp_path, "--sets", tmp_path)
    assert both.returncode == 2 and "give either --gold" in both.stderr
    empty = _run("--sets", tmp_path)
    assert empty.returncode == 2 and "no set" in empty.stderr
