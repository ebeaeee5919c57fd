"""Agreement between two ratings of the same units: Cohen's kappa (nominal, on the rating labels)
and Krippendorff's alpha (ordinal, on the 1..5 ClaimReview scale), with bootstrap confidence
intervals. Pure: lists in, numbers out; no Django.

The bootstrap resamples units with replacement. A resample only changes how many units of each
kind (first rating, second rating) there are, so it is drawn as one multinomial over those kinds
and every statistic is computed from the counts at once: a thousand resamples take milliseconds.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import numpy.typing as npt

BOOTSTRAP_RESAMPLES = 1000
CONFIDENCE = 0.95
SCALE = (1, 2, 3, 4, 5)

Counts = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """A statistic, the units it rests on, and its bootstrap interval (None when undefined)."""

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None


def _kappa_from_counts(t: Counts) -> Counts:
    """Cohen's kappa of each (first, second) contingency table in ``t`` (shape B x K x K)."""
    total = t.sum(axis=(1, 2))
    observed = np.trace(t, axis1=1, axis2=2) / total
    expected = (t.sum(axis=2) * t.sum(axis=1)).sum(axis=1) / total**2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (observed - expected) / (1 - expected)
    kappa[np.isclose(expected, 1)] = np.nan  # one category only: kappa is undefined
    return kappa


def _alpha_from_counts(t: Counts) -> Counts:
    """Krippendorff's ordinal alpha of each table of pairable units (shape B x V x V, values in
    scale order), from the coincidence matrix, as Krippendorff (2011) defines it."""
    coincidences = t + t.transpose(0, 2, 1)
    marginals = coincidences.sum(axis=2)
    n = marginals.sum(axis=1)
    cumulative = np.cumsum(marginals, axis=1)
    # For c <= k: the values from c to k, less half of c's and k's, squared.
    between = cumulative[:, None, :] - cumulative[:, :, None] + marginals[:, :, None]
    delta = (between - (marginals[:, :, None] + marginals[:, None, :]) / 2) ** 2
    upper = np.triu(np.ones(delta.shape[1:], dtype=bool))
    delta = np.where(upper, delta, delta.transpose(0, 2, 1))
    disagreement = (coincidences * delta).sum(axis=(1, 2))
    expected = (marginals[:, :, None] * marginals[:, None, :] * delta).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * disagreement / expected
    alpha[expected == 0] = np.nan  # every value the same: alpha is undefined
    return alpha


def _table(first: Sequence[int], second: Sequence[int], size: int) -> Counts:
    table = np.zeros((size, size))
    np.add.at(table, (np.asarray(first), np.asarray(second)), 1)
    return table


def _interval(
    table: Counts, statistic: object, *, resamples: int, seed: int
) -> tuple[float | None, float | None]:
    total = int(table.sum())
    if total < 2:
        return None, None
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(total, table.ravel() / total, size=resamples)
    values = statistic(draws.reshape(resamples, *table.shape).astype(float))  # type: ignore[operator]
    values = values[~np.isnan(values)]
    if len(values) < resamples / 2:
        return None, None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def cohen_kappa(
    first: Sequence[str],
    second: Sequence[str],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> Estimate:
    """Cohen's kappa of two raters' labels on the same units (unweighted: nominal)."""
    if len(first) != len(second):
        raise ValueError("Both raters must rate the same units.")
    if not first:
        return Estimate(None, 0)
    labels = sorted(set(first) | set(second))
    code = {label: i for i, label in enumerate(labels)}
    table = _table([code[x] for x in first], [code[x] for x in second], len(labels))
    value = _value(_kappa_from_counts(table[None])[0])
    low, high = (
        _interval(table, _kappa_from_counts, resamples=resamples, seed=seed)
        if value is not None
        else (None, None)
    )
    return Estimate(value, len(first), low, high)


def krippendorff_alpha_ordinal(
    first: Sequence[int | None],
    second: Sequence[int | None],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> Estimate:
    """Krippendorff's alpha, ordinal on the 1..5 scale, from the ``krippendorff`` package; a
    unit with a value missing on either side (None: no place on the scale) is left out."""
    if len(first) != len(second):
        raise ValueError("Both raters must rate the same units.")
    pairs = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    if len(pairs) < 2 or len({v for pair in pairs for v in pair}) < 2:
        return Estimate(None, len(pairs))
    data = np.array(pairs, dtype=float).T
    value = _value(
        float(
            krippendorff.alpha(
                reliability_data=data, level_of_measurement="ordinal", value_domain=list(SCALE)
            )
        )
    )
    index = {v: i for i, v in enumerate(SCALE)}
    table = _table([index[a] for a, _ in pairs], [index[b] for _, b in pairs], len(SCALE))
    low, high = _interval(table, _alpha_from_counts, resamples=resamples, seed=seed)
    return Estimate(value, len(pairs), low, high)


def alpha_from_pairs(first: Sequence[int], second: Sequence[int]) -> float | None:
    """The same ordinal alpha computed from the coincidence matrix (what the bootstrap uses);
    tests check that it matches the ``krippendorff`` package."""
    index = {v: i for i, v in enumerate(SCALE)}
    table = _table([index[a] for a in first], [index[b] for b in second], len(SCALE))
    return _value(_alpha_from_counts(table[None])[0])
