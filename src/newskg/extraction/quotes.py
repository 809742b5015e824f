"""Direct quotes and who said them.

For each double-quoted stretch of a body paragraph (straight or curly quotes; a quote left
open at a paragraph's end continues into the following paragraphs until closed):

* the *frame* is the sentence(s) holding the quote, plus a short attribution sentence right
  after it ("... ,” he said.") or a sentence ending in ":" right before it;
* a speech verb in the frame (outside the quote) attributes it, speaker = the verb's subject
  (a named actor/organization, or a he/she pronoun resolved to the last person who was a
  subject); "according to X" attributes to X;
* a *partial* quote (starting mid-sentence) must hang syntactically from the speech verb
  (``warned that "..."``); one governed by another verb ("what he called \u201cX\u201d") or
  with no speech verb at all is a scare quote and is dropped;
* a whole-sentence quote without attribution continues the previous quote of the same or the
  directly preceding paragraph and inherits its speaker.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.model import Span, Statement
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quoted import in_quotes, quote_regions

SPEAKER_KINDS = ("actor", "organization")
TRIM = " \t\n\u00a0,"
MAX_CARRY = 3  # paragraphs an unclosed quote may continue over
STATEMENT_NOUNS = {"statement", "communique", "communiqu\u00e9", "release"}


@dataclass
class _Region:
    para: Para
    span: Span  # the quote text, trimmed
    whole: bool  # starts a sentence/paragraph (not a partial quote inside a sentence)


def _regions(paras: list[Para]) -> list[_Region]:
    found: list[_Region] = []
    carry = False
    for n, para in enumerate(paras):
        text = para.text
        regions = quote_regions(text, para.begin)
        if carry and not any(ch in text for ch in '"\u201c\u201d'):
            regions = [(para.begin, para.begin + len(text), False, False)]
        elif not carry:
            regions = [r for r in regions if r[2]]  # a stray closer without context
        carry = False
        for begin, end, opened, closed in regions:
            if not closed:
                # Continue only if a closer comes within the next paragraphs.
                ahead = [p.text for p in paras[n + 1 : n + 1 + MAX_CARRY]]
                carry = any("\u201d" in t or '"' in t for t in ahead)
            b, e = begin, end
            while b < e and para.text[b - para.begin] in TRIM:
                b += 1
            while e > b and para.text[e - 1 - para.begin] in TRIM:
                e -= 1
            if e - b < 2:
                continue
            before = para.text[: max(0, begin - 1 - para.begin)].rstrip()
            whole = (
                not opened or not before or before[-1] in ".!?:\u2022" or _sent_start(para, begin)
            )
            found.append(_Region(para, Span(b, e), whole))
    return found


def _sent_start(para: Para, offset: int) -> bool:
    """Does a sentence start at ``offset`` or the character before it?"""
    begins = para.sent_begins
    i = bisect_right(begins, offset) - 1
    return i >= 0 and begins[i] >= offset - 1


def _frame(region: _Region) -> list[SpacySpan]:
    para = region.para
    sents = para.sents
    inside = para.sents_over(region.span)
    if not inside:
        return []
    lo, hi = inside[0], inside[-1]
    if (
        hi + 1 < len(sents)
        and len(sents[hi + 1]) <= 14
        and any(t.lemma_.lower() in lexicon().speech_verbs for t in sents[hi + 1])
    ):
        hi += 1
    if lo > 0 and sents[lo - 1].text.rstrip().endswith(":"):
        lo -= 1
    return sents[lo : hi + 1]


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

    def speaker_of(self, para: Para, tok: Token) -> tuple[str | None, bool]:
        """Entity key for the token (or the name it heads), and whether via a pronoun."""
        key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
        if key:
            return key, False
        if (para.index, tok.i) in self.pronouns:
            return self.pronouns[(para.index, tok.i)], True
        if tok.lemma_.lower() in STATEMENT_NOUNS and self.last_org:
            # "the statement said": the organization whose statement the article reports
            return self.last_org, True
        for child in tok.children:  # "Union leader X" heads on a role noun
            if child.dep_ in {"compound", "appos", "poss"}:
                key = self.res.key_at(para.index, child, ("actor",))
                if key:
                    return key, False
        return None, False

    def verb_speaker(self, para: Para, verb: Token) -> tuple[str | None, bool]:
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                return self.speaker_of(para, child)
        # "..., said X" parsed without a subject: a name right after the verb.
        for tok in para.doc[verb.i + 1 : verb.i + 3]:
            key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
            if key:
                return key, False
        if verb.dep_ == "conj":
            return self.verb_speaker(para, verb.head)
        return None, False

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

    def governs(self, para: Para, region: _Region, verb: Token) -> bool:
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
        for region in _regions(self.paras):
            st = self._one(region, statements, last)
            if st is not None:
                statements.append(st)
                if st.speaker:
                    last[region.para.index] = st
                    if self.res.kinds.get(st.speaker) == "organization":
                        self.last_org = st.speaker
        return statements

    def _one(
        self, region: _Region, statements: list[Statement], last: dict[int, Statement]
    ) -> Statement | None:
        para = region.para
        quoted = SpanSet([*in_quotes(para), region.span])
        frame = _frame(region)
        if not frame:
            return None
        evidence = Span(para.sent_span(frame[0]).begin, para.sent_span(frame[-1]).end)
        evidence = Span(min(evidence.begin, region.span.begin), max(evidence.end, region.span.end))
        text = para.text
        quote = text[region.span.begin - para.begin : region.span.end - para.begin]

        def make(speaker: str | None, confidence: float, rule: str) -> Statement:
            return Statement(quote, region.span, speaker, [evidence], confidence, rule)

        verbs = [
            t
            for s in frame
            for t in s
            if t.lemma_.lower() in self.lex.speech_verbs
            and t.pos_ in {"VERB", "AUX"}
            and _outside(para, t, quoted)
        ]
        if verbs:
            verbs.sort(
                key=lambda v: min(
                    abs(para.tok_span(v).begin - region.span.end),
                    abs(para.tok_span(v).end - region.span.begin),
                )
            )
            for verb in verbs:
                if not region.whole and not self.governs(para, region, verb):
                    continue
                speaker, via_pronoun = self.verb_speaker(para, verb)
                if speaker and via_pronoun:
                    return make(speaker, 0.75, "quote/speech-verb-pronoun")
                if speaker:
                    return make(speaker, 0.9, "quote/speech-verb-same-sentence")
                return make(None, 0.5, "quote/speech-verb-unresolved")
        according = self.according_to(para, frame, quoted)
        if according is not None:
            _, key = according
            if key:
                return make(key, 0.85, "quote/according-to")
            return make(None, 0.5, "quote/according-to-unresolved")
        if region.whole:
            prev = last.get(para.index) or last.get(para.index - 1)
            if prev is not None and (prev.quote_span.end <= region.span.begin):
                return make(prev.speaker, 0.7, "quote/continuation")
        return None


def find_statements(
    paras: list[Para], res: Resolution, pronouns: dict[tuple[int, int], str]
) -> list[Statement]:
    return sorted(QuoteFinder(paras, res, pronouns).find(), key=lambda s: s.quote_span)
