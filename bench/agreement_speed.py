"""Cost of the stats page's agreement figures: Cohen's kappa and Krippendorff's alpha with
1,000-resample bootstrap intervals, overall and for 20 reviewer pairs.

    python bench/agreement_speed.py [--units 10000] [--repeats 5]

Pure computation on generated ratings (no database): what ``agreement_report`` adds once the
blind reviews are read.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.reliability import cohen_kappa, krippendorff_alpha_ordinal  # noqa: E402

LABELS = ["false", "mostly_false", "mixed", "mostly_true", "true"]
PAIRS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    first = rng.integers(1, 6, args.units)
    second = np.clip(first + rng.integers(-1, 2, args.units), 1, 5)
    a, b = [LABELS[v - 1] for v in first], [LABELS[v - 1] for v in second]
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for part in np.array_split(np.arange(args.units), PAIRS) + [np.arange(args.units)]:
            cohen_kappa([a[i] for i in part], [b[i] for i in part])
            krippendorff_alpha_ordinal(
                [int(first[i]) for i in part], [int(second[i]) for i in part]
            )
        timings.append(time.perf_counter() - started)
    print(
        f"{args.units:,} blind reviews, overall + {PAIRS} pairs, 1,000 resamples each: "
        f"median {statistics.median(timings) * 1000:.0f} ms over {args.repeats} runs"
    )


if __name__ == "__main__":
    main()
