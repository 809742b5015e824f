"""Names that stand where news puts a speaker around a quotation or a speech verb: before
the verb in an inverted attribution ("\u201c...,\u201d X, an aide, said"), right before a verb
the parser left without a subject, after "according to", at the head of the quote's sentence,
or in a transcript turn's label ("DUNN: ...").

:class:`NameCues` reads the parse and the article's entities only; which cue decides is
:class:`newskg.extraction.quotes.QuoteFinder`'s choice.
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quote_frames import OPEN_MARKS, Region
from newskg.extraction.quoted import in_quotes

SPEAKER_KINDS = ("actor", "organization")


class NameCues:
    def __init__(self, paras: list[Para], res: Resolution, lex: Lexicon) -> None:
        self.paras = paras
        self.res = res
        self.lex = lex

    def name_before(self, para: Para, verb: Token, subject: Token | None = None) -> str | None:
        """A named speaker before ``verb`` in its sentence: the first after a quotation that
        ends there ("\u201c...,\u201d X, an aide, said"), else the nearest when no other
        verb or auxiliary comes before ("X, her adviser, said:"): attributions the parser
        gave no subject. With ``subject`` (the verb's subject, words
        that name nobody: "\u201c...,\u201d X, the head of Y, noted"), only a name
        right after a quotation."""
        quoted = in_quotes(para)
        toks = [t for t in verb.sent if t.i < verb.i]
        start = None  # where the stretch after a quotation starts
        clause = None  # where another verb (or auxiliary) is
        for n in range(len(toks) - 1, -1, -1):
            tok = toks[n]
            if quoted.contains(para.tok_span(tok)) or all(c in OPEN_MARKS for c in tok.text):
                start = n + 1
                break
            if tok.pos_ in {"VERB", "AUX"}:
                clause = n
            if tok.pos_ == "VERB":
                break
        if start is None and (clause is not None or subject is not None):
            return None
        # After a quotation: the first name; with none before: the nearest.
        candidates = toks[start:] if start is not None else list(reversed(toks))
        if subject is not None:
            # Only the inverted shape itself: the name right after the closing mark, outside
            # the subject's words ("a source close to X", "a deal with X, its owner said").
            words = [t for t in candidates if not t.is_punct]
            own = {t.i for t in subject.subtree}
            if not words or words[0].i in own:
                return None
            candidates = words[:1]
        for tok in candidates:
            key = self.res.key_at(para.index, tok, SPEAKER_KINDS)
            if key:
                return key
        return None

    def adjacent_name(self, para: Para, verb: Token) -> str | None:
        """The name right before ``verb``, a parenthesis after it left out: the subject of a
        verb the parser left without one or hung from another clause ("..., after a visit to Y,
        Senator X (D) said \u201c...\u201d"). Tried last: a name that ends a clause of its
        own ("X thanked Y, adding") is not the speaker."""
        toks = [t for t in verb.sent if t.i < verb.i]
        if toks and toks[-1].text == ")":
            opens = [n for n, t in enumerate(toks) if t.text == "("]
            toks = toks[: opens[-1]] if opens else []
        if not toks:
            return None
        return self.res.key_at(para.index, toks[-1], SPEAKER_KINDS)

    def according_to(
        self, para: Para, frame: list[SpacySpan], quoted: SpanSet
    ) -> tuple[Token, str | None] | None:
        for sent in frame:
            toks = list(sent)
            for i, tok in enumerate(toks):
                if quoted.contains(para.tok_span(tok)):
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

    def turn_speaker(self, label: str) -> str | None:
        """The person a transcript turn's label names ("DUNN", "MR. DUNN"): the one person
        of the article whose label or other name ends with the label's last word."""
        words = label.lower().replace("\u2019", "'").split()
        if not words:
            return None
        last = words[-1].strip(".")
        found = {
            e.key
            for e in self.res.entities
            if e.kind == "actor"
            and any(n.lower().split()[-1:] == [last] for n in {e.label, *e.alt_labels})
        }
        return found.pop() if len(found) == 1 else None
