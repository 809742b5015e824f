"""Direct quotes and who said them.

Every quotation of the body (:mod:`newskg.extraction.quote_frames` finds them and the
sentences around each) is a statement unless its shape or the words before it make it a
name, a title or a label (:mod:`newskg.extraction.quote_shapes`): in annotated news, short
partial quotes inside reported speech ("called the plan a \u201chistoric mistake\u201d") far
outnumber scare quotes. The speaker, first cue that names one:

* a speech verb of the frame (outside quotes; for a partial quote the verb it hangs from,
  then one of its own sentence): the verb's subject, a name right after or before it
  ("\u201c...,\u201d X, an aide, said"), or the subject of the verb it hangs from ("adding",
  "telling the crowd"); a he/she subject is the person quoted last when nobody else has
  been named since, else the pronoun's antecedent;
* a clause introducing the quote with a colon ("Kasich resisted: \u201c...\u201d");
* "according to X";
* for a partial quote, the subject of its clause ("Trump defended him as a \u201cdecent
  man\u201d");
* a whole quote goes on with the speaker of the previous quote of its paragraph or the
  previous one, or, filling its own paragraph, of the one before that;
* else the statement has no speaker.

Each cue is a rule, ``quote/...`` in ``data/rules.tsv``, which gives the statement its
confidence (:mod:`newskg.extraction.rules`).
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.model import Span, Statement
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quote_frames import OPEN_MARKS, Region, frame_of, regions
from newskg.extraction.quote_shapes import not_a_quote
from newskg.extraction.quoted import in_quotes
from newskg.extraction.rules import confidence

SPEAKER_KINDS = ("actor", "organization")
RELATIVE = {"who", "that", "which"}
SUBJECT_PRONOUNS = {"he", "she"}
RECENT_PARAS = 1  # a "he said" takes the last speaker of this or the previous paragraph
#: A speech verb without a subject of its own takes its head's ("adding", "saying").
SHARES_SUBJECT = {"conj", "advcl", "xcomp", "acomp", "pcomp", "prep"}
MAX_CLIMB = 4
NAME_AFTER = 4  # "said X", "argued Riverton's Evening Ledger": a name this close after the verb
ALONE_SLACK = 4  # marks and spaces around a quotation that fills its paragraph
#: Dependencies over which a clause without a subject takes its head's ("calling it X").
CLIMB = {"xcomp", "advcl", "conj", "acl", "pcomp", "prep", "pobj", "dobj", "ccomp"}


def statement_nouns() -> frozenset[str]:
    """Nouns for a written statement (``data/statement_nouns.txt``): "the statement said"
    attributes a quote to the organization that issued it."""
    return datafiles.word_set("statement_nouns.txt")


def _outside(para: Para, tok: Token, quoted: SpanSet) -> bool:
    return not quoted.contains(para.tok_span(tok))


class QuoteFinder:
    def __init__(
        self,
        paras: list[Para],
        res: Resolution,
        pronouns: dict[tuple[int, int], str],
        lex: Lexicon | None = None,
    ) -> None:
        self.paras = paras
        self.res = res
        self.pronouns = pronouns
        self.lex = lexicon() if lex is None else lex
        self.last_org: str | None = None  # organization of the last attributed statement
        #: (paragraph, key, end of the evidence) of the last person quoted
        self.last_person: tuple[int, str, int] | None = None

    def speaker_of(self, para: Para, tok: Token) -> tuple[str | None, bool]:
        """Entity key for the token (or the name it heads), and whether via a pronoun."""
        key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
        if key:
            return key, False
        last = self.last_person
        if (
            tok.lower_ in SUBJECT_PRONOUNS
            and last
            and para.index - last[0] <= RECENT_PARAS
            and not self.other_person(last, para.tok_span(tok).begin)
        ):
            # "\u201c...,\u201d he added": the person quoted last, when nobody else has been
            # named since.
            return last[1], True
        if (para.index, tok.i) in self.pronouns:
            return self.pronouns[(para.index, tok.i)], True
        if tok.lemma_.lower() in statement_nouns() and self.last_org:
            # "the statement said": the organization whose statement the article reports
            return self.last_org, True
        # "Union leader X", "her adviser, X,", "X's spokesman": a role noun heading a name;
        # the name in apposition before the one in a possessive ("Trump's director, X,").
        for dep in ("appos", "compound", "poss"):
            for child in tok.children:
                if child.dep_ == dep:
                    key = self.res.key_at(para.index, child, ("actor",))
                    if key:
                        return key, False
        if self.lex.title_length([tok.text]) == 1:
            # "Chair of the Budget Committee Sen. Dana Holt said": a title heading the name.
            for sub in tok.subtree:
                key = self.res.key_at(para.index, sub, ("actor",))
                if key:
                    return key, False
        return None, False

    def other_person(self, last: tuple[int, str, int], offset: int) -> bool:
        """Is a person other than the last speaker named (outside quotation marks) between
        the sentences that quote the last speaker (``last``: paragraph, key, their end) and
        ``offset``? (A name inside them, "X said, suggesting that Y ...", does not count.)"""
        _, key, since = last
        for m in self.res.mentions:
            if (
                since <= m.span.begin
                and m.span.end <= offset
                and m.key
                and m.key != key
                and self.res.kinds.get(m.key) == "actor"
                and not in_quotes(self.paras[m.para]).contains(m.span)
            ):
                return True
        return False

    def verb_speaker(self, para: Para, verb: Token) -> tuple[str | None, bool]:
        """The speaker of a speech verb: its subject; for a verb without one, a name right
        after it ("..., said X"), a name between the quote and it ("\u201c...,\u201d X, a
        former aide, said"), or the subject of the verb it hangs from ("adding",
        "telling the crowd", "went on to say")."""
        node = verb
        for step in range(MAX_CLIMB):
            for child in node.children:
                if child.dep_ in {"nsubj", "nsubjpass"}:
                    return self.speaker_of(para, child)
            for tok in para.doc[node.i + 1 : node.i + 1 + NAME_AFTER]:
                if tok.is_punct and tok.text not in {"'s", "\u2019s"}:
                    break
                head = tok.head if tok.dep_ in {"compound", "flat"} else tok
                if head.dep_ in {"nsubj", "nsubjpass"} and head.head != node:
                    break  # "saying Clinton would ...": the reported clause's subject
                key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
                if key:
                    return key, False
            if step == 0:
                key = self.name_before(para, verb)
                if key:
                    return key, False
            if node.dep_ not in SHARES_SUBJECT or node.head == node:
                break
            node = node.head
        return None, False

    def name_before(self, para: Para, verb: Token) -> str | None:
        """A named speaker before ``verb`` in its sentence, with no other verb between: the
        first after a quotation that ends there ("\u201c...,\u201d X, an aide, said"), else
        the nearest ("X, her adviser, said:"): attributions the parser gave no subject."""
        quoted = in_quotes(para)
        toks = [t for t in verb.sent if t.i < verb.i]
        start = None  # where the stretch after a quotation starts
        for n in range(len(toks) - 1, -1, -1):
            tok = toks[n]
            if quoted.contains(para.tok_span(tok)) or all(c in OPEN_MARKS for c in tok.text):
                start = n + 1
                break
            if tok.pos_ == "VERB":
                return None
        # After a quotation: the first name; with none before: the nearest.
        candidates = toks[start:] if start is not None else list(reversed(toks))
        for tok in candidates:
            key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
            if key:
                return key
        return None

    def according_to(
        self, para: Para, frame: list[SpacySpan], quoted: SpanSet
    ) -> tuple[Token, str | None] | None:
        for sent in frame:
            toks = list(sent)
            for i, tok in enumerate(toks):
                if not _outside(para, tok, quoted):
                    continue
                for phrase in self.lex.attribution_phrases:
                    words = [t.lower_ for t in toks[i : i + len(phrase)]]
                    if tuple(words) != phrase:
                        continue
                    after = toks[i + len(phrase) : i + len(phrase) + 8]
                    for cand in after:
                        if cand.text in {",", ";", "."}:
                            break
                        key = self.res.key_at(para.index, cand, SPEAKER_KINDS)
                        if key:
                            return tok, key
                    return tok, None
        return None

    def governs(self, para: Para, region: Region, verb: Token) -> bool:
        """Does the quote hang syntactically from ``verb`` (no other verb in between)?"""
        quoted = SpanSet([region.span])
        roots = [t for t in para.tokens_in(region.span) if _outside(para, t.head, quoted)]
        for root in roots:
            node = root.head
            for _ in range(6):
                if node == verb:
                    return True
                if node.pos_ in {"VERB", "AUX"} and node != verb:
                    break
                if node.head == node:
                    break
                node = node.head
        return False

    def find(self) -> list[Statement]:
        statements: list[Statement] = []
        last: dict[int, Statement] = {}  # paragraph index -> last attributed statement
        for region in regions(self.paras):
            st = self._one(region, statements, last)
            if st is not None:
                statements.append(st)
                if st.speaker:
                    last[region.para.index] = st
                    if self.res.kinds.get(st.speaker) == "organization":
                        self.last_org = st.speaker
                    elif self.res.kinds.get(st.speaker) == "actor":
                        self.last_person = (region.para.index, st.speaker, st.evidence[-1].end)
        return statements

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
        governing = next((v for v in verbs if self.governs(para, region, v)), None)
        before = text[: region.span.begin - para.begin].rstrip(" \u00a0" + OPEN_MARKS)
        # A title in marks may hang from a speech verb through a preposition ("On
        # \u201cFox News Sunday,\u201d he said"): only a whole quote is saved by its verb.
        if not_a_quote(before, quote, governing is not None and region.whole):
            return None
        if not region.whole:
            # A partial quote: the verb it hangs from first, then a speech verb of its own
            # sentence ("Mr. X said, Mr. Y is seen as \u201ca bully\u201d").
            own = para.sents_over(region.span)
            sents = {para.sents[i].start for i in own}
            verbs = [v for v in verbs if v.sent.start in sents and v != governing]
            verbs = ([governing] if governing is not None else []) + verbs
            if governing is None and not self.reported(para, region):
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
            if prev is not None and (prev.quote_span.end <= region.span.begin):
                return make(prev.speaker, "quote/continuation")
        return make(None, "quote/unattributed")

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

    def reported(self, para: Para, region: Region) -> bool:
        """Does the quote sit, at any depth, under a speech verb?"""
        quoted = SpanSet([region.span])
        roots = [t for t in para.tokens_in(region.span) if _outside(para, t.head, quoted)]
        return any(
            a.lemma_.lower() in self.lex.speech_verbs and a.pos_ in {"VERB", "AUX"}
            for root in roots[:1]
            for a in root.ancestors
        )

    def sentence_subject(self, para: Para, region: Region) -> str | None:
        """The first named subject of the partial quote's sentence, before the quote: the
        sentence's actor, when the parse hangs the quote from no clause of it."""
        sents = para.sents_over(region.span)
        if not sents:
            return None
        for tok in para.sents[sents[0]]:
            if para.tok_span(tok).begin >= region.span.begin:
                break
            if tok.dep_ in {"nsubj", "nsubjpass"}:
                key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
                if key:
                    return key
        return None

    def clause_speaker(self, para: Para, region: Region) -> tuple[str | None, bool]:
        """The subject of the clause a partial quote sits in ("Trump defended him as a
        \u201cvery decent man\u201d", "Obama called bankers \u201cfat cats\u201d"): the one
        whose words the marks report when no speech verb names a speaker."""
        quoted = SpanSet([region.span])
        roots = [t for t in para.tokens_in(region.span) if _outside(para, t.head, quoted)]
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
