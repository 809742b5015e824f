"""Quotes and their speakers on made-up news sentences: which quoted stretches are someone's
words (partial quotes inside reported speech) and which are names, titles or labels; the
ways news writes quotation marks (curly, straight, mixed, typewriter ``''``); speakers of
inverted attributions, participles and pronouns, and quotations that fill a paragraph."""

from __future__ import annotations

import pytest

from newskg.extraction.extract import extract
from newskg.extraction.model import Extraction
from newskg.extraction.quote_shapes import label_cue, not_a_quote, title_shaped, transcript_turn
from newskg.extraction.quoted import quote_regions
from tests.extraction.texts import article_of


def _article(*paragraphs: str) -> Extraction:
    """An article of these body paragraphs (a headline line first, as the reader gives)."""
    art = article_of(*paragraphs, headline="Council debates the budget", published="2024-03-05")
    return extract(art)


def _said(x: Extraction) -> dict[str, str | None]:
    """Quote -> label of its speaker (None when unattributed)."""
    return {st.quote: x.entity(st.speaker).label if st.speaker else None for st in x.statements}


# --- quotation marks ---------------------------------------------------------------------


def _texts(text: str) -> list[str]:
    return [text[b:e] for b, e, _, _ in quote_regions(text)]


def test_typewriter_double_apostrophes_are_quotation_marks() -> None:
    text = "''We will win,'' Mr. Dunn said. ''They told me 'no.''' He left."
    assert _texts(text) == ["We will win,", "They told me 'no.'"]
    # An apostrophe alone (an elision, a possessive) is no quotation mark.
    assert _texts("The mayor's plan isn't new.") == []


def test_mixed_and_wrong_way_marks_pair_by_position() -> None:
    # A curly opener closed by a straight mark (copy edited in two tools).
    assert _texts('\u201cRoads are crumbling," she said. "Fix them.\u201d') == [
        "Roads are crumbling,",
        "Fix them.",
    ]
    # A closing curly mark used as an opener: its flanks make it one.
    assert _texts("He said \u201dyes\u201d today.") == ["yes"]
    # No space between the comma and the opening mark.
    assert _texts("Ryan said,\u201cLook, no.\u201d") == ["Look, no."]


def test_unclosed_quote_runs_to_the_paragraph_end() -> None:
    assert quote_regions("\u201cThis goes on", 10) == [(11, 23, True, False)]


# --- shapes ------------------------------------------------------------------------------


def test_title_shaped_stretches() -> None:
    assert title_shaped("Fox News Sunday,")
    assert title_shaped("60 Minutes.")
    assert title_shaped("Fox & Friends")
    assert not title_shaped("historic mistake")
    assert not title_shaped("Go to hell!")  # an exclamation is an utterance
    assert not title_shaped("We need to be far braver than we were. We are here to stay.")


def test_label_cues_and_transcript_turns() -> None:
    assert label_cue("mobilize what the minister called") is not None
    assert label_cue("the so-called") is not None
    assert label_cue("a memo titled") is not None
    assert label_cue("the senator told reporters") is None
    assert transcript_turn("WALLACE: Let us start with the debate.")
    assert not transcript_turn("We said: no.")
    assert not_a_quote("he joined", "PENCE: Well, look.", governed=True) == "transcript-turn"
    assert not_a_quote("what he called", "the axis of resistance", governed=False) == "label-cue"
    assert not_a_quote("the plan was a", "historic mistake", governed=False) is None


# --- statements --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def partial() -> dict[str, str | None]:
    return _said(
        _article(
            "Senator Ruth Ellison called the budget plan a \u201chistoric mistake\u201d on "
            "Tuesday and said the vote had been \u201crushed through.\u201d",
            "Mayor Laura Chen defended the plan as a \u201cfair deal for every family\u201d "
            "in an interview on \u201cFox News Sunday.\u201d",
            "Chen has often attacked what she called \u201cthe old guard\u201d in the council.",
        )
    )


def test_partial_quotes_inside_reported_speech_are_quotes(partial) -> None:
    assert partial["historic mistake"] == "Ruth Ellison"
    assert partial["rushed through."] == "Ruth Ellison"
    # A partial quote hanging from a verb that is not a speech verb: the clause's subject.
    assert partial["fair deal for every family"] == "Laura Chen"


def test_titles_and_labels_in_marks_are_not_quotes(partial) -> None:
    assert "Fox News Sunday." not in partial
    assert "the old guard" not in partial


def test_typewriter_quotes_with_inverted_attribution() -> None:
    said = _said(
        _article(
            "''The budget is dead,'' Mark Dunn, a former aide to the mayor, said on Friday. "
            "''Nobody will vote for it.''",
            "''Can we pass it?'' asked Mr. Dunn.",
        )
    )
    assert said["The budget is dead"] == "Mark Dunn"
    assert said["Nobody will vote for it."] == "Mark Dunn"  # goes on after the attribution
    assert said["Can we pass it?"] == "Mark Dunn"


def test_participle_takes_the_subject_of_its_clause() -> None:
    said = _said(
        _article(
            "Mayor Laura Chen spoke at a rally in Dover on Monday, adding: "
            "\u201cWe are ready for the vote.\u201d"
        )
    )
    assert said["We are ready for the vote."] == "Laura Chen"


def test_pronoun_speaker_is_the_last_person_named_not_the_last_quoted() -> None:
    said = _said(
        _article(
            "\u201cThe plan works,\u201d Mayor Laura Chen said after the meeting.",
            "Council member Peter Okoye was less pleased. \u201cIt fails every family,\u201d "
            "he told reporters.",
            "\u201cWe will fight it in court,\u201d he added.",
        )
    )
    assert said["The plan works"] == "Laura Chen"
    assert said["It fails every family"] == "Peter Okoye"
    assert said["We will fight it in court"] == "Peter Okoye"


def test_paragraphs_that_are_only_quotations_go_on_with_the_last_speaker() -> None:
    said = _said(
        _article(
            "Peter Okoye told the council on Monday that the budget was \u201ca disgrace.\u201d",
            "The council did not answer him.",
            "\u201cWe have to do better than this.\u201d",
            "\u201cFamilies deserve better.\u201d",
        )
    )
    assert said["a disgrace."] == "Peter Okoye"
    assert said["We have to do better than this."] == "Peter Okoye"
    assert said["Families deserve better."] == "Peter Okoye"


def test_colon_and_apposition_and_reported_clause_subjects() -> None:
    said = _said(
        _article(
            "Governor John Kasich resisted: \u201cGovernors do not have that power.\u201d",
            "Laura Chen\u2019s campaign director, Peter Okoye, reached out to the council, "
            "writing in an email: \u201cWe want this done soon.\u201d",
            "Okoye told a rally in Dover, saying Chen would \u201cfix the roads.\u201d",
        )
    )
    assert said["Governors do not have that power."] == "John Kasich"
    # The name in apposition to the subject, not the one in its possessive.
    assert said["We want this done soon."] == "Peter Okoye"
    # "saying Chen would ...": Chen is the reported clause's subject, not the speaker.
    assert said["fix the roads."] == "Peter Okoye"


def test_a_closing_period_does_not_hang_the_quote_from_another_speakers_verb() -> None:
    said = _said(
        _article(
            "Mayor Laura Chen spoke first. Chen cannot say that \u201con her watch,\u201d "
            "Peter Okoye remarked, noting the call ought to be \u201cleft to the voters.\u201d"
        )
    )
    assert said["left to the voters."] == "Peter Okoye"


def test_a_parenthetical_attribution_reports_the_clause_it_interrupts() -> None:
    said = _said(
        _article(
            "Peter Okoye, the council treasurer, spoke on Monday.",
            "At the hearing, Mr. Okoye said, Mayor Laura Chen is regarded as \u201ca tireless "
            "worker who never sleeps.\u201d",
        )
    )
    # "Mr. Okoye said," is the attribution, not the clause's subject Chen.
    assert said["a tireless worker who never sleeps."] == "Peter Okoye"


def test_the_hearer_of_tell_is_not_the_speaker() -> None:
    said = _said(
        _article(
            "On Friday, Mayor Laura Chen changed her mind once more, telling Reuters that the "
            "fees \u201care gone. Nobody pays them now.\u201d",
            "Senator Ruth Ellison also disliked Peter Okoye\u2019s budget, telling the Dover "
            "Ledger: \u201cThe plan is a mistake.\u201d",
            "Mayor Laura Chen thanked Peter Okoye, adding \u201cto every volunteer: well "
            "done!\u201d",
        )
    )
    assert said["are gone. Nobody pays them now."] == "Laura Chen"
    # Nor is a name the clause before the participle ends with.
    assert said["The plan is a mistake."] == "Ruth Ellison"
    assert said["to every volunteer: well done!"] == "Laura Chen"


def test_confiding_is_a_speech_verb() -> None:
    x = _article(
        "Peter Okoye confided to a neighbour that the council would be \u201cout of money by "
        "June.\u201d"
    )
    (st,) = x.statements
    assert x.entity(st.speaker or "").label == "Peter Okoye"
    assert st.rule == "quote/speech-verb-same-sentence"


def test_transcript_turns_give_their_speaker_to_the_paragraphs_that_go_on() -> None:
    said = _said(
        _article(
            "Senator Ruth Ellison spoke to the station on Sunday.",
            "Partial transcript as follows:",
            '"HOST: Will you vote for the budget?',
            '"ELLISON: No. The plan fails every family in the state.',
            '"And I will say so on the floor of the Senate. Nobody should vote for it.',
            '"HOST: Thank you, Senator.',
            '"We will be back after the break."',
        )
    )
    # The turns themselves are no statements; what goes on from one is its speaker's.
    assert not any(q.startswith(("HOST", "ELLISON")) for q in said)
    assert said["And I will say so on the floor of the Senate. Nobody should vote for it."] == (
        "Ruth Ellison"
    )
    # After a turn whose label names nobody of the article: no speaker, not the last one.
    assert said["We will be back after the break."] is None


def test_inverted_attribution_whose_verb_has_another_subject() -> None:
    said = _said(
        _article(
            "A feud between voters who fear debt and growth (\u201cThis is less a budget and "
            "more a ransom note,\u201d Martha Quill wrote in the Dover Ledger on Monday) and "
            "voters who fear cuts.",
            "\u201cThe budget is dead,\u201d a source close to Peter Okoye said on Friday.",
            "Harbor Bank bosses have held \u201cfriendly and useful\u201d talks with the Dover "
            "Savings Union (DSU), its chief has said.",
        )
    )
    # The parse makes "feud" the subject of "wrote": the name after the quotation speaks.
    assert said["This is less a budget and more a ransom note"] == "Martha Quill"
    # A name inside the subject's own words is not the speaker,
    assert said["The budget is dead"] is None
    # nor one further on than right after the quotation.
    assert said["friendly and useful"] is None
