"""Agreement between reviewers, from blind double reviews, for the stats page: Cohen's kappa and
Krippendorff's alpha per reviewer pair and overall, with counts and bootstrap intervals, and the
claims where the two ratings were furthest apart.

A unit is one verdict under blind review and its blind second review. Kappa compares the rating
labels (all seven); alpha the 1..5 ClaimReview values, ordinal, leaving out a unit rated
"unverifiable" on either side (it has no place on the scale). Overall, the first ratings are one
rater and the second ratings the other; per pair, each reviewer is one rater."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from claims.models import CLAIMREVIEW_RATING_VALUES, Rating, Verdict, VerdictReview
from claims.reliability import Estimate, cohen_kappa, krippendorff_alpha_ordinal

MAX_PAIRS = 20
MAX_DISAGREEMENTS = 10
# Distance between a rating on the scale and one off it (unverifiable): half the scale.
OFF_SCALE_DISTANCE = 2


@dataclass(frozen=True)
class Unit:
    claim_id: int
    claim_text: str
    first_reviewer: str
    first_rating: str
    second_reviewer: str
    second_rating: str

    @property
    def distance(self) -> int:
        a = CLAIMREVIEW_RATING_VALUES[self.first_rating]
        b = CLAIMREVIEW_RATING_VALUES[self.second_rating]
        if self.first_rating == self.second_rating:
            return 0
        if a is None or b is None:
            return OFF_SCALE_DISTANCE
        return abs(a - b)

    @property
    def first_label(self) -> str:
        return Rating(self.first_rating).label

    @property
    def second_label(self) -> str:
        return Rating(self.second_rating).label


@dataclass(frozen=True)
class Agreement:
    label: str
    kappa: Estimate
    alpha: Estimate

    @property
    def units(self) -> int:
        return self.kappa.n


@dataclass(frozen=True)
class AgreementReport:
    overall: Agreement
    pairs: list[Agreement]
    disagreements: list[Unit]


def agreement_units() -> list[Unit]:
    """Every blind double review as a unit (first verdict, blind second rating)."""
    rows = (
        VerdictReview.objects.filter(blind=True)
        .order_by("id")
        .values_list(
            "verdict__claim_id",
            "verdict__claim__text",
            "verdict__reviewer__username",
            "verdict__rating",
            "reviewer__username",
            "agrees",
            "rating",
        )  # fmt: skip
    )
    return [
        Unit(claim_id, text, first, first_rating, second, first_rating if agrees else rating)
        for claim_id, text, first, first_rating, second, agrees, rating in rows
    ]


def agreement_measure(*, label: str, pairs: list[tuple[str, str]]) -> Agreement:
    """Kappa and alpha of (first, second) rating pairs, each with its interval."""
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    return Agreement(
        label=label,
        kappa=cohen_kappa(first, second),
        alpha=krippendorff_alpha_ordinal(
            [CLAIMREVIEW_RATING_VALUES[a] for a in first],
            [CLAIMREVIEW_RATING_VALUES[b] for b in second],
        ),
    )


def agreement_report() -> AgreementReport:
    """Agreement overall and for the reviewer pairs with the most units, and the widest
    disagreements. Reads only."""
    units = agreement_units()
    overall = agreement_measure(
        label="All blind double reviews",
        pairs=[(u.first_rating, u.second_rating) for u in units],
    )
    by_pair: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for u in units:
        # Each reviewer is one rater, whoever gave the verdict: ratings in name order.
        (a, ra), (b, rb) = sorted(
            [(u.first_reviewer, u.first_rating), (u.second_reviewer, u.second_rating)]
        )
        by_pair[(a, b)].append((ra, rb))
    busiest = sorted(by_pair.items(), key=lambda item: (-len(item[1]), item[0]))[:MAX_PAIRS]
    pairs = [agreement_measure(label=f"{a} & {b}", pairs=ratings) for (a, b), ratings in busiest]
    disagreements = sorted(
        (u for u in units if u.first_rating != u.second_rating),
        key=lambda u: (-u.distance, -u.claim_id),
    )[:MAX_DISAGREEMENTS]
    return AgreementReport(overall=overall, pairs=pairs, disagreements=disagreements)


def claim_blind_review_hidden(*, verdicts: list[Verdict], user: Any) -> bool:
    """Among a claim's ``verdicts`` (already read), is one waiting for a blind review that
    ``user`` (not its author) could give? Then the claim page hides the verdicts from them."""
    return any(
        v.is_current and v.blind_review and v.published_at is None and v.reviewer_id != user.pk
        for v in verdicts
    )
