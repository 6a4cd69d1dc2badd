"""How fast peer review allocates reviewers: officials from four countries in teams of one to
four (14 bodies per country, as in NTT+), three reviewers per proposal, at 500 × 500 (the
baseline, measured in the same run) and at 5,000 × 5,000.

Goal (issue 6): 5,000 proposals and 5,000 reviewers allocated in under 6 s on one core. The
allocation's correctness at that size (three distinct reviewers, none an author, spread at most
one, country rule) is tested in plugins/peer_review/tests/test_allocation.py; this script times it.

    .venv/bin/python bench/allocation.py [--size 5000] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import time

GOAL_S = 6.0
COUNTRIES = ("IT", "SE", "ES", "FI")


def instance(n: int, m: int, seed: int = 1) -> tuple[list[dict], list[dict]]:
    """``n`` proposals by teams drawn from ``m`` reviewers, deterministic for a ``seed``."""
    rng = random.Random(seed)
    reviewers = []
    for i in range(m):
        country = rng.choice(COUNTRIES)
        reviewers.append(
            {"id": f"r{i}", "country": country, "organisation": f"{country}-{rng.randrange(14)}"}
        )
    submissions = []
    for j in range(n):
        team = rng.sample(reviewers, rng.randint(1, 4))
        submissions.append(
            {
                "id": f"s{j}",
                "authors": [r["id"] for r in team],
                "countries": sorted({r["country"] for r in team}),
                "organisations": sorted({r["organisation"] for r in team}),
            }
        )
    return submissions, reviewers


def timed(size: int) -> float:
    from nttlearn_peer_review.allocation import allocate

    submissions, reviewers = instance(size, size)
    started = time.perf_counter()
    allocate(submissions, reviewers, 3)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="proposals and reviewers")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    baseline, measured = timed(500), timed(args.size)
    result = {
        "baseline_500_s": round(baseline, 3),
        f"allocate_{args.size}_s": round(measured, 3),
        "ratio": round(measured / baseline, 1),
        "goal_s": GOAL_S,
        "met": measured < GOAL_S,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"allocate 500 x 500, k=3:   {baseline:.2f} s (baseline)")
        print(
            f"allocate {args.size:,} x {args.size:,}, k=3: {measured:.2f} s "
            f"({measured / baseline:.1f}x the baseline; goal under {GOAL_S:.0f} s: {'met' if measured < GOAL_S else 'NOT met'})"
        )
    return 0 if measured < GOAL_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
