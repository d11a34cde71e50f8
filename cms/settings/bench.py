"""`make bench`: production-like settings (DEBUG off) on the benchmark's own database.

The database is BENCH_DATABASE_URL (default `accmr_bench` on the local server), never
DATABASE_URL, so a benchmark cannot touch a developer's data. Plain HTTP on loopback:
no HTTPS redirect. The URLs add Wagtail's API v2 and a floor endpoint for comparison
(`benchmarks/urls.py`); normal settings never mount them.
"""

import dj_database_url

from .base import *  # noqa: F403
from .base import BENCH_DATABASE_URL, INSTALLED_APPS

DEBUG = False
SECRET_KEY = "bench-only-insecure-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Persistent connections, as production runs (one per gunicorn thread).
DATABASES = {"default": dj_database_url.parse(BENCH_DATABASE_URL, conn_max_age=600)}
ROOT_URLCONF = "benchmarks.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2", "rest_framework"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
