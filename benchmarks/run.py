"""`make bench`: build the dataset, serve it under gunicorn, load it with wrk, report.

Run through `python -m benchmarks` (`__main__.py` sets Django up first). Sizes,
durations and the server's shape come from BENCH_* variables (config.py). The database
(BENCH_DATABASE_URL, default `accmr_bench`) is dropped and rebuilt each run.
"""

import os
import shutil
import sys
import time
from contextlib import contextmanager, suppress

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from .config import BenchConfig
from .dataset import Sizes, ensure_dataset
from .load import Server, SlowScenario, run_wrk
from .report import Outcome, format_report
from .scenarios import RENDER, build_scenarios


@contextmanager
def timed(timings, name):
    start = time.monotonic()
    yield
    timings[name] = time.monotonic() - start
    print(f"… {name}: {timings[name]:.0f} s", flush=True)


def recreate_database(*, reuse):
    database = settings.DATABASES["default"]
    if "bench" not in database["NAME"]:
        sys.exit(f"Refusing to rebuild {database['NAME']!r}: its name must contain 'bench'.")
    with psycopg.connect(
        dbname="postgres",
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        autocommit=True,
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
        ).fetchone()
        if exists and reuse:
            return
        admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database["NAME"]}"')


def settle_database():
    """Vacuum, analyse and checkpoint what generating the data wrote (the read model is
    rebuilt every run), as a database in service has long since done: otherwise
    autovacuum and the checkpointer do it during the measurements, plans run without
    statistics and index-only scans visit the table (decision 83)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        # CHECKPOINT needs a superuser (or pg_checkpoint): without, the server does it later.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("CHECKPOINT")


def stage_sizes(config, services):
    """Organisations and actions grow with the services up to their configured sizes."""
    if services == config.services:
        return Sizes(services, config.organisations, config.actions)
    return Sizes(
        services,
        min(config.organisations, max(1, services // 10)),
        min(config.actions, services * 3 // 10),
    )


def measure(server, config, scenario, headers=None):
    """An Outcome for `scenario`, or why it is missing (the endpoint is not there yet)."""
    headers = scenario.headers if headers is None else headers
    status, reason = server.probe(scenario.paths[0], headers)
    if status not in (200, 304):
        return Outcome(
            scenario.key, scenario.name, missing=f"GET {scenario.paths[0]} → {status} {reason}"
        )
    common = {"base_url": server.base_url, "connections": config.connections}
    if config.warmup:
        with suppress(SlowScenario):  # a slow endpoint may not answer while warming up
            run_wrk(paths=scenario.paths, headers=headers, seconds=config.warmup, **common)
        server.wait_until_idle()
    try:
        figures = run_wrk(paths=scenario.paths, headers=headers, seconds=config.duration, **common)
    except SlowScenario as slow:
        return Outcome(scenario.key, scenario.name, missing=str(slow))
    finally:
        server.wait_until_idle()
    rate, p95 = figures.requests_per_second, figures.p95_ms
    print(f"    ({scenario.key}) {rate:.0f} req/s, p95 {p95:.1f} ms", flush=True)
    return Outcome(scenario.key, scenario.name, figures=figures)


def repeated(server, scenarios):
    """The repeated request: the first list request if the list exists, else a detail."""
    by_key = {scenario.key: scenario for scenario in scenarios}
    for candidate in (by_key["a"], by_key["e"]):
        if server.probe(candidate.paths[0], RENDER)[0] == 200:
            return candidate.paths[0]
    return by_key["e"].paths[0]


def verify_dataset(server, scenarios):
    """The API serves the generated English translations (not a fallback to Greek), and
    text search finds the generated words: otherwise (c) would time empty answers."""
    by_key = {scenario.key: scenario for scenario in scenarios}
    detail = by_key["e"].paths[0]
    body = server.json(f"{detail.split('?')[0]}?lang=en")
    if (body["language"], body["fallback"]) != ("en", False):
        sys.exit(f"The generated data is not served as expected: {detail} in English gave {body}")
    empty = [path for path in by_key["c"].paths if not server.json(path)["count"]]
    if empty:
        sys.exit(f"Text search finds none of the generated services for {', '.join(empty)}")


def run_rounds(server, config, scenarios):
    """Every scenario `config.rounds` times, round after round, so that a slow spell of
    the machine falls on one round of several scenarios rather than on every round of
    one (decision 84); each outcome then has the medians of its rounds."""
    rounds = {scenario.key: [] for scenario in scenarios}
    for number in range(1, config.rounds + 1):
        if config.rounds > 1:
            print(f"  round {number} of {config.rounds}", flush=True)
        for scenario in scenarios:
            rounds[scenario.key].append(measure(server, config, scenario))
    return [Outcome.of_rounds(outcomes) for outcomes in rounds.values()]


def run_all(server, config, scenarios):
    verify_dataset(server, scenarios)
    path = repeated(server, scenarios)
    etag = server.etag(path)
    chosen = []
    for scenario in scenarios:
        if config.scenarios and scenario.key not in config.scenarios:
            continue
        if scenario.key == "f":
            scenario.paths, scenario.name = [path], f"repeated {path.split('?')[0]}, cached"
        if scenario.key == "f2":
            scenario.paths = [path]
            scenario.headers = {"If-None-Match": etag} if etag else {}
        chosen.append(scenario)
    return run_rounds(server, config, chosen)


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install wrk` (make bench does it).")
    config = BenchConfig.from_environment()
    timings = {}
    with timed(timings, "database and taxonomies"):
        recreate_database(reuse=config.reuse_database)
        call_command("migrate", verbosity=0)
        call_command("load_taxonomies", verbosity=0)
    outcomes, list_by_size = [], {}
    timings["load average at start"] = os.getloadavg()[0]
    for services in config.sizes:
        with timed(timings, f"generating up to {services:,} services"):
            sizes = ensure_dataset(stage_sizes(config, services))
        print(f"    dataset: {sizes}", flush=True)
        with timed(timings, f"vacuum and checkpoint at {services:,} services"):
            settle_database()
        scenarios = build_scenarios()
        connections.close_all()
        with Server(config) as server:
            if services == config.services:
                with timed(timings, "scenarios (a) to (h)"):
                    outcomes = run_all(server, config, scenarios)
                for outcome in outcomes:
                    if outcome.key == "a":
                        list_by_size[services] = outcome
            elif not config.scenarios or "a" in config.scenarios:
                list_by_size[services] = run_rounds(server, config, scenarios[:1])[0]
    timings["load average at end"] = os.getloadavg()[0]
    print()
    print(format_report(config, outcomes, list_by_size, timings))
