"""Who is said to have said it: the speaker of a sentence, read off the dependency parse.

Pure functions over parsed spaCy spans: no Django, no Celery, no settings.

- The speaker is the subject of a reporting verb ("three officials told CNN"), taken from the
  verb nearest the root that is not inside quotation marks, so in "'He said no,' Blinken said"
  the speaker is Blinken. A passive with no agent ("was said to") has no speaker.
- ``via`` is whom or what it was said to or in: the addressee of "tell" ("told the outlet"),
  a named object ("said CNN", "posted Twitter"), "to reporters", or a medium ("in a statement").
- Names are shown without titles or articles: "US Secretary of State Antony Blinken" is
  "Antony Blinken", "the three officials" is "three officials". A surname alone or "the
  statement" is widened to the fuller mention in the same or the previous sentence ("Antony
  Blinken", "White House statement"); "he"/"she" become the nearest preceding PERSON.
- ``start``/``end`` locate in ``span.doc.text`` the words that name the speaker: the speaker
  text itself when it was found in this document, otherwise the shorter mention it was widened
  from (the pronoun, surname or "statement"). Both are None when there is no mention.
- A quotation paragraph with no reporting verb of its own gets no speaker here;
  ``attribute_sentences`` carries the previous quotation's speaker into it.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from spacy.tokens import Span, Token

from workers.extraction.vocabulary import PROMISING_VERBS, REPORTING_VERBS, SPEAKER_ENTITY_LABELS

# Who promised or predicted something is its speaker as much as who reported it.
_SPEAKING_VERBS = REPORTING_VERBS | PROMISING_VERBS

# Nouns that name a channel rather than content: "said in a statement", "told in an interview".
MEDIA_NOUNS = frozenset(
    {
        "statement", "interview", "video", "post", "tweet", "letter", "speech", "briefing",
        "release", "broadcast", "podcast", "blog", "email", "message", "conference", "op-ed",
        "column", "memo", "filing", "address", "appearance", "call", "programme", "program",
    }
)  # fmt: skip
_RESOLVABLE_PRONOUNS = frozenset({"he", "she"})
_ARTICLES = frozenset({"the", "a", "an"})
# Parts of a subject phrase that describe the speaker rather than name it.
_DESCRIPTIVE_DEPS = frozenset({"appos", "relcl", "acl", "punct", "advcl", "cc", "conj"})
_TITLE_DEPS = frozenset({"compound", "nmod"})
_OPEN_QUOTE_TAG = "``"
_CLOSE_QUOTE_TAG = "''"


@dataclass(frozen=True)
class Attribution:
    speaker: str
    via: str
    start: int | None
    end: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


NO_ATTRIBUTION = Attribution(speaker="", via="", start=None, end=None)


def find_speaker(span: Span, *, previous: Span | None = None) -> Attribution:
    """The speaker of ``span``; ``previous`` (the sentence before) resolves "he" and short names."""
    quoted = _quoted_positions(span)
    verbs = [
        token
        for token in span
        if token.pos_ in ("VERB", "AUX")
        and token.i not in quoted
        and token.lemma_.lower() in _SPEAKING_VERBS
    ]
    verbs.sort(key=lambda verb: (_depth(verb), verb.i))
    fallback = NO_ATTRIBUTION
    for verb in verbs:
        subject = _subject(verb, quoted)
        if subject is None:
            continue
        attribution = _attribution(span, subject, _via(verb, quoted), previous)
        if attribution.speaker:
            return attribution
        # "They said ..., and the spokesman told reporters": try the next verb first.
        if not fallback.via:
            fallback = attribution
    source = _according_to(span, quoted)
    if source is not None:
        return _attribution(span, source, "", previous)
    return fallback


def attribute_sentences(spans: Sequence[Span]) -> list[Attribution]:
    """``find_speaker`` for each sentence in reading order, carrying a quotation's speaker into
    the quoted sentences and paragraphs that follow it without a reporting verb of their own."""
    attributions: list[Attribution] = []
    carried: Attribution | None = None
    quote_open = False
    previous: Span | None = None
    titles: dict[str, str] = {}
    for span in spans:
        if previous is None or previous.doc is not span.doc:
            quote_open = False  # a new paragraph reopens a continued quotation with a mark
        starts_quoted = quote_open or (len(span) > 0 and span[0].tag_ == _OPEN_QUOTE_TAG)
        attribution = _named_by_title(span, find_speaker(span, previous=previous), titles)
        _remember_titles(span, titles)
        has_quote = False
        for token in span:
            if token.tag_ == _OPEN_QUOTE_TAG:
                quote_open, has_quote = True, True
            elif token.tag_ == _CLOSE_QUOTE_TAG:
                quote_open, has_quote = False, True
        if not attribution.speaker and starts_quoted and carried is not None:
            attribution = Attribution(
                speaker=carried.speaker, via=carried.via, start=None, end=None
            )
        carried = attribution if attribution.speaker and (has_quote or starts_quoted) else None
        attributions.append(attribution)
        previous = span
    return attributions


def _remember_titles(span: Span, titles: dict[str, str]) -> None:
    """Note who holds each title, from "President Volodymyr Zelensky" or "Defense Secretary
    Lloyd Austin"; the latest holder of a title wins."""
    for ent in span.ents:
        if ent.label_ != "PERSON":
            continue
        for token in ent.root.lefts:
            if token.i < ent.start and token.dep_ in _TITLE_DEPS and token.is_title:
                titles[token.lower_] = ent.text


def _named_by_title(span: Span, attribution: Attribution, titles: dict[str, str]) -> Attribution:
    """ "The President of Ukraine posted" is the last person called President, if any.

    A guess from the document, not knowledge: it is wrong when two holders of one title are
    in play ("President Biden" met "President Zelensky") and the later one is not the speaker.
    """
    if attribution.start is None or attribution.end is None or not titles:
        return attribution
    mention = span.doc.char_span(attribution.start, attribution.end)
    if mention is None or mention.root.ent_type_ == "PERSON":
        return attribution
    root = mention.root
    definite = any(child.lower_ == "the" or child.dep_ == "poss" for child in root.lefts)
    name = titles.get(root.lower_)
    if not definite or name is None:
        return attribution
    return Attribution(
        speaker=name, via=attribution.via, start=attribution.start, end=attribution.end
    )


def _quoted_positions(span: Span) -> set[int]:
    """Token indices between an opening and a closing quotation mark within the span."""
    quoted: set[int] = set()
    inside = False
    for token in span:
        if token.tag_ == _OPEN_QUOTE_TAG:
            inside = True
        elif token.tag_ == _CLOSE_QUOTE_TAG:
            inside = False
        elif inside:
            quoted.add(token.i)
    return quoted


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i:
        token = token.head
        depth += 1
    return depth


def _subject(verb: Token, quoted: set[int]) -> Token | None:
    """The active subject, the agent of a passive, or a coordinated verb's shared subject."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i not in quoted]
    if subjects:
        # "'The guys handed it over,' he said" parses two subjects; the nearer one speaks.
        return min(subjects, key=lambda subject: abs(subject.i - verb.i))
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    if any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children):
        return None  # "was said to be finalizing": reported, by nobody named
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        return next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    return None


def _according_to(span: Span, quoted: set[int]) -> Token | None:
    """The source in "according to the governor, three people died"."""
    for token in span:
        if token.lower_ == "according" and token.i not in quoted:
            for prep in token.children:
                if prep.lower_ == "to":
                    return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def _via(verb: Token, quoted: set[int]) -> str:
    addressee = ""
    medium = ""
    for child in verb.children:
        if child.i in quoted:
            continue
        if child.dep_ in ("dobj", "dative") and child.pos_ in ("NOUN", "PROPN"):
            if verb.lemma_.lower() == "tell" or child.pos_ == "PROPN":
                addressee = addressee or _phrase(child).text
        elif child.dep_ == "prep":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            if child.lower_ == "to" and pobj.pos_ in ("NOUN", "PROPN"):
                addressee = addressee or _phrase(pobj).text
            elif child.lower_ in ("in", "on") and (
                pobj.pos_ == "PROPN" or pobj.lemma_.lower() in MEDIA_NOUNS
            ):
                medium = medium or _phrase(pobj).text
    return addressee or medium


def _attribution(span: Span, subject: Token, via: str, previous: Span | None) -> Attribution:
    if subject.pos_ == "PRON":
        if subject.lower_ not in _RESOLVABLE_PRONOUNS:
            return Attribution(speaker="", via=via, start=None, end=None)
        antecedent = _nearest_person(span, subject, previous)
        if antecedent is None:
            return Attribution(speaker="", via=via, start=None, end=None)
        mention = antecedent if antecedent.doc is span.doc else span.doc[subject.i : subject.i + 1]
        return Attribution(
            speaker=antecedent.text, via=via, start=mention.start_char, end=mention.end_char
        )
    mention = _name(subject)
    fuller = _fuller_mention(span, mention, previous)
    if fuller is not None and fuller.doc is span.doc:
        mention = fuller
    return Attribution(
        speaker=(fuller or mention).text,
        via=via,
        start=mention.start_char,
        end=mention.end_char,
    )


def _name(subject: Token) -> Span:
    """The words that name the subject: its entity if it is one, else its noun phrase."""
    if subject.ent_type_ in SPEAKER_ENTITY_LABELS:
        for ent in subject.doc.ents:
            if ent.start <= subject.i < ent.end:
                return _phrase_bounds(ent[0], ent.start, ent.end)
    return _phrase(subject)


def _phrase(head: Token) -> Span:
    """``head`` with its modifiers, less appositions, clauses, and a leading article."""
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in _DESCRIPTIVE_DEPS:
            break
        end = child.right_edge.i + 1
    start = head.i
    for child in head.lefts:
        if child.dep_ not in _DESCRIPTIVE_DEPS:
            start = child.left_edge.i
            break
    return _phrase_bounds(head, start, end)


def _phrase_bounds(token: Token, start: int, end: int) -> Span:
    doc = token.doc
    while start < end - 1 and (doc[start].lower_ in _ARTICLES or doc[start].is_punct):
        start += 1
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _nearest_person(span: Span, pronoun: Token, previous: Span | None) -> Span | None:
    before = [ent for ent in span.ents if ent.label_ == "PERSON" and ent.end <= pronoun.i]
    if before:
        return before[-1]
    if previous is not None:
        people = [ent for ent in previous.ents if ent.label_ == "PERSON"]
        if people:
            return people[-1]
    return None


def _fuller_mention(span: Span, mention: Span, previous: Span | None) -> Span | None:
    """An earlier, longer mention of the same speaker: "Antony Blinken" for "Blinken",
    "White House statement" for "the statement"."""
    if len(mention) != 1:
        return None
    word = mention[0]
    candidates: list[Span] = []
    if previous is not None:
        candidates.append(previous)
    candidates.append(span.doc[span.start : word.i])
    found: Span | None = None
    for source in candidates:
        if word.ent_type_ == "PERSON":
            for ent in source.ents:
                if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].lower_ == word.lower_:
                    found = ent
        elif word.pos_ == "NOUN" and any(child.lower_ == "the" for child in word.lefts):
            # Only a definite description points back; bare "officials" may be new people.
            for token in source:
                if token.pos_ == "NOUN" and token.lemma_ == word.lemma_:
                    phrase = _modifiers_only(token)
                    if len(phrase) > 1:
                        found = phrase
    return found


def _modifiers_only(head: Token) -> Span:
    """``head`` with the words before it ("a White House statement"), less the article."""
    start = head.i
    for child in head.lefts:
        if child.dep_ not in _DESCRIPTIVE_DEPS:
            start = child.left_edge.i
            break
    return _phrase_bounds(head, start, head.i + 1)
