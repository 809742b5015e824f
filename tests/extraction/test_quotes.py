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


# --- kinds of attribution seen in British copy -------------------------------------------


def test_an_opener_after_a_full_stop_inside_a_quote_starts_a_new_one() -> None:
    # Paragraphs run together keep their opening marks and lose the closing ones.
    assert _texts('"We go home. "We stay away," he said.') == ["We go home. ", "We stay away,"]
    # Guard: a quotation of several sentences in one pair of marks stays one.
    assert _texts('"We go home. We stay away," he said.') == ["We go home. We stay away,"]


def test_joined_paragraph_quotes_go_on_with_their_speaker() -> None:
    said = _said(
        _article(
            'Peter Okoye spoke on Monday. "The budget is late. "Nobody can plan for it," he said.'
        )
    )
    assert said["Nobody can plan for it"] == "Peter Okoye"
    assert said["The budget is late."] == "Peter Okoye"


def test_a_quote_going_on_from_an_unnamed_speaker_is_not_the_last_named_ones() -> None:
    said = _said(
        _article(
            '"The roads are fine," Peter Okoye said. "They are not," said a local driver. '
            '"Nobody fixes them."',
            '"We will vote," Laura Chen said. "We hope it is soon."',
        )
    )
    assert said["Nobody fixes them."] is None
    assert said["We hope it is soon."] == "Laura Chen"  # guard: after a named speaker, theirs


def test_it_said_after_an_organization_is_that_organization() -> None:
    said = _said(
        _article(
            '"Rates will rise," said Harbor Bank. "Savers will gain," it said.',
            '"We will vote," Laura Chen said. "It works," it said.',
        )
    )
    assert said["Savers will gain"] == "Harbor Bank"
    assert said["It works"] is None  # guard: "it" is never a person
    said = _said(
        _article(
            '"We won the rights," said Harbor Bank.',
            "Dover Savings Union was asked about the sale. It said it had "
            '"chosen to walk away from the offer".',
        )
    )
    # Guard: "it" is the organization that was the subject last, not the one quoted last.
    assert said["chosen to walk away from the offer"] == "Dover Savings Union"


def test_a_relative_clause_speaker_is_the_noun_it_hangs_from() -> None:
    said = _said(
        _article(
            "Peter Okoye said he had met Laura Chen, who told him that the plan would "
            '"fail every family in town".',
            'Mark Dunn, who chairs the council, said the fees were "a scandal".',
        )
    )
    assert said["fail every family in town"] == "Laura Chen"
    assert said["a scandal"] == "Mark Dunn"  # guard: a relative clause inside the subject


def test_a_description_stands_for_the_person_who_was_the_subject_last() -> None:
    said = _said(
        _article(
            '"We will win," Peter Okoye said. "I love this city," the 45-year-old added.',
            '"We lost," Laura Chen said. "It was close," said the treasurer.',
            'Mark Dunn was not there. "It was unfair," the 32-year-old said.',
            '"We lost," Laura Chen said after a talk with Mark Dunn. "It was a shame," the '
            "treasurer added.",
        )
    )
    assert said["I love this city"] == "Peter Okoye"
    assert said["It was close"] == "Laura Chen"  # inverted
    assert said["It was unfair"] == "Mark Dunn"
    assert said["It was a shame"] == "Laura Chen"  # guard: a name that is no subject
    named = _said(
        _article(
            'Laura Chen spoke first. "He told me to vote," Mark Dunn, the treasurer of the '
            "council, recalled."
        )
    )
    assert named["He told me to vote"] == "Mark Dunn"  # guard: the name the description is
    guard = _said(_article('"We lost," Laura Chen said. "It was close," the spokeswoman said.'))
    assert guard["It was close"] is None  # a spokeswoman speaks for someone else


def test_a_spokesperson_of_an_organization_speaks_for_it() -> None:
    said = _said(
        _article(
            '"Rates will rise," a Harbor Bank spokeswoman said.',
            '"Rates will fall," a Harbor Bank economist said.',
        )
    )
    assert said["Rates will rise"] == "Harbor Bank"
    assert said["Rates will fall"] is None  # guard: not everyone of it speaks for it
    # The organization's first word alone.
    said = _said(
        _article(
            'Harbor Bank opened a cafe. "Our new cafe serves every family in town," said a '
            "Harbor spokeswoman."
        )
    )
    assert said["Our new cafe serves every family in town"] == "Harbor Bank"


def test_the_company_is_the_organization_named_most() -> None:
    said = _said(
        _article(
            "Harbor Bank opened a branch in Dover. Harbor Bank has 40 branches. The company "
            'said the branch "will serve every family".',
        )
    )
    assert said["will serve every family"] == "Harbor Bank"
    guard = _said(
        _article(
            "Harbor Bank bought Dover Savings Union on Monday. The company said the deal "
            'would "serve every family".'
        )
    )
    assert guard["serve every family"] is None  # two named as often: no telling which


def test_a_name_and_a_colon_introduce_a_quote() -> None:
    said = _said(
        _article(
            'Festival director Peter Okoye: "It is a great year for music."',
        )
    )
    assert said["It is a great year for music."] == "Peter Okoye"
    guard = _said(_article('The rules changed for Laura Chen: "It is a great year for us."'))
    assert guard["It is a great year for us."] is None  # a clause with a verb before it


def test_reported_speech_before_a_quote_gives_its_speaker() -> None:
    said = _said(
        _article(
            '"We will vote," Laura Chen said.',
            'Peter Okoye said it was hard to say when the roads would be fixed. "It is a '
            'mess for every family."',
            '"We vote today," Laura Chen said. Mark Dunn voted against. "We won."',
        )
    )
    assert said["It is a mess for every family."] == "Peter Okoye"
    assert said["We won."] == "Laura Chen"  # guard: narration with no speech verb
    said = _said(
        _article(
            "Peter Okoye said the plan was final. The vote is on Monday, which suggests a "
            'late count. "We will win it."'
        )
    )
    assert said["We will win it."] == "Peter Okoye"  # "which suggests": no one speaking


def test_a_quotation_right_before_an_attributed_one_takes_its_speaker() -> None:
    said = _said(
        _article(
            '"The budget is late. "Nobody can plan for it," Peter Okoye said.',
        )
    )
    assert said["The budget is late."] == "Peter Okoye"
    guard = _said(_article('"The roads are bad." Laura Chen spoke next. "We fix them," she said.'))
    assert guard["The roads are bad."] is None  # narration between the two


def test_he_after_someone_else_is_named_is_the_subject_last_a_name_after_is_counted() -> None:
    said = _said(
        _article(
            '"The budget is fair," said Peter Okoye. The council\'s new treasurer is Mark '
            'Dunn, known for his long reports. "It is not fair at all," he said.',
            '"The roads are bad," said Laura Chen. She met Ruth Ellison on Monday. "We fix '
            'them now," she said.',
        )
    )
    assert said["It is not fair at all"] == "Mark Dunn"
    assert said["We fix them now"] == "Laura Chen"  # guard: a name that is an object


def test_she_after_a_spokeswoman_is_her_organization() -> None:
    said = _said(
        _article(
            '"Rates will fall," said Laura Chen.',
            "A Harbor Bank spokeswoman said Peter Okoye would stay on as chairman. She said "
            'the plan was final. "We will not change it."',
        )
    )
    # Not Okoye, the subject of what the spokeswoman reported, nor Chen, quoted last.
    assert said["We will not change it."] == "Harbor Bank"


def test_descriptions_and_pronouns_that_stand_for_no_one_named() -> None:
    said = _said(
        _article(
            '"We will appeal," said Peter Okoye. "It is over," his lawyer said.',
            '"Taxes rise," said Laura Chen. "Not this year," the prime minister said.',
            "Harbor Bank opened in May. A council report says costs rose. It says there is "
            '"no plan at all".',
            '"We will appeal," said Peter Okoye. Her deputy, Mark Dunn, stayed at home. "We '
            'wait," he said.',
            '"We will appeal," said Laura Chen. A spokesman for Harbor Bank said the vote '
            'stood. "It is final," he said.',
        )
    )
    assert said["It is over"] is None  # his lawyer: not Okoye
    assert said["Not this year"] is None  # an office, not the person named last
    assert said["no plan at all"] is None  # "it": the report, not the bank
    assert said["We wait"] == "Mark Dunn"  # the name in apposition to the subject
    assert said["It is final"] == "Harbor Bank"  # the spokesman's, not Chen's
