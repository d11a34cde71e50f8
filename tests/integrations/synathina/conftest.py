import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import Collection, Locale, Page

from integrations.synathina.models import PartnerApiKey
from pages.site_tree import ensure_site_tree
from snippets.seed import ensure_locales, install_taxonomies

from .standin import StandIn, feed_feature

PROJECT = Path(__file__).resolve().parents[3]
WEBHOOK_SECRET = "test-webhook-secret"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Short timings, so that retries and an expired lease take seconds in tests.
FAST_DELIVERY = {
    "SYNATHINA_TIMEOUT_SECONDS": 2,
    "SYNATHINA_DELIVERY_LEASE_SECONDS": 5,
    "SYNATHINA_RETRY_BASE_SECONDS": 0.2,
    "SYNATHINA_RETRY_MAX_SECONDS": 1,
    "SYNATHINA_MAX_ATTEMPTS": 10,
}


@pytest.fixture
def stand_in():
    with StandIn(WEBHOOK_SECRET) as server:
        yield server


def _configure(settings, stand_in, tasks):
    settings.SYNATHINA_ENABLED = True
    settings.SYNATHINA_WEBHOOK_URL = stand_in.webhook_url
    settings.SYNATHINA_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.TASKS = tasks
    for name, value in FAST_DELIVERY.items():
        setattr(settings, name, value)


@pytest.fixture
def notifying(settings, stand_in):
    """Notifications on, sent to the stand-in, delivered inline after each commit."""
    _configure(settings, stand_in, IMMEDIATE_TASKS)
    return stand_in


@pytest.fixture
def feed(settings, stand_in):
    """The connector on, reading the stand-in's feed (an empty one until a test serves)."""
    settings.SYNATHINA_ENABLED = True
    settings.SYNATHINA_BASE_URL = stand_in.base_url
    settings.SYNATHINA_WEBHOOK_URL = stand_in.webhook_url
    settings.SYNATHINA_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SYNATHINA_TIMEOUT_SECONDS = 0.5
    settings.TASKS = IMMEDIATE_TASKS
    return Feed(stand_in)


class Feed:
    """Serves actions in both languages: each Greek feature has an English twin."""

    def __init__(self, stand_in):
        self.stand_in = stand_in
        self.actions = {}

    def action(self, action_id, occurrences=({},), *, el=None, en=None, **common):
        """Put an action in the feed: `occurrences` are per-occurrence field overrides,
        `common` apply to all, `el`/`en` to one language's features."""
        features = {"el": [], "en": []}
        for number, occurrence in enumerate(occurrences):
            fields = {
                "date": f"2026-12-{5 + number:02d} 18:00:00",
                "date_end": f"2026-12-{5 + number:02d} 21:00:00",
                **common,
                **occurrence,
            }
            for language, own in (("el", el), ("en", en)):
                features[language].append(
                    feed_feature(action_id, language=language, **{**fields, **(own or {})})
                )
        self.actions[action_id] = features
        self.publish()

    def drop(self, action_id):
        del self.actions[action_id]
        self.publish()

    def publish(self):
        for language in ("el", "en"):
            features = [f for action in self.actions.values() for f in action[language]]
            for position, feature in enumerate(features):
                feature["id"] = position
            self.stand_in.serve_feed(language, features)


@pytest.fixture
def partner_key(db):
    _key, token = PartnerApiKey.issue("synAthina")
    return token


@pytest.fixture
def partner(client, partner_key):
    """The test client, sending a valid partner key."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {partner_key}"
    return client


# --- A real worker process -----------------------------------------------------------


def _database_url():
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """`python manage.py db_worker` on the test database, configured like the test."""

    def __init__(self, stand_in):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": _database_url(),
            "SYNATHINA_ENABLED": "1",
            "SYNATHINA_WEBHOOK_URL": stand_in.webhook_url,
            "SYNATHINA_WEBHOOK_SECRET": WEBHOOK_SECRET,
            **{name: str(value) for name, value in FAST_DELIVERY.items()},
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
                "-v0",
            ],
            cwd=PROJECT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def kill(self):
        """SIGKILL: no chance to finish or clean up, as after a crash or an OOM kill."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def manage(self, *args):
        """Run another management command with the worker's environment (as cron would)."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def _restore_seed():
    """A transactional test starts from what the previous one left: after its flush, not
    even the rows Wagtail's migrations make (the root page and collection, the locales)."""
    ensure_locales()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    install_taxonomies()
    ensure_site_tree()


@pytest.fixture(scope="module")
def seed_restored_after_flush(django_db_blocker):
    """After the module's last transactional test, leave the database as the session
    fixture made it, with Django's content-type cache warm again: tests without database
    access that build pages rely on both (the flush emptied the tables and the cache)."""
    yield
    with django_db_blocker.unblock():
        _restore_seed()
        ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def worker_factory(seed_restored_after_flush, transactional_db, settings, stand_in):
    """Start real workers (stopped at the end); the test process queues tasks in the
    database, as the web processes do."""
    _restore_seed()
    _configure(settings, stand_in, DATABASE_TASKS)
    workers = []

    def start():
        workers.append(Worker(stand_in).start())
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def wait_until(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(message)
