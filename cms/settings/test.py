"""The test suite: PostgreSQL (the local server unless DATABASE_URL says otherwise)."""

import dj_database_url

from .base import *  # noqa: F403
from .base import DATABASE_URL

SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or "postgres://postgres@127.0.0.1:5432/accmr", conn_max_age=0
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Every request reads the shared content version: tests roll the database back between
# them, and a process-local copy would outlive the rollback.
API_CONTENT_VERSION_TTL = 0
