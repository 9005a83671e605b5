"""False-claim rate and power of the claim rule, by simulation (a script, not a test).

Usage::

    .venv/bin/python bench/bench_claims.py                 # 20,000 programmes per cell
    .venv/bin/python bench/bench_claims.py --programmes 2000 --evaluate 0   # quicker

The suite (tests/analysis/test_claims_simulation.py) runs one null cell with 2,000 programmes.
This runs, for programmes of 5 sites x 30 participants per group (the suite's size) and of 4
sites x 15 per group (a small one):

* under the null (no effect, parallel trends) with the true baseline imbalance of the
  intervention group drawn from 0.3-1.0 SD (and in narrower bands) and the reliability from
  .6-.9 (analysis.claim_simulation): how often the quasi-experimental rule claims a good
  indication or stronger, beside ANCOVA alone (the rule before issue 24) and
  difference-in-differences alone;
* under the null with the other mechanism of Lord's paradox: at each site the participants
  with the lowest observed baseline (plus noise) join the intervention group, so their
  scores regress to the mean and difference-in-differences is biased while ANCOVA is not;
* with balanced groups and a true effect of 0.2, 0.35 and 0.5 SD: how often a randomised
  design (ANCOVA) and a quasi-experimental one (balance + ANCOVA + DiD) claim it.

``--evaluate N`` (default 200) also runs N null and N power programmes of the suite's size
through analysis.evaluate() itself and counts its claims, as a check that evaluate reaches
the vectorised rule's verdict. Prints percentages and writes bench/results/claims.json.
With 20,000 programmes the Monte Carlo SE of a rate near 5% is 0.15 percentage points.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import ScaleInfo, evaluate  # noqa: E402
from analysis.claim_simulation import (  # noqa: E402
    SimulatedProgrammes,
    claim_verdicts,
    simulate_programmes,
)
from analysis.claims import comparison_verdicts  # noqa: E402
from analysis.groups import comparison_table  # noqa: E402

SIZES = {"5 sites x 30 per group": (5, 30), "4 sites x 15 per group": (4, 15)}
IMBALANCE = ((0.3, 1.0), (0.3, 0.5), (0.5, 0.8), (0.8, 1.0))
EFFECTS = (0.2, 0.35, 0.5)
CHUNK = 2000  # programmes simulated at once (memory stays below ~100 MB)


def select_on_baseline(programmes: SimulatedProgrammes, rng, noise: float):
    """The same people, the low scorers at baseline (plus noise) in the intervention group."""
    per_site = programmes.programme * programmes.sites + programmes.site
    rank_key = programmes.pre + rng.normal(0, noise, programmes.pre.size)
    order = np.lexsort((rank_key, per_site))
    size = np.bincount(per_site)
    start = np.r_[0, np.cumsum(size)[:-1]]
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size) - np.repeat(start, size)
    return dataclasses.replace(programmes, treated=rank < size[per_site] // 2)


def rates(n: int, seed: int, *, selection: float | None = None, **settings) -> dict[str, float]:
    """Share of programmes each rule calls a good indication or stronger."""
    counts = {"quasi_experimental": 0, "ancova_alone": 0, "did_alone": 0}
    rng = np.random.default_rng(seed)
    for start in range(0, n, CHUNK):
        programmes = simulate_programmes(rng, min(CHUNK, n - start), **settings)
        if selection is not None:
            programmes = select_on_baseline(programmes, rng, selection)
        table = comparison_table(
            programmes.pre, programmes.post, programmes.treated, programmes.programme,
            programmes.n_programmes, absorb=programmes.site,
        )  # fmt: skip
        good = np.ones(programmes.n_programmes)
        for name, design in (("quasi_experimental", "pre_post_comparison"),
                             ("ancova_alone", "randomised")):  # fmt: skip
            verdict = comparison_verdicts(
                design, good, table["ancova_effect"], table["ancova_p"], table["did"],
                table["did_p"], table["baseline_d"], 0.05,
            )  # fmt: skip
            counts[name] += int((verdict == "supports").sum())
        counts["did_alone"] += int(((table["did_p"] < 0.05) & (table["did"] > 0)).sum())
    return {name: count / n for name, count in counts.items()}


def through_evaluate(n: int, seed: int) -> dict[str, float]:
    """Claims of evaluate() itself on null (quasi) and effect (randomised) programmes."""
    info = {"scale": ScaleInfo("Scale", True, 1.0, 0.75)}
    rng = np.random.default_rng(seed)
    found = {}
    for name, design, settings in (
        ("null_quasi_experimental", "pre_post_comparison", {"imbalance": (0.3, 1.0)}),
        ("effect_0.5_randomised", "randomised", {"effect": 0.5}),
    ):
        programmes = simulate_programmes(rng, n, **settings)
        expected = claim_verdicts(programmes, design) == "supports"
        claimed = np.zeros(n, dtype=bool)
        for i in range(n):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = evaluate(programmes.scores(i), design, info, mixed=False)
            claimed[i] = result.claim.level in ("good_indication", "strong_indication")
        found[name] = float(claimed.mean())
        found[name + "_agrees_with_rule"] = float((claimed == expected).mean())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programmes", type=int, default=20_000)
    parser.add_argument("--evaluate", type=int, default=200)
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict = {"programmes_per_cell": args.programmes, "seed": args.seed, "null": [],
                     "power": []}  # fmt: skip
    print(f"{args.programmes} programmes per cell; a good indication or stronger, in %\n")
    print("NULL (no effect, parallel trends), reliability .6-.9")
    print(f"{'size':<24} {'imbalance SD':<13} {'quasi rule':>10} {'ANCOVA':>8} {'DiD':>8}")
    for s, (size, (sites, per_group)) in enumerate(SIZES.items()):
        for i, band in enumerate(IMBALANCE):
            found = rates(
                args.programmes, args.seed + 100 * s + i, sites=sites, per_group=per_group,
                imbalance=band, reliability=(0.6, 0.9),
            )  # fmt: skip
            results["null"].append({"size": size, "imbalance": band, **found})
            print(
                f"{size:<24} {band[0]:.1f}-{band[1]:.1f}{'':<6} "
                f"{100 * found['quasi_experimental']:>10.2f} {100 * found['ancova_alone']:>8.2f} "
                f"{100 * found['did_alone']:>8.2f}"
            )
    print("\nNULL, SELECTION ON THE OBSERVED BASELINE (regression to the mean), reliability .6-.9")
    print(f"{'size':<24} {'rank noise':<13} {'quasi rule':>10} {'ANCOVA':>8} {'DiD':>8}")
    results["null_selected"] = []
    for s, (size, (sites, per_group)) in enumerate(SIZES.items()):
        for i, noise in enumerate((0.5, 1.0, 2.0)):
            found = rates(
                args.programmes, args.seed + 500 + 100 * s + i, sites=sites,
                per_group=per_group, reliability=(0.6, 0.9), selection=noise,
            )  # fmt: skip
            results["null_selected"].append({"size": size, "rank_noise": noise, **found})
            print(
                f"{size:<24} {noise:<13.1f} {100 * found['quasi_experimental']:>10.2f} "
                f"{100 * found['ancova_alone']:>8.2f} {100 * found['did_alone']:>8.2f}"
            )
    print("\nPOWER (balanced groups, true effect), reliability .6-.9")
    print(f"{'size':<24} {'effect SD':<10} {'randomised':>10} {'quasi rule':>10}")
    for s, (size, (sites, per_group)) in enumerate(SIZES.items()):
        for i, effect in enumerate(EFFECTS):
            rng_seed = args.seed + 1000 + 100 * s + i
            found = rates(args.programmes, rng_seed, sites=sites, per_group=per_group,
                          effect=effect)  # fmt: skip
            row = {"size": size, "effect": effect, "randomised": found["ancova_alone"],
                   "quasi_experimental": found["quasi_experimental"]}  # fmt: skip
            results["power"].append(row)
            print(
                f"{size:<24} {effect:<10.2f} {100 * row['randomised']:>10.2f} "
                f"{100 * row['quasi_experimental']:>10.2f}"
            )
    if args.evaluate:
        found = through_evaluate(args.evaluate, args.seed + 5000)
        results["through_evaluate"] = {"programmes": args.evaluate, **found}
        print(f"\nTHROUGH evaluate() ({args.evaluate} programmes each, 5 sites x 30 per group)")
        for name, value in found.items():
            print(f"  {name:<45} {100 * value:6.2f}")
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["python"] = platform.python_version()
    out = ROOT / "bench" / "results" / "claims.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\n{results['seconds']} s; written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
