"""The printed report: one row per scenario with its target, the ratios, the scaling."""

import os
import statistics
from dataclasses import dataclass, replace

P95_TARGET_MS = 50
LIST_VS_WAGTAIL_TARGET = 3.0
CACHED_VS_FLOOR_TARGET = 0.7
# "Well below linear": latency may grow by at most a tenth of the data's growth factor.
SCALING_SHARE = 0.1


@dataclass
class Outcome:
    """A scenario's figures (over its rounds: the median of each), or why it could not
    run; `spread` is the range of its rounds' p95, when there were several."""

    key: str
    name: str
    figures: object = None
    missing: str = ""
    spread: tuple = ()

    @classmethod
    def of_rounds(cls, outcomes):
        """One outcome from a scenario's rounds: each figure the median of the rounds',
        missing if any round failed."""
        first = outcomes[0]
        failed = next((outcome for outcome in outcomes if outcome.figures is None), None)
        if failed is not None:
            return failed
        if len(outcomes) == 1:
            return first
        figures = [outcome.figures for outcome in outcomes]
        median = {
            name: statistics.median(getattr(each, name) for each in figures)
            for name in ("requests_per_second", "p50_ms", "p95_ms", "p99_ms")
        }
        p95s = [each.p95_ms for each in figures]
        return cls(
            first.key,
            first.name,
            figures=replace(
                figures[0],
                **median,
                requests=sum(each.requests for each in figures),
                errors=sum(each.errors for each in figures),
            ),
            spread=(min(p95s), max(p95s)),
        )


def _ratio(numerator, denominator):
    if not (numerator and numerator.figures and denominator and denominator.figures):
        return None
    return numerator.figures.requests_per_second / denominator.figures.requests_per_second


def _verdict(passed):
    return "pass" if passed else "FAIL"


def _target(outcome, by_key):
    """(target text, verdict or '') for one row."""
    if outcome.key in ("a", "b", "c", "d", "e"):
        text = f"p95 ≤ {P95_TARGET_MS} ms"
        passed = outcome.figures.p95_ms <= P95_TARGET_MS
        if outcome.key == "a":
            ratio = _ratio(outcome, by_key.get("g"))
            text += f", ≥ {LIST_VS_WAGTAIL_TARGET:g}× (g)"
            passed = passed and ratio is not None and ratio >= LIST_VS_WAGTAIL_TARGET
        return text, _verdict(passed)
    if outcome.key in ("f", "f2"):
        ratio = _ratio(outcome, by_key.get("h"))
        return (
            f"≥ {CACHED_VS_FLOOR_TARGET:.0%} of (h)",
            _verdict(ratio is not None and ratio >= CACHED_VS_FLOOR_TARGET),
        )
    return "", ""


def format_report(config, outcomes, list_by_size, timings):
    by_key = {outcome.key: outcome for outcome in outcomes}
    lines = [
        f"make bench: {config.services:,} services, {config.organisations:,} organisations, "
        f"{config.actions:,} actions (Greek + English); gunicorn {config.worker_class} "
        f"{config.workers}×{config.threads}; wrk, {config.connections} clients, "
        f"{config.duration} s per scenario after {config.warmup} s warm-up, "
        f"{config.rounds} round{'s' if config.rounds > 1 else ''}",
        "",
        f"{'scenario':<44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  "
        f"{'target':<26} result",
    ]
    for outcome in outcomes:
        label = f"({outcome.key}) {outcome.name}"
        if outcome.figures is None:
            lines.append(f"{label:<44} {'missing: ' + outcome.missing}")
            continue
        figures = outcome.figures
        target, verdict = _target(outcome, by_key)
        errors = f"  ({figures.errors} errors)" if figures.errors else ""
        lines.append(
            f"{label:<44} {figures.requests_per_second:>8.0f} {figures.p50_ms:>8.1f} "
            f"{figures.p95_ms:>8.1f} {figures.p99_ms:>8.1f}  {target:<26} {verdict}{errors}"
        )
    lines.append("")
    for numerator, denominator, target in (
        ("a", "g", LIST_VS_WAGTAIL_TARGET),
        ("f", "h", CACHED_VS_FLOOR_TARGET),
        ("f2", "h", CACHED_VS_FLOOR_TARGET),
    ):
        ratio = _ratio(by_key.get(numerator), by_key.get(denominator))
        shown = "n/a (a scenario is missing)" if ratio is None else f"{ratio:.2f}"
        lines.append(
            f"ratio ({numerator})/({denominator}) throughput: {shown} (target ≥ {target:g})"
        )
    spreads = [
        f"({outcome.key}) {outcome.spread[0]:.0f}–{outcome.spread[1]:.0f}"
        for outcome in outcomes
        if outcome.spread
    ]
    if spreads:
        lines.append(
            f"figures are medians of {config.rounds} rounds; p95 ms by round: " + ", ".join(spreads)
        )
    lines.append("")
    lines.append("list latency by size, scenario (a):")
    measured = {size: outcome for size, outcome in list_by_size.items() if outcome.figures}
    for size, outcome in list_by_size.items():
        figures = outcome.figures
        if figures:
            lines.append(
                f"  {size:>7,} services: p50 {figures.p50_ms:6.1f} ms, "
                f"p95 {figures.p95_ms:6.1f} ms, {figures.requests_per_second:6.0f} req/s"
            )
        else:
            lines.append(f"  {size:>7,} services: missing: {outcome.missing}")
    if len(measured) >= 2:
        smallest, largest = min(measured), max(measured)
        growth = measured[largest].figures.p50_ms / measured[smallest].figures.p50_ms
        data_growth = largest / smallest
        lines.append(
            f"  p50 grew {growth:.2f}× for {data_growth:.0f}× the data "
            f"(target ≤ {SCALING_SHARE * data_growth:.1f}×): "
            f"{_verdict(growth <= SCALING_SHARE * data_growth)}"
        )
    lines.append("")
    load = {name: timings.pop(name) for name in list(timings) if name.startswith("load")}
    lines.append(
        "timings: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    )
    lines.append(
        "machine: "
        + ", ".join(f"{name} {value:.1f}" for name, value in load.items())
        + f" ({os.cpu_count()} cores; other work on the machine inflates every figure)"
    )
    return "\n".join(lines)
