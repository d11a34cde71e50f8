"""How long the real worker takes to deliver N queued notifications to the stand-in, and
how long a pull of a feed of N occurrences takes.

    .venv/bin/python -m integrations.synathina.benchmark [--count 1000] [--workers 1]
    .venv/bin/python -m integrations.synathina.benchmark --pull [--count 2000]

Creates a scratch PostgreSQL database on the server of `--server` (default: the local
one) and migrates it. Then either queues `--count` notifications with one delivery task
each, starts `--workers` real `db_worker` processes against the synAthina stand-in (the
test fake, a real HTTP server on loopback that verifies every signature) and prints the
time until all are delivered; or (`--pull`) serves a generated feed of `--count`
occurrences in both languages from the stand-in and times three pulls: the first (every
action created), a second with nothing changed, a third with a tenth of the actions
changed. The scratch database is dropped at the end; nothing else is touched.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "benchmark-secret"


def _admin_sql(server, statement):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def _environment(database_url, webhook_url, base_url=""):
    return {
        **os.environ,
        # Production settings: persistent database connections, as the worker runs there.
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": database_url,
        "SYNATHINA_ENABLED": "1",
        "SYNATHINA_WEBHOOK_URL": webhook_url,
        "SYNATHINA_WEBHOOK_SECRET": SECRET,
        "SYNATHINA_BASE_URL": base_url,
    }


def _migrated(server, stand_in):
    """A scratch database, migrated, with Django set up on it: its name."""
    name = f"accmr_bench_{uuid.uuid4().hex[:8]}"
    _admin_sql(server, f'CREATE DATABASE "{name}"')
    env = _environment(f"{server}/{name}", stand_in.webhook_url, stand_in.base_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    return name, env


def _drop(server, name):
    from django.db import connections

    connections.close_all()
    _admin_sql(server, f'DROP DATABASE IF EXISTS "{name}"')


def run(count, workers, server):
    sys.path.insert(0, str(PROJECT))
    from tests.integrations.synathina.standin import StandIn

    processes = []
    name = None
    try:
        with StandIn(SECRET) as stand_in:
            name, env = _migrated(server, stand_in)
            from django.utils import timezone

            from integrations.synathina.models import Notification
            from integrations.synathina.tasks import deliver_notification

            now = timezone.now()
            notifications = Notification.objects.bulk_create(
                Notification(event=Notification.Event.CHANGED, action_id=i, modified=now)
                for i in range(count)
            )
            for notification in notifications:
                deliver_notification.enqueue(notification.pk)
            started = time.monotonic()
            processes = [
                subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--interval", "0.1",
                     "--no-startup-delay", "--no-reload", "-v0"],
                    cwd=PROJECT,
                    env=env,
                )
                for _ in range(workers)
            ]  # fmt: skip
            pending = Notification.objects.exclude(status=Notification.Status.DELIVERED)
            while pending.exists():
                if any(process.poll() is not None for process in processes):
                    raise SystemExit("a worker stopped")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            accepted = len(stand_in.accepted_event_ids)
            duplicates = stand_in.outcomes().count("duplicate")
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        if name:
            _drop(server, name)
    print(
        f"{count} notifications delivered by {workers} worker(s) in {elapsed:.1f} s "
        f"({count / elapsed:.0f}/s, worker start-up included); "
        f"stand-in accepted {accepted}, duplicates {duplicates}."
    )


# Athens, roughly: generated occurrences are spread over this box (some fall outside the
# seven districts, as real ones do).
ATHENS_BOX = ((37.955, 38.025), (23.700, 23.780))
MAX_OCCURRENCES_PER_ACTION = 4


def generated_feed(count, seed=1):
    """`count` features in each language, actions of 1 to 4 occurrences, all in area 12."""
    import random

    from tests.integrations.synathina.standin import feed_feature

    rng = random.Random(seed)
    features = {"el": [], "en": []}
    action_id = 10000
    while len(features["el"]) < count:
        action_id += 1
        for number in range(
            min(rng.randint(1, MAX_OCCURRENCES_PER_ACTION), count - len(features["el"]))
        ):
            day = 1 + (action_id + number) % 28
            fields = {
                "coordinates": [
                    round(rng.uniform(*ATHENS_BOX[0]), 6),
                    round(rng.uniform(*ATHENS_BOX[1]), 6),
                ],
                "date": f"2027-02-{day:02d} 18:00:00",
                "date_end": f"2027-02-{day:02d} 21:00:00",
                "category_id": [12, rng.randint(1, 11)],
            }
            for language in features:
                position = len(features[language])
                features[language].append(
                    feed_feature(action_id, language=language, position=position, **fields)
                )
    return features


def run_pull(count, server):
    sys.path.insert(0, str(PROJECT))
    from tests.integrations.synathina.standin import StandIn

    name = None
    try:
        with StandIn(SECRET) as stand_in:
            name, _env = _migrated(server, stand_in)
            from integrations.synathina.pull import pull
            from pages.site_tree import ensure_site_tree
            from snippets.seed import install_taxonomies

            install_taxonomies()
            ensure_site_tree()
            features = generated_feed(count)
            for language, served in features.items():
                stand_in.serve_feed(language, served)
            timings = []
            for label in ("first pull", "unchanged", "a tenth changed"):
                if label == "a tenth changed":
                    changed = {f["action_id"] for f in features["el"][::10]}
                    for feature in features["el"]:
                        if feature["action_id"] in changed:
                            feature["title"] += " (αλλαγή)"
                started = time.monotonic()
                report = pull()
                elapsed = time.monotonic() - started
                if not report.ok:
                    raise SystemExit(f"pull failed: {report.error}")
                timings.append(
                    f"{label}: {elapsed:.1f} s (created {report.created}, updated "
                    f"{report.updated}, unchanged {report.unchanged})"
                )
    finally:
        if name:
            _drop(server, name)
    print(f"Pull of {count} occurrences per language: " + "; ".join(timings) + ".")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pull", action="store_true", help="Time a pull, not deliveries.")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    options = parser.parse_args()
    server = options.server.rstrip("/")
    if options.pull:
        run_pull(options.count or 2000, server)
    else:
        run(options.count or 1000, options.workers, server)


if __name__ == "__main__":
    main()
