"""A score for each atomic claim: its sentence's check-worthiness, moved by what the claim carries.

The sentence scorer (whichever is plugged in: the feature model today, a neural one later) rates
the sentence; every claim cut from it then moves up or down on the log-odds scale by what a
fact-checker would look for in the claim itself: a number, a name or a date to look up, a
predicate that evidence can settle, and whether it is a clause that stands on its own. So a
fragment, a greeting or an opinion split off a check-worthy sentence sinks below the claims worth
checking, and a claim whose own score falls under the scorer's threshold is not queued.

The weights are set by hand, in log-odds, small next to the scorer's own range, and almost all
of them push down: a claim keeps its sentence's score unless it lacks what a check needs, so the
sentence scorer's calibration and threshold still mean what they meant.
"""

import math
from dataclasses import dataclass

from spacy.tokens import Span

from workers.extraction.vocabulary import CHECKABLE_ENTITY_LABELS, KIND_NOT_CHECKABLE

NUMBER_WEIGHT = 0.2  # a count, amount, percentage or date: the most checkable thing there is
NO_ANCHOR_WEIGHT = -1.0  # neither: nothing a fact-checker could look up
UNCHECKABLE_WEIGHT = -0.8  # an opinion, promise or question (kind ``not_checkable``)
MALFORMED_WEIGHT = -2.5  # not a standalone clause
PRONOUN_WEIGHT = -0.4  # "they did it": who is meant is left to the reader
FIRST_PERSON_WEIGHT = -0.4  # "we", "us", "our": the claim is about the speaker's own side

PRONOUNS = frozenset({"he", "she", "they", "it", "this", "that", "these", "those", "them"})
FIRST_PERSON = frozenset({"i", "we", "us", "our", "me", "my", "ours"})
NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME"})
_EDGE = 1e-4


@dataclass(frozen=True)
class ClaimFeatures:
    has_number: bool
    has_name: bool
    checkable: bool
    well_formed: bool
    pronoun_subject: bool
    first_person: bool


def claim_features(claim: Span, *, kind: str, well_formed: bool, text: str) -> ClaimFeatures:
    """What the claim itself carries, read from its span in the sentence's parse.

    ``text`` is the claim as shown (a resolved pronoun is no longer a pronoun there)."""
    first_word = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    return ClaimFeatures(
        has_number=any(t.like_num or t.ent_type_ in NUMBER_LABELS for t in claim),
        # A nationality used as an adjective ("our Ukrainian flag") names nothing to look up.
        has_name=any(
            t.ent_type_ in CHECKABLE_ENTITY_LABELS and (t.ent_type_ != "NORP" or t.pos_ != "ADJ")
            for t in claim
        ),
        checkable=kind != KIND_NOT_CHECKABLE,
        well_formed=well_formed,
        pronoun_subject=first_word in PRONOUNS,
        first_person=any(t.lower_ in FIRST_PERSON and t.pos_ == "PRON" for t in claim),
    )


def claim_score(sentence_score: float, features: ClaimFeatures) -> float:
    """The claim's score in 0..1: the sentence's, moved on the log-odds scale by ``features``."""
    p = min(max(sentence_score, _EDGE), 1 - _EDGE)
    logit = math.log(p / (1 - p))
    logit += NUMBER_WEIGHT * features.has_number
    if not (features.has_number or features.has_name):
        logit += NO_ANCHOR_WEIGHT
    if not features.checkable:
        logit += UNCHECKABLE_WEIGHT
    if not features.well_formed:
        logit += MALFORMED_WEIGHT
    if features.pronoun_subject:
        logit += PRONOUN_WEIGHT
    if features.first_person:
        logit += FIRST_PERSON_WEIGHT
    return 1 / (1 + math.exp(-logit))
