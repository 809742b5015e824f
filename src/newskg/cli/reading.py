"""``newskg read``: what the reader made of each file, so a researcher (or a scorer) can see
what was read as the article and what was left out as page furniture, and why.

For each file: headline, date, byline, publisher, how the text was obtained (a text file as it
is, or the step of the HTML chain that found it), the reader's warnings, and every block with
its offsets, its kind (body, headline, date, byline, furniture), the rule or score that decided
and its text. ``--json`` prints one object per file and line (the reader set is scored from
it: ``body`` is the body blocks joined by newlines).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from newskg.cli.exit_codes import EXIT_OK, EXIT_VIOLATIONS, Command
from newskg.extraction.model import ArticleText


def kind_of(reason: str) -> str:
    """The kind of an excluded block, from the reason the reader gave.

    >>> [kind_of(r) for r in ("headline", "date line", "title and byline", "caption")]
    ['headline', 'date', 'byline', 'furniture']
    """
    if reason.startswith("headline") or reason == "page title":
        return "headline"
    if reason == "date line":
        return "date"
    if "byline" in reason:
        return "byline"
    return "furniture"


def blocks_of(art: ArticleText) -> list[dict[str, Any]]:
    """Every block of the article in text order: offsets, kind, the deciding reason and
    score, and its words."""
    found = [
        {
            "begin": span.begin,
            "end": span.end,
            "kind": kind_of(reason),
            "reason": reason,
            "score": art.block_scores.get(span),
            "text": span.of(art.text),
        }
        for span, reason in art.excluded
    ]
    found += [
        {
            "begin": span.begin,
            "end": span.end,
            "kind": "body",
            "reason": "prose (no rule nor weighing called it furniture)",
            "score": art.block_scores.get(span),
            "text": span.of(art.text),
        }
        for span in art.body
    ]
    return sorted(found, key=lambda b: (b["begin"], b["end"]))


def report(path: Path, art: ArticleText) -> dict[str, Any]:
    """What ``--json`` prints for one file."""
    return {
        "file": str(path),
        "id": art.id,
        "headline": art.headline,
        "date": art.date_published,
        "authors": art.authors,
        "publisher": art.publisher,
        "url": art.url,
        "extractor": art.extractor,
        "warnings": art.warnings,
        "body": "\n".join(span.of(art.text) for span in art.body),
        "blocks": blocks_of(art),
    }


def _shorten(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_text(found: dict[str, Any]) -> None:
    click.echo(f"== {found['file']}")
    click.echo(f"headline:  {found['headline'] or '-'}")
    click.echo(f"date:      {found['date'] or '-'}")
    click.echo(f"byline:    {', '.join(found['authors']) or '-'}")
    click.echo(f"publisher: {found['publisher'] or '-'}")
    click.echo(f"read by:   {found['extractor']}")
    for warning in found["warnings"]:
        click.secho(f"warning:   {warning}", fg="yellow")
    body = sum(1 for b in found["blocks"] if b["kind"] == "body")
    click.echo(f"blocks:    {len(found['blocks'])} ({body} body)")
    for block in found["blocks"]:
        decided = "" if block["kind"] == "body" else f" ({block['reason']})"
        click.echo(
            f"  {block['begin']:>6}-{block['end']:<6} {block['kind']:<9}{decided} "
            f"{_shorten(block['text'])}"
        )


@click.command(cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file and line.")
def read(files: tuple[Path, ...], as_json: bool) -> None:
    """Show what the reader made of each article FILE (.txt or saved .html): headline, date,
    byline, and every block with its offsets, whether it is body or furniture, and the rule
    or score that decided. A file that cannot be read is reported (file and reason) and the
    others are still shown."""
    from newskg.extraction.reader import ArticleError, read_article

    failed = False
    for path in files:
        try:
            art = read_article(path)
        except ArticleError as exc:
            failed = True
            click.secho(f"error: {exc}", fg="red", err=True)
            if as_json:
                click.echo(json.dumps({"file": str(path), "error": exc.in_file()}))
            continue
        found = report(path, art)
        if as_json:
            click.echo(json.dumps(found, ensure_ascii=False))
        else:
            _print_text(found)
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)
