"""bench_submissions.py's output: the headline, the tables, the paced histograms, the results."""

from __future__ import annotations

import os

from bench.common import ROOT, print_table, write_results


def report(
    rows: list[dict],
    paced: list[dict],
    load: dict,
    *,
    seconds: int,
    clients: int,
    workers: int,
    threads: int,
) -> None:
    """The headline (evalsys as a share of the floor and of the bare endpoint), the table,
    the paced histograms and what their tails were made of; then the results file."""
    bare_before, _pgbench, floor, evalsys_row, bare_after, two = rows
    bare = (bare_before["per_second"] + bare_after["per_second"]) / 2
    cpu = {
        r["what"]: sum(r["cpu_ms_per_request"].values()) for r in rows if "cpu_ms_per_request" in r
    }
    ratios = {
        "of_floor": evalsys_row["per_second"] / floor["per_second"],
        "of_bare_stack": evalsys_row["per_second"] / bare,
        "floor_of_bare_stack": floor["per_second"] / bare,
        "of_floor_by_cpu": cpu[floor["what"]] / max(cpu[evalsys_row["what"]], 0.001),
    }
    if floor.get("non_2xx"):
        print(
            f"THE FLOOR ANSWERED {floor['non_2xx']} REQUESTS WITH AN ERROR: its rate means nothing"
        )
    print(
        f"\nHEADLINE: evalsys {evalsys_row['per_second']:,.0f} submissions/s = "
        f"{ratios['of_floor']:.0%} of the floor ({floor['per_second']:,.0f}/s) and "
        f"{ratios['of_bare_stack']:.0%} of the bare endpoint ({bare:,.0f}/s), same run; by CPU "
        f"per request {ratios['of_floor_by_cpu']:.0%} of the floor "
        f"({cpu[floor['what']]:.2f} against {cpu[evalsys_row['what']]:.2f} ms). "
        f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n"
    )
    columns = ["what", "per_second", "p50_ms", "p99_ms", "acknowledged", "stored", "lost"]
    print_table(rows, [*columns, "duplicated", "non_2xx"])
    for row in rows:
        if "cpu_ms_per_request" in row:
            parts = ", ".join(f"{k} {v}" for k, v in row["cpu_ms_per_request"].items())
            print(f"  CPU ms per request, {row['what'][:40]}: {parts}")
    print("\nPaced (open loop, latency from when each request was due):")
    columns = ["what", "per_second", "p50_ms", "p90_ms", "p99_ms", "p99.9_ms", "max_ms"]
    print_table(paced, [*columns, "non_2xx", "generator_lag_p99_ms"])
    for row in paced:
        print(f"  {row['what']}: histogram (ms) {row['histogram']}")
        print(f"    tail: {row['tail']}")
    print(
        f"\n{clients} clients, {seconds} s, gunicorn {workers} workers x {threads} threads, 10% "
        "retries of already-sent submission ids."
    )
    path = write_results(
        "submissions",
        {
            "seconds": seconds,
            "clients": clients,
            "workers": workers,
            "threads": threads,
            "rows": rows,
            "paced": paced,
            "ratios": ratios,
            "wrk_output": load["raw"],
        },
    )
    print(f"written to {path.relative_to(ROOT)}")
