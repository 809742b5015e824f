"""Names that stand where news puts a speaker around a quotation or a speech verb: before
the verb in an inverted attribution ("\u201c...,\u201d X, an aide, said"), right before a verb
the parser left without a subject, after "according to", at the head of the quote's sentence,
or in a transcript turn's label ("DUNN: ...").

:class:`NameCues` reads the parse and the article's entities only; which cue decides is
:class:`newskg.extraction.quotes.QuoteFinder`'s choice.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.model import Statement
from newskg.extraction.names import cue_nouns, occupations
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quote_frames import OPEN_MARKS, Region
from newskg.extraction.quoted import in_quotes

SPEAKER_KINDS = ("actor", "organization")
#: "the 21-year-old", "a 45-year-old": an age standing for a person already named.
AGED = re.compile(r"^\d+-year-old$")


def spokes_noun(tok: Token) -> bool:
    """Is ``tok`` a noun for one who speaks for an organization ("a Harbor Bank spokeswoman"
    is the bank's voice; ``spokes_nouns.txt``)?"""
    return tok.lower_ in datafiles.word_set("spokes_nouns.txt")


def describes_org(tok: Token) -> bool:
    """Is ``tok`` "the" and a noun for a kind of organization ("the company", "the
    corporation", ``org_nouns.txt``, ``org_cue_nouns.txt``), with no name of its own?"""
    return (
        tok.lower_ in cue_nouns()
        and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        and not any(c.pos_ == "PROPN" or c.dep_ == "poss" for c in tok.children)
    )


def describes_person(tok: Token, lex: Lexicon) -> bool:
    """Is ``tok`` the head of a definite description of a person ("the striker", "the
    40-year-old", "the council's manager"): a role or occupation noun (``roles.txt``,
    ``occupations.txt``) or an age, after "the" or a possessive noun, with no name of its
    own? ("His lawyer", "our correspondent": someone other than the one named before.)"""
    definite = any(
        (c.dep_ == "det" and c.lower_ == "the") or c.dep_ == "poss" for c in tok.children
    )
    if not definite or any(c.pos_ in {"PROPN", "PRON"} for c in tok.children):
        return False
    if spokes_noun(tok):
        return False  # the voice of an organization, not a person named before
    mods = [c.lower_ for c in tok.children if c.dep_ in {"amod", "compound"} and c.i < tok.i]
    if mods and lex.title_length([*mods, tok.lower_]) == len(mods) + 1:
        return False  # "the prime minister": an office, whoever was named before
    words = "".join(t.text for t in tok.subtree if t.dep_ not in {"det", "amod", "poss", "case"})
    return (
        lex.role_at([tok.lower_]) is not None
        or tok.lower_ in occupations()
        or bool(AGED.match(words.lower()))
    )


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

    def colon_name(self, para: Para, region: Region) -> str | None:
        """The person named right before a colon that introduces the quote, in a clause with
        no verb ("Festival director Ana Ruiz: \u201c...\u201d"): the attribution of a
        caption or a list of reactions, the verb left out."""
        before = para.text[: region.span.begin - para.begin].rstrip(" \u00a0" + OPEN_MARKS)
        if not before.endswith(":"):
            return None
        end = para.begin + len(before)
        colon = [t for t in para.doc if para.tok_span(t).end == end]
        if not colon or colon[0].i == 0:
            return None
        quoted = in_quotes(para)
        lead = [t for t in colon[0].sent if t.i < colon[0].i]
        if any(t.pos_ in {"VERB", "AUX"} and not quoted.contains(para.tok_span(t)) for t in lead):
            return None
        return self.res.key_at(para.index, para.doc[colon[0].i - 1], ("actor",))

    def earlier_verb(self, para: Para, region: Region, prev: Statement | None) -> Token | None:
        """The last speech verb of a sentence of the paragraph before the quote that quotes
        nothing, after the previous quote ("X said the plan had failed. \u201c...\u201d"):
        reported speech that introduces the quotation after it."""
        quoted = in_quotes(para)
        since = prev.quote_span.end if prev is not None else para.begin
        found = None
        for sent in para.sents:
            span = para.tok_span(sent[0]).begin, para.tok_span(sent[-1]).end
            if span[1] > region.span.begin:
                break
            if span[0] < since or any(quoted.contains(para.tok_span(t)) for t in sent):
                continue
            verbs = [
                t
                for t in sent
                if t.pos_ == "VERB"
                and t.lemma_.lower() in self.lex.speech_verbs
                # "..., which suggests ...": a thing, not someone, says it
                and not any(c.dep_ == "nsubj" and c.lower_ == "which" for c in t.children)
            ]
            if verbs:
                # The outermost: "X said it was hard to say ...", not "say".
                found = min(verbs, key=lambda t: len(list(t.ancestors)))
        return found

    def named_most(self, para: Para, tok: Token) -> str | None:
        """The organization named most often (outside quotes) before ``tok``, when no other
        is named as often: the one a description ("the firm") stands for."""
        offset = para.tok_span(tok).begin
        counts: dict[str, int] = {}
        for m in self.res.mentions:
            if (
                m.key
                and m.span.end <= offset
                and self.res.kinds.get(m.key) == "organization"
                and not in_quotes(self.paras[m.para]).contains(m.span)
            ):
                counts[m.key] = counts.get(m.key, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
        return None

    def org_by_first_word(self, word: str) -> str | None:
        """The one organization of the article whose name starts with ``word``: "an Acme
        spokesman" after "Acme Holdings" was named (the tagger leaves the short form out)."""
        found = {
            e.key
            for e in self.res.entities
            if e.kind == "organization" and e.label.split()[0] == word
        }
        return found.pop() if len(found) == 1 else None
