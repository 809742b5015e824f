"""Direct quotes and who said them.

Every quotation of the body (:mod:`newskg.extraction.quote_frames` finds them and the
sentences around each) is a statement unless its shape or the words before it make it a
name, a title or a label (:mod:`newskg.extraction.quote_shapes`): in annotated news, short
partial quotes inside reported speech ("called the plan a \u201chistoric mistake\u201d") far
outnumber scare quotes. The speaker, first cue that names one:

* a speech verb of the frame (outside quotes; for a partial quote the verb it hangs from,
  then one of its own sentence, :mod:`newskg.extraction.quote_syntax`): the verb's subject,
  a name right after or before it ("\u201c...,\u201d X, an aide, said"; never the hearer
  of "telling the Ledger"), or the subject of the verb it hangs from ("adding", "telling the
  crowd"), else a name right before it (:mod:`newskg.extraction.quote_cues`); a he/she
  subject is the person quoted last when nobody else has been named since, else the
  person who was the subject last; "it" and "the company" an organization, "the striker"
  a person, "a Harbor Bank spokeswoman" the bank (:mod:`newskg.extraction.quote_focus`);
* a clause introducing the quote with a colon ("Kasich resisted: \u201c...\u201d"), or a
  name and a colon with no verb ("Festival director X: \u201c...\u201d");
* "according to X";
* for a partial quote, the subject of its clause ("Trump defended him as a \u201cdecent
  man\u201d");
* a whole quote after reported speech in its paragraph ("X said the plan failed.
  \u201c...\u201d"): that speech verb's speaker;
* a whole quote goes on with the speaker of the previous quote of its paragraph or the
  previous one (no one's, when that one's speaker went unnamed), or, filling its own
  paragraph, of the one before that; after a transcript turn ("DUNN: ..."), with the
  person the turn's label names;
* else the statement has no speaker; a quote with no cue right before another, only marks
  between, takes the next one's speaker (paragraphs run together: "A. "B," X said").

Each cue is a rule, ``quote/...`` in ``data/rules.tsv``, which gives the statement its
confidence (:mod:`newskg.extraction.rules`).
"""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.entities import Resolution
from newskg.extraction.model import Span, Statement
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quote_cues import (
    SPEAKER_KINDS,
    describes_org,
    describes_person,
    spokes_noun,
)
from newskg.extraction.quote_focus import (
    RECENT_PARAS,
    TRANSCRIPT,
    UNATTRIBUTED,
    FocusCues,
    join_runs,
)
from newskg.extraction.quote_frames import OPEN_MARKS, Region, frame_of, regions
from newskg.extraction.quote_shapes import not_a_quote, turn_label
from newskg.extraction.quote_syntax import addressed, governs, quote_roots, reported
from newskg.extraction.quoted import in_quotes
from newskg.extraction.rules import confidence

RELATIVE = {"who", "that", "which"}
NOMINAL = {"NOUN", "PROPN"}
SUBJECT_PRONOUNS = {"he", "she"}
ORG_PRONOUNS = {"it"}
#: A speech verb without a subject of its own takes its head's ("adding", "saying").
SHARES_SUBJECT = {"conj", "advcl", "xcomp", "acomp", "pcomp", "prep"}
MAX_CLIMB = 4
NAME_AFTER = 4  # "said X", "argued Riverton's Evening Ledger": a name this close after the verb
ALONE_SLACK = 4  # marks and spaces around a quotation that fills its paragraph
#: Rules of a statement whose cue points at a speaker the article does not name.
UNNAMED = {"quote/speech-verb-unresolved", "quote/according-to-unresolved"}
#: Dependencies over which a clause without a subject takes its head's ("calling it X").
CLIMB = {"xcomp", "advcl", "conj", "acl", "pcomp", "prep", "pobj", "dobj", "ccomp"}


def statement_nouns() -> frozenset[str]:
    """Nouns for a written statement (``data/statement_nouns.txt``): "the statement said"
    attributes a quote to the organization that issued it."""
    return datafiles.word_set("statement_nouns.txt")


def _outside(para: Para, tok: Token, quoted: SpanSet) -> bool:
    return not quoted.contains(para.tok_span(tok))


class QuoteFinder(FocusCues):
    def speaker_of(self, para: Para, tok: Token) -> tuple[str | None, bool]:
        """Entity key for the token (or the name it heads), and whether via a pronoun."""
        key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
        if key:
            return key, False
        last = self.last_person
        if tok.lower_ in SUBJECT_PRONOUNS and last and para.index - last[0] <= RECENT_PARAS:
            subject, spokes = self.subject_before(para, tok)
            if spokes:
                # "A Harbor Bank spokeswoman said ... \u201c...,\u201d she said": the bank
                return subject, True
            if not self.other_person(last, para.tok_span(tok).begin):
                # "\u201c...,\u201d he added": the person quoted last, when nobody else has
                # been named since.
                return last[1], True
            if subject:
                # Someone else named since: the person who was the subject last, a name after
                # "is" counted ("Its director is X. \u201c...,\u201d he said").
                return subject, True
        if tok.lower_ in ORG_PRONOUNS:
            # "\u201c...,\u201d it said": the organization that was the last subject named
            # (the pronouns of persons never refer to one).
            key = self.last_subject(para, tok, SPEAKER_KINDS, nearest=True)
            if key and self.res.kinds.get(key) == "organization":
                return key, True
        if (para.index, tok.i) in self.pronouns:
            return self.pronouns[(para.index, tok.i)], True
        if tok.lemma_.lower() in statement_nouns() and self.last_org:
            # "the statement said": the organization whose statement the article reports
            return self.last_org, True
        # "Union leader X", "her adviser, X,", "X's spokesman": a role noun heading a name;
        # the name in apposition before the one in a possessive ("Trump's director, X,").
        # A spokesperson's organization speaks through them ("a Harbor Bank spokeswoman").
        kinds = SPEAKER_KINDS if spokes_noun(tok) else ("actor",)
        if spokes_noun(tok):
            # "a spokeswoman for the Harbor Bank"
            for prep in (c for c in tok.children if c.lower_ in {"for", "of", "at"}):
                for obj in prep.children:
                    key = self.res.key_at(para.index, obj, ("organization",))
                    if key:
                        return key, False
        for dep in ("appos", "compound", "poss"):
            for child in tok.children:
                if child.dep_ == dep:
                    key = self.res.key_at(para.index, child, kinds)
                    if key is None and spokes_noun(tok) and child.pos_ == "PROPN":
                        key = self.org_by_first_word(child.text)
                    if key:
                        return key, False
        if self.lex.title_length([tok.text]) == 1:
            # "Chair of the Budget Committee Sen. Dana Holt said": a title heading the name.
            for sub in tok.subtree:
                key = self.res.key_at(para.index, sub, ("actor",))
                if key:
                    return key, False
        if describes_person(tok, self.lex):
            # "\u201c...,\u201d the 40-year-old added": a description that stands for the
            # person who was the subject last, as "he" does.
            return self.last_subject(para, tok), True
        if describes_org(tok) and tok.dep_ != "nsubjpass":
            # "the company said": the organization quoted last, else the one the article
            # has named most so far ("the regulator is said to ..." is hearsay: no one).
            return self.org_in_focus(para, tok), True
        return None, False

    def verb_speaker(self, para: Para, verb: Token) -> tuple[str | None, bool]:
        """The speaker of a speech verb: its subject; for a verb without one, a name right
        after it ("..., said X"), a name between the quote and it ("\u201c...,\u201d X, a
        former aide, said"), or the subject of the verb it hangs from ("adding",
        "telling the crowd", "went on to say")."""
        node = verb
        for step in range(MAX_CLIMB):
            for child in node.children:
                if child.dep_ in {"nsubj", "nsubjpass"}:
                    if child.lower_ in RELATIVE and node.dep_ == "relcl":
                        # "X, who told him that ...": the noun the relative clause hangs from
                        child = node.head
                    key, via_pronoun = self.speaker_of(para, child)
                    if (key is None or via_pronoun) and step == 0 and child.pos_ in NOMINAL:
                        # A subject naming nobody ("the head of Y"), the name in an
                        # inverted attribution before it: "\u201c...,\u201d X, the head
                        # of Y, noted" (that name before what a description stands for).
                        named = self.name_before(para, verb, subject=child)
                        if named:
                            return named, False
                    return key, via_pronoun
            for tok in para.doc[node.i + 1 : node.i + 1 + NAME_AFTER]:
                if tok.is_punct and tok.text not in {"'s", "\u2019s"}:
                    break
                head = tok.head if tok.dep_ in {"compound", "flat"} else tok
                if head.dep_ in {"nsubj", "nsubjpass"} and head.head != node:
                    break  # "saying Clinton would ...": the reported clause's subject
                if addressed(tok, node):
                    continue  # "telling the Ledger that ...": who heard it
                key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
                if key:
                    return key, False
                if head.head == node and describes_person(head, self.lex):
                    # "\u201c...,\u201d added the striker": inverted, a description
                    return self.speaker_of(para, head)
            if step == 0:
                key = self.name_before(para, verb)
                if key:
                    return key, False
            if node.dep_ not in SHARES_SUBJECT or node.head == node:
                break
            node = node.head
        return self.adjacent_name(para, verb), False

    def find(self) -> list[Statement]:
        statements: list[Statement] = []
        last: dict[int, Statement] = {}  # paragraph index -> last attributed statement
        for region in regions(self.paras):
            st = self._one(region, statements, last)
            if st is not None:
                statements.append(st)
                if st.speaker is None and st.rule in UNNAMED:
                    # Someone the article does not name said it ("said an aide"): the
                    # quotations that go on from it are theirs, not the last named speaker's.
                    last[region.para.index] = st
                if st.speaker:
                    last[region.para.index] = st
                    self.last_said = (region.para.index, st.speaker)
                    if self.res.kinds.get(st.speaker) == "organization":
                        self.last_org = st.speaker
                    elif self.res.kinds.get(st.speaker) == "actor":
                        self.last_person = (region.para.index, st.speaker, st.evidence[-1].end)
        return join_runs(statements, self.paras)

    def _one(
        self, region: Region, statements: list[Statement], last: dict[int, Statement]
    ) -> Statement | None:
        para = region.para
        quoted = SpanSet([*in_quotes(para), region.span])
        frame = frame_of(region)
        if not frame:
            return None
        evidence = Span(para.sent_span(frame[0]).begin, para.sent_span(frame[-1]).end)
        evidence = Span(min(evidence.begin, region.span.begin), max(evidence.end, region.span.end))
        text = para.text
        quote = text[region.span.begin - para.begin : region.span.end - para.begin]

        def make(speaker: str | None, rule: str) -> Statement:
            """The statement the rule ``rule`` (an id of ``rules.tsv``) made."""
            return Statement(quote, region.span, speaker, [evidence], confidence(rule), rule)

        verbs = [
            t
            for s in frame
            for t in s
            if t.lemma_.lower() in self.lex.speech_verbs
            and t.pos_ in {"VERB", "AUX"}
            and _outside(para, t, quoted)
        ]
        verbs.sort(
            key=lambda v: min(
                abs(para.tok_span(v).begin - region.span.end),
                abs(para.tok_span(v).end - region.span.begin),
            )
        )
        governing = next((v for v in verbs if governs(para, region, v)), None)
        before = text[: region.span.begin - para.begin].rstrip(" \u00a0" + OPEN_MARKS)
        # A title in marks may hang from a speech verb through a preposition ("On
        # \u201cFox News Sunday,\u201d he said"): only a whole quote is saved by its verb.
        if not_a_quote(before, quote, governing is not None and region.whole):
            label = turn_label(quote)
            if label is not None:
                # Not a statement itself ("DUNN: ..."), but the speaker of the quotations
                # that go on from it in the next paragraphs.
                turn = make(self.turn_speaker(label), TRANSCRIPT)
                last[para.index] = turn
            return None
        if not region.whole:
            # A partial quote: the verb it hangs from first, then a speech verb of its own
            # sentence ("Mr. X said, Mr. Y is seen as \u201ca bully\u201d").
            own = para.sents_over(region.span)
            sents = {para.sents[i].start for i in own}
            verbs = [v for v in verbs if v.sent.start in sents and v != governing]
            verbs = ([governing] if governing is not None else []) + verbs
            if governing is None and not reported(para, region, self.lex.speech_verbs):
                # The subject of its own clause before a speech verb elsewhere in the sentence
                # ("X proposed we \u201c...\u201d and said ..."), unless the clause is itself
                # reported ("X said Y is seen as \u201ca bully\u201d").
                speaker, via_pronoun = self.clause_speaker(para, region)
                if speaker and via_pronoun:
                    return make(speaker, "quote/partial-clause-pronoun")
                if speaker:
                    return make(speaker, "quote/partial-clause-subject")
        for verb in verbs[:1]:
            speaker, via_pronoun = self.verb_speaker(para, verb)
            if speaker and via_pronoun:
                return make(speaker, "quote/speech-verb-pronoun")
            if speaker:
                return make(speaker, "quote/speech-verb-same-sentence")
            return make(None, "quote/speech-verb-unresolved")
        colon = self.colon_speaker(para, region)
        if colon is not None:
            return make(colon, "quote/colon-subject")
        colon = self.colon_name(para, region)
        if colon is not None:
            return make(colon, "quote/colon-name")
        according = self.according_to(para, frame, quoted)
        if according is not None:
            _, key = according
            if key:
                return make(key, "quote/according-to")
            return make(None, "quote/according-to-unresolved")
        if not region.whole:
            speaker, via_pronoun = self.clause_speaker(para, region)
            if speaker and via_pronoun:
                return make(speaker, "quote/partial-clause-pronoun")
            if speaker:
                return make(speaker, "quote/partial-clause-subject")
            speaker = self.sentence_subject(para, region)
            if speaker:
                return make(speaker, "quote/partial-sentence-subject")
        if region.whole:
            prev = last.get(para.index) or last.get(para.index - 1)
            alone = len(quote) >= len(text.strip()) - ALONE_SLACK
            if prev is None and alone:
                # A paragraph that is nothing but a quotation goes on with the last speaker
                # quoted, across one paragraph of narration.
                prev = last.get(para.index - 2)
            earlier = self.earlier_verb(para, region, prev)
            if earlier is not None:
                speaker, _ = self.verb_speaker(para, earlier)
                return make(speaker, "quote/earlier-speech-verb" if speaker else UNATTRIBUTED)
            if prev is not None and prev.rule == TRANSCRIPT:
                return make(prev.speaker, TRANSCRIPT if prev.speaker else UNATTRIBUTED)
            if prev is not None and (prev.quote_span.end <= region.span.begin):
                return make(prev.speaker, "quote/continuation" if prev.speaker else UNATTRIBUTED)
        return make(None, UNATTRIBUTED)

    def colon_speaker(self, para: Para, region: Region) -> str | None:
        """The named subject of a clause that introduces the quote with a colon ("Kasich
        resisted: \u201c...\u201d"): a colon before a quotation attributes it."""
        before = para.text[: region.span.begin - para.begin].rstrip(" \u00a0" + OPEN_MARKS)
        if not before.endswith(":"):
            return None
        colon = [t for t in para.doc if para.tok_span(t).end == para.begin + len(before)]
        if not colon:
            return None
        node = colon[0].head
        if node.pos_ not in {"VERB", "AUX"}:
            return None
        for child in node.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                key = self.res.key_at(para.index, child, SPEAKER_KINDS)
                return key or self.speaker_of(para, child)[0]
        return None

    def clause_speaker(self, para: Para, region: Region) -> tuple[str | None, bool]:
        """The subject of the clause a partial quote sits in ("Trump defended him as a
        \u201cvery decent man\u201d", "Obama called bankers \u201cfat cats\u201d"): the one
        whose words the marks report when no speech verb names a speaker."""
        roots = quote_roots(para, region)
        if not roots:
            return None, False
        node = roots[0].head
        for _ in range(8):
            if node.pos_ in {"VERB", "AUX"}:
                for child in node.children:
                    if child.dep_ in {"nsubj", "nsubjpass"}:
                        if child.lower_ in RELATIVE and node.dep_ == "relcl":
                            return self.speaker_of(para, node.head)
                        return self.speaker_of(para, child)
                if node.dep_ not in CLIMB:
                    return None, False
            if node.head == node:
                break
            node = node.head
        return None, False


def find_statements(
    paras: list[Para], res: Resolution, pronouns: dict[tuple[int, int], str]
) -> list[Statement]:
    return sorted(QuoteFinder(paras, res, pronouns).find(), key=lambda s: s.quote_span)
