"""Settings shared by every environment.

Every environment variable the project reads is read here, and only here; the
README's table lists them. Defaults are safe: DEBUG is off and there is no
secret key unless the environment (or the dev settings) provides one.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env_str(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in env_str(name).split(",") if item.strip()]


# --- Environment -----------------------------------------------------------

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = env_str("DATABASE_URL")
SQLITE_PATH = Path(env_str("SQLITE_PATH") or BASE_DIR / "var" / "db.sqlite3")
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "var" / "media")
STATIC_ROOT = env_str("STATIC_ROOT") or str(BASE_DIR / "var" / "static")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL") or "http://127.0.0.1:8000"
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = int(env_str("EMAIL_PORT") or 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "ACCMR <no-reply@accmr.gr>"
DEMO_PASSWORD = env_str("DEMO_PASSWORD") or "accmr-demo"
# `make bench` only (cms/settings/bench.py): the database it rebuilds, never DATABASE_URL.
BENCH_DATABASE_URL = (
    env_str("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/accmr_bench"
)
DEEPL_AUTH_KEY = env_str("DEEPL_AUTH_KEY")

# --- Applications ----------------------------------------------------------

INSTALLED_APPS = [
    "cms",
    "cms.api",
    "cms.editorial",
    "cms.onboarding",
    "cms.search",
    "cms.translations",
    "cms.supporters",
    "pages",
    "snippets",
    "integrations.synathina",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early: a cached API answer skips sessions, authentication and the view.
    "cms.api.caching.APICacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    # The embedded default: one SQLite file, nothing to install.
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------

# On PostgreSQL tasks are rows in the database, run by `python manage.py db_worker` (a
# service next to the web processes); on the embedded SQLite default they run inline,
# right after the transaction that queued them commits, so nothing else is needed.
if DATABASE_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A cache in the database, shared by every web process (rate limits and the API's
# content version live here). A migration of `cms` creates its table.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "accmr_cache",
        # Past this many live entries Django drops a third of them: at its default (300)
        # a few hundred clients' rate-limit histories would be forgotten early.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}
# API answers are kept in each process's memory, keyed by the content version kept in
# the shared cache above (cms/api/caching.py, docs/performance.md): at most this many.
API_RESPONSE_CACHE_ENTRIES = 5000
# How long a server-side answer may be replayed at most, even with no content change
# (bounds anything that depends on the clock, such as deadlines).
API_RESPONSE_CACHE_SECONDS = 300
# How long a process reuses the shared content version it last read instead of asking
# the database on every request: a publish reaches other processes within this many
# seconds (the publishing process at once). 0: read it on every request.
API_CONTENT_VERSION_TTL = float(env_str("API_CONTENT_VERSION_TTL") or 2)
API_CACHED_PATHS = ("/api/v1/", "/api/hsds/")
# Apps whose models' changes invalidate API answers (besides every page).
API_CACHED_SNIPPET_APPS = ("snippets",)
# How long clients and shared caches may reuse an API answer without asking again.
API_CACHE_MAX_AGE = int(env_str("API_CACHE_MAX_AGE") or 60)

# --- Languages --------------------------------------------------------------

# The one list of languages: it feeds both the interface and the content locales.
# Greek is the source language of all content.
LANGUAGE_CODE = "el"
LANGUAGES = [
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
    ("fr", "Français"),
    ("uk", "Українська"),
    ("ur", "اردو"),
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
RTL_LANGUAGES = {"ar", "fa", "ur"}
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Athens"
USE_TZ = True

# --- Static and media -------------------------------------------------------

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
STATICFILES_DIRS = []

# --- Security (secure by default; dev and test loosen it) -------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail -------------------------------------------------------------------

if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Content reviews ----------------------------------------------------------

# `send_review_reminders` e-mails an organisation's editors about overdue services at
# most once in this many days, however often cron runs it.
REVIEW_REMINDER_INTERVAL_DAYS = int(env_str("REVIEW_REMINDER_INTERVAL_DAYS") or 30)
if REVIEW_REMINDER_INTERVAL_DAYS < 1:
    raise ImproperlyConfigured("REVIEW_REMINDER_INTERVAL_DAYS must be at least 1.")

# --- Wagtail ----------------------------------------------------------------

WAGTAIL_SITE_NAME = "ACCMR"
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
        },
    },
}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True

# Moderation (cms/editorial, docs/roles.md). A page edited while it awaits review needs
# approving again: approving an older revision restarts the review on the latest one
# instead of publishing changes nobody reviewed.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Submissions are e-mailed to the reviewers (the Coordinators group), not to every superuser.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# A new translation starts as a draft, even of a live page: it goes live through review.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# Machine translation in wagtail-localize's editor, only with a DeepL key (docs/translations.md).
# wagtail-localize picks DeepL's free endpoint for keys ending in ":fx", else the paid one.
if DEEPL_AUTH_KEY:
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        "OPTIONS": {"AUTH_KEY": DEEPL_AUTH_KEY},
    }

# Where editors see the platform's name in the admin.
WAGTAIL_SITE_DESCRIPTION = _("Athens Coordination Center for Migrant and Refugee issues")

# --- Onboarding -------------------------------------------------------------

# Organisations' applications (POST /api/v1/registrations/organisations): how many
# requests one client may make, as "count/period" with period s, m, h or d. Every
# request counts, valid or not.
REGISTRATION_RATE_LIMIT = env_str("REGISTRATION_RATE_LIMIT") or "10/h"
# How many reverse proxies stand in front of the app: rate limits key on the client
# address they report in X-Forwarded-For. 0 (the default) ignores that header, which
# a client could otherwise forge; behind one proxy (nginx, a load balancer) set 1.
NINJA_NUM_PROXIES = int(env_str("NUM_PROXIES") or 0)

# --- Supporters network (docs/supporters.md) ----------------------------------

# Supporters' sign-ups (POST /api/v1/supporters) one client may send, as for registrations.
SUPPORTER_SIGNUP_RATE_LIMIT = env_str("SUPPORTER_SIGNUP_RATE_LIMIT") or "10/h"
# The privacy notice sign-ups must have accepted: the version the public site shows.
SUPPORTER_PRIVACY_NOTICE_VERSION = env_str("SUPPORTER_PRIVACY_NOTICE_VERSION") or "1"
# --- synAthina (integrations/synathina, docs/integrations/synathina.md) ----------

# Off by default: no change notifications are recorded or sent and the client makes no
# requests. The partner feed (/api/v1/synathina/...) answers whenever a key is valid.
SYNATHINA_ENABLED = env_bool("SYNATHINA_ENABLED", default=False)
SYNATHINA_BASE_URL = env_str("SYNATHINA_BASE_URL") or "https://www.synathina.gr"
SYNATHINA_WEBHOOK_URL = env_str("SYNATHINA_WEBHOOK_URL")
SYNATHINA_WEBHOOK_SECRET = env_str("SYNATHINA_WEBHOOK_SECRET")
SYNATHINA_INBOUND_SECRET = env_str("SYNATHINA_INBOUND_SECRET")
# Seconds to connect and, separately, to wait for each read from synAthina.
SYNATHINA_TIMEOUT_SECONDS = float(env_str("SYNATHINA_TIMEOUT_SECONDS") or 10)
# A notification is dead-lettered after this many failed deliveries; between attempts
# the wait doubles from the base (with jitter) up to the maximum.
SYNATHINA_MAX_ATTEMPTS = int(env_str("SYNATHINA_MAX_ATTEMPTS") or 20)
SYNATHINA_RETRY_BASE_SECONDS = float(env_str("SYNATHINA_RETRY_BASE_SECONDS") or 30)
SYNATHINA_RETRY_MAX_SECONDS = float(env_str("SYNATHINA_RETRY_MAX_SECONDS") or 6 * 3600)
# How long a worker holds a notification it is delivering; one whose worker died is
# tried again after this. Must exceed the longest delivery (twice the timeout, at least).
SYNATHINA_DELIVERY_LEASE_SECONDS = float(env_str("SYNATHINA_DELIVERY_LEASE_SECONDS") or 120)
if SYNATHINA_ENABLED and not (SYNATHINA_WEBHOOK_URL and SYNATHINA_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "SYNATHINA_ENABLED needs SYNATHINA_WEBHOOK_URL and SYNATHINA_WEBHOOK_SECRET."
    )
if SYNATHINA_MAX_ATTEMPTS < 1 or SYNATHINA_RETRY_BASE_SECONDS <= 0:
    raise ImproperlyConfigured(
        "SYNATHINA_MAX_ATTEMPTS must be at least 1 and SYNATHINA_RETRY_BASE_SECONDS positive."
    )
if SYNATHINA_DELIVERY_LEASE_SECONDS < 2 * SYNATHINA_TIMEOUT_SECONDS:
    raise ImproperlyConfigured(
        "SYNATHINA_DELIVERY_LEASE_SECONDS must be at least twice SYNATHINA_TIMEOUT_SECONDS."
    )
