"""Kinds of names decided by the words around them, on made-up sentences of the kinds that
failed on real news: a government portfolio inside a title ("Minister of Education") is no
organization, a full name after "<body>'s" is a person, a name the tagger cut short before
the rest of a person's full name takes it back, a full name whose surname the article uses
alone as a person is that person, a title after "the film" or before ", a web browser" is no
entity at all, and a common word capitalised at a sentence start ("Budget airline X") is no
organization."""

from __future__ import annotations

from pathlib import Path

import pytest

from newskg.extraction.entities import resolve
from newskg.extraction.extract import extract
from newskg.extraction.model import Entity
from newskg.extraction.nlp import parse_body
from newskg.extraction.reader import read_article
from tests.extraction.texts import article_of

GUM = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "gum" / "articles"


def entities(*paragraphs: str) -> list[Entity]:
    """The entities of an article whose body is ``paragraphs`` (headline "News")."""
    article = article_of(*paragraphs)
    return resolve(article, parse_body(article)).entities


def kinds(found: list[Entity]) -> dict[str, str]:
    return {e.label: e.kind for e in found}


def test_a_portfolio_inside_a_title_is_no_organization() -> None:
    found = entities(
        "Minister of Education Stefania Giannini said a reform is needed. Undersecretary for"
        " Education Mr. Toccafondi says schools will close."
    )
    assert kinds(found) == {"Stefania Giannini": "actor", "Toccafondi": "actor"}


def test_a_portfolio_keeps_the_party_and_the_department() -> None:
    found = entities(
        "Ed Balls, a prospective Labour MP, said Education Secretary Ruth Kelly was right.",
        "The US Secretary of Energy Spencer Abraham visited the Ministry of Education in Paris.",
    )
    assert kinds(found) == {
        "Ed Balls": "actor",
        "Labour": "organization",
        "Ruth Kelly": "actor",
        "Spencer Abraham": "actor",
        "Ministry of Education": "organization",
        "Paris": "place",
    }


def test_a_first_name_cut_from_its_surname_takes_it_back() -> None:
    found = entities(
        "Belgium started the game with attacking style with Romelu Lukaku, Yannick Carrasco,"
        " and Dries Mertens making early attempts.",
        "Dries Mertens's attempt in the 54th minute was saved.",
    )
    assert kinds(found) == {
        "Belgium": "place",
        "Romelu Lukaku": "actor",
        "Yannick Carrasco": "actor",
        "Dries Mertens": "actor",
    }


def test_a_title_after_a_work_noun_is_no_entity_anywhere() -> None:
    found = entities(
        "Sales of the game Epic Mickey rose in Canada.", "Epic Mickey was made by Disney."
    )
    assert kinds(found) == {"Canada": "place", "Disney": "organization"}


def test_a_name_with_a_work_apposition_is_no_entity() -> None:
    found = entities("Users moved to Firefox, a web browser made by Mozilla.", "Firefox is free.")
    assert kinds(found) == {"Mozilla": "organization"}


def test_an_apposition_with_another_head_keeps_the_name() -> None:
    found = entities("Users moved to Acme, a software company in Ohio, last year.")
    assert kinds(found) == {"Acme": "organization", "Ohio": "place"}


def test_a_full_name_after_a_partys_possessive_is_a_person() -> None:
    path = GUM / "election.txt"
    if not path.exists():
        pytest.skip(f"{path} absent: the gum set lives in ../shared/eval/gum")
    found = {(e.label, e.kind) for e in extract(read_article(path)).entities}
    assert ("Regina Ip", "actor") in found
    assert ("Regina Ip", "organization") not in found
    assert ("New People Party", "organization") in found


def test_a_full_name_whose_surname_is_a_person_alone_is_a_person() -> None:
    found = entities(
        "The indoor season started too soon. Ireland's Alistair Cragg won in 7:39.89 as the"
        " crowd cheered.",
        '"I felt great," said Cragg. "So I kicked."',
    )
    assert kinds(found) == {"Ireland": "place", "Alistair Cragg": "actor"}


def test_a_common_word_capitalised_by_its_position_is_no_organization() -> None:
    found = entities(
        "Budget airline Ryanair has placed an order for new planes.",
        "The budget for the year was cut.",
        "Visa processing staff are sometimes expected to decide in minutes.",
        "A visa costs more now, the Home Office said.",
    )
    assert kinds(found) == {"Ryanair": "organization", "Home Office": "organization"}


def test_a_word_capitalised_inside_a_sentence_stays_a_name() -> None:
    found = entities("Labour won the seat.", "The labour market grew, Labour said.")
    assert kinds(found) == {"Labour": "organization"}
