"""How long the real worker takes to deliver N queued notifications to the stand-in.

    .venv/bin/python -m integrations.synathina.benchmark [--count 1000] [--workers 1]

Creates a scratch PostgreSQL database on the server of `--server` (default: the local
one), migrates it, queues `--count` notifications with one delivery task each, starts
`--workers` real `db_worker` processes against the synAthina stand-in (the test fake,
a real HTTP server on loopback that verifies every signature) and prints the time until
all are delivered. The scratch database is dropped at the end; nothing else is touched.
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


def _environment(database_url, webhook_url):
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
    }


def run(count, workers, server):
    sys.path.insert(0, str(PROJECT))
    from tests.integrations.synathina.standin import StandIn

    name = f"accmr_bench_{uuid.uuid4().hex[:8]}"
    database_url = f"{server}/{name}"
    _admin_sql(server, f'CREATE DATABASE "{name}"')
    processes = []
    try:
        with StandIn(SECRET) as stand_in:
            env = _environment(database_url, stand_in.webhook_url)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                cwd=PROJECT,
                env=env,
                check=True,
            )
            os.environ.update(env)
            import django

            django.setup()
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
        from django.db import connections

        connections.close_all()
        _admin_sql(server, f'DROP DATABASE IF EXISTS "{name}"')
    print(
        f"{count} notifications delivered by {workers} worker(s) in {elapsed:.1f} s "
        f"({count / elapsed:.0f}/s, worker start-up included); "
        f"stand-in accepted {accepted}, duplicates {duplicates}."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    options = parser.parse_args()
    run(options.count, options.workers, options.server.rstrip("/"))


if __name__ == "__main__":
    main()
