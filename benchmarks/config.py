"""What `make bench` runs, from the environment (README's table lists these variables)."""

import os
from dataclasses import dataclass


def _int(name, default):
    return int(os.environ.get(name, "").strip() or default)


def _ints(name, default):
    text = os.environ.get(name, "").strip() or default
    return sorted({int(part) for part in text.split(",") if part.strip()})


@dataclass(frozen=True)
class BenchConfig:
    services: int
    organisations: int
    actions: int
    sizes: list
    duration: int
    warmup: int
    rounds: int
    connections: int
    workers: int
    threads: int
    port: int
    scenarios: frozenset  # keys to run, e.g. {"a", "h"}; empty: all of them
    reuse_database: bool

    @property
    def worker_class(self):
        """Sync workers (one request at a time) unless threads are asked for."""
        return "sync" if self.threads == 1 else "gthread"

    @classmethod
    def from_environment(cls):
        services = _int("BENCH_SERVICES", 10_000)
        return cls(
            services=services,
            organisations=_int("BENCH_ORGANISATIONS", 1_000),
            actions=_int("BENCH_ACTIONS", 3_000),
            # The full run happens at `services`; the list is also timed at these sizes.
            sizes=sorted({*_ints("BENCH_SIZES", "1000,10000,50000"), services}),
            duration=_int("BENCH_DURATION", 10),
            warmup=_int("BENCH_WARMUP", 2),
            # Every scenario this many times, round after round; medians are reported.
            rounds=max(1, _int("BENCH_ROUNDS", 3)),
            connections=_int("BENCH_CONNECTIONS", 8),
            # Gunicorn's sync workers, two per core and one more (decision 92).
            workers=_int("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1),
            threads=_int("BENCH_THREADS", 1),
            port=_int("BENCH_PORT", 8765),
            scenarios=frozenset(
                key.strip().lower()
                for key in os.environ.get("BENCH_SCENARIOS", "").split(",")
                if key.strip()
            ),
            # Keep the database and the data already generated (iterating on one endpoint).
            reuse_database=os.environ.get("BENCH_REUSE_DATABASE", "") == "1",
        )
