"""What a quotation's speaker may be when its own words do not name one: the person or
organization in focus (the subject last named, the organization quoted last or named most),
and the speaker of the next quotation when only marks stand between the two.

:class:`FocusCues` keeps the state :class:`newskg.extraction.quotes.QuoteFinder` updates as it
goes through the article (who was quoted last); :func:`join_runs` is its last pass.
"""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction.entities import Resolution
from newskg.extraction.lexicon import Lexicon, lexicon
from newskg.extraction.model import Statement
from newskg.extraction.nlp import Para
from newskg.extraction.quote_cues import NameCues, describes_org, spokes_noun
from newskg.extraction.quote_frames import OPEN_MARKS
from newskg.extraction.quoted import in_quotes
from newskg.extraction.rules import confidence

RECENT_PARAS = 1  # a "he said" takes the last speaker of this or the previous paragraph
UNATTRIBUTED = "quote/unattributed"
JOINED = "quote/joined-quotation"
#: The rule of a quotation going on from a transcript turn ("DUNN: ..."), and of the turn
#: itself as the previous quotation (never a statement).
TRANSCRIPT = "quote/transcript-continuation"


class FocusCues(NameCues):
    def __init__(
        self,
        paras: list[Para],
        res: Resolution,
        pronouns: dict[tuple[int, int], str],
        lex: Lexicon | None = None,
    ) -> None:
        super().__init__(paras, res, lexicon() if lex is None else lex)
        self.pronouns = pronouns
        self.last_org: str | None = None  # organization of the last attributed statement
        self.last_said: tuple[int, str] | None = None  # (paragraph, speaker) of the last one
        #: (paragraph, key, end of the evidence) of the last person quoted
        self.last_person: tuple[int, str, int] | None = None

    def speaker_of(self, para: Para, tok: Token) -> tuple[str | None, bool]:
        """The speaker a subject token names (:class:`newskg.extraction.quotes.QuoteFinder`)."""
        raise NotImplementedError

    def org_in_focus(self, para: Para, tok: Token) -> str | None:
        """The organization a description ("the firm") stands for: the one quoted in this or
        the previous paragraph, else the one named most often (outside quotes) before
        ``tok``, when no other is named as often (:meth:`NameCues.named_most`)."""
        if self.last_said is not None:
            at, key = self.last_said
            if para.index - at <= RECENT_PARAS and self.res.kinds.get(key) == "organization":
                return key
        return self.named_most(para, tok)

    def last_subject(
        self, para: Para, tok: Token, kinds: tuple[str, ...] = ("actor",), nearest: bool = False
    ) -> str | None:
        """:meth:`subject_before`'s entity."""
        return self.subject_before(para, tok, kinds, nearest)[0]

    def subject_before(
        self, para: Para, tok: Token, kinds: tuple[str, ...] = ("actor",), nearest: bool = False
    ) -> tuple[str | None, bool]:
        """The person (or one of ``kinds``) who was the last subject (a name, "he"/"she"
        resolved, a name in apposition: "His deputy, X, said") outside quotation marks before
        ``tok``, in its paragraph or the previous one. A spokesperson ends the search with
        their organization (and says so: True); with ``nearest``, any other noun ends it
        with no one ("A report says ... It says": the report, no one)."""
        for p in range(para.index, max(para.index - RECENT_PARAS, 0) - 1, -1):
            here = self.paras[p]
            quoted = in_quotes(here)
            toks = [t for t in here.doc if p < para.index or t.i < tok.i]
            for t in reversed(toks):
                named = t.dep_ in {"nsubj", "nsubjpass"} or (
                    t.dep_ == "attr" and t.head.lemma_ == "be"
                )
                if not named or quoted.contains(here.tok_span(t)) or self._reported(t):
                    continue
                key = self.res.key_at(p, t, kinds) or self.pronouns.get((p, t.i))
                for child in t.children if key is None and t.tag_ != "NNS" else ():
                    if child.dep_ == "appos":  # not "his players, particularly X"
                        key = key or self.res.key_at(p, child, kinds)
                spokes = self.speaker_of(here, t)[0] if spokes_noun(t) else None
                if key is None and spokes:
                    # "A Harbor Bank spokeswoman said ... She said": the bank speaking
                    return spokes, True
                if key is None and "organization" in kinds and describes_org(t):
                    return self.org_in_focus(here, t), False  # "the club said ... it said"
                if key or (nearest and t.pos_ in {"NOUN", "PROPN"}):
                    return key, False
        return None, False

    def _reported(self, tok: Token) -> bool:
        """Is ``tok`` the subject of a clause a speech verb reports ("X said Y would ...")?
        The one speaking, not Y, is who a later "she" means."""
        head = tok.head
        return head.dep_ == "ccomp" and head.head.lemma_.lower() in self.lex.speech_verbs

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


def join_runs(statements: list[Statement], paras: list[Para]) -> list[Statement]:
    """A quotation with no cue of its own right before the next one, only marks between
    (\u201c...\u201d \u201c...,\u201d X said; or paragraphs run together, "A. "B," X
    said): the next one's speaker, from the back so that a run of them all takes it."""
    text = {p.index: (p.begin, p.text) for p in paras}
    cueless = {UNATTRIBUTED, "quote/continuation", JOINED}
    for st, nxt in reversed(list(zip(statements, statements[1:], strict=False))):
        if st.rule not in cueless or nxt.speaker is None or nxt.rule == TRANSCRIPT:
            continue
        if nxt.rule in cueless - {JOINED}:
            continue
        para = next(
            (i for i, (b, t) in text.items() if b <= nxt.quote_span.begin <= b + len(t)), None
        )
        if para is None:
            continue
        begin, body = text[para]
        between = body[st.quote_span.end - begin : nxt.quote_span.begin - begin]
        if st.quote_span.end < begin or not between.strip() or between.strip(OPEN_MARKS + " "):
            continue
        st.speaker, st.rule, st.confidence = nxt.speaker, JOINED, confidence(JOINED)
    return statements
