"""`make bench` reports the medians of its rounds, and how far the rounds were apart."""

from benchmarks.config import BenchConfig
from benchmarks.load import Figures
from benchmarks.report import Outcome, format_report


def rounds_of(*figures):
    return [Outcome("a", "services list", figures=Figures(*each, 1000, 0)) for each in figures]


def test_each_figure_is_the_median_of_the_rounds():
    outcome = Outcome.of_rounds(rounds_of((300, 20, 45, 80), (150, 40, 90, 200), (280, 22, 48, 70)))

    assert (
        outcome.figures.requests_per_second,
        outcome.figures.p50_ms,
        outcome.figures.p95_ms,
        outcome.figures.p99_ms,
    ) == (280, 22, 48, 80)
    assert outcome.figures.requests == 3000
    assert outcome.spread == (45, 90)


def test_a_failed_round_makes_the_scenario_missing():
    failed = Outcome("a", "services list", missing="GET /api/v1/services → 500")

    outcome = Outcome.of_rounds([*rounds_of((300, 20, 45, 80)), failed])

    assert outcome.figures is None
    assert outcome.missing == "GET /api/v1/services → 500"


def test_the_report_shows_the_spread_and_judges_the_median(monkeypatch):
    monkeypatch.setenv("BENCH_ROUNDS", "3")
    outcome = Outcome.of_rounds(rounds_of((300, 20, 45, 80), (150, 40, 90, 200), (280, 22, 48, 70)))

    report = format_report(BenchConfig.from_environment(), [outcome], {}, {})

    row = next(line for line in report.splitlines() if line.startswith("(a)"))
    assert row.split()[-1] == "FAIL"  # p95 48 ms passes, but (g) is missing for the ratio
    assert " 48.0 " in row
    assert "medians of 3 rounds; p95 ms by round: (a) 45–90" in report


def test_the_server_runs_sync_workers_unless_threads_are_asked_for(monkeypatch):
    """Two sync workers per core and one more (decision 92); threads switch to gthread."""
    monkeypatch.delenv("BENCH_WORKERS", raising=False)
    monkeypatch.delenv("BENCH_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    default = BenchConfig.from_environment()
    monkeypatch.setenv("BENCH_THREADS", "2")
    threaded = BenchConfig.from_environment()

    assert (default.worker_class, default.workers, default.threads) == ("sync", 5, 1)
    assert threaded.worker_class == "gthread"
    assert "gunicorn sync 5×1" in format_report(default, [], {}, {})
