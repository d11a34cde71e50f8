"""Production refuses to start without its secrets; development runs with nothing set.

Each case starts a fresh interpreter with a controlled environment (nothing
inherited from the test run) and calls `django.setup()`, as a server would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-key-for-the-test",
    "ALLOWED_HOSTS": "accmr.example.org,www.accmr.example.org",
    "DATABASE_URL": "postgres://accmr:secret@db.example.org:5432/accmr",
}

# After setup, print what the settings resolved to (as JSON on the last line of stdout).
SETUP = """
import json
import django
django.setup()
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "engine": database["ENGINE"],
    "name": str(database["NAME"]),
    "host": database.get("HOST", ""),
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "secret_key_set": bool(settings.SECRET_KEY),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
}))
"""


def environment_for(settings_module, **environment):
    """Only `environment`, PATH and the settings module: nothing leaks in from this process."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": settings_module,
        **environment,
    }


def without(name):
    return {key: value for key, value in PRODUCTION.items() if key != name}


SQLITE_PATH = "/tmp/accmr-settings-test/other.sqlite3"

# Every start-up this module checks, by name: (settings module, environment).
CASES = {
    **{
        f"production-without-{name}": ("cms.settings.production", without(name))
        for name in PRODUCTION
    },
    "production-without-anything": ("cms.settings.production", {}),
    "production-blank-SECRET_KEY": (
        "cms.settings.production",
        {**PRODUCTION, "SECRET_KEY": "   "},
    ),
    "production-blank-ALLOWED_HOSTS": (
        "cms.settings.production",
        {**PRODUCTION, "ALLOWED_HOSTS": " , ,"},
    ),
    "production-sqlite": (
        "cms.settings.production",
        {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/accmr.sqlite3"},
    ),
    "production-complete": ("cms.settings.production", {**PRODUCTION, "DEBUG": "1"}),
    "dev": ("cms.settings.dev", {}),
    "dev-sqlite-path": ("cms.settings.dev", {"SQLITE_PATH": SQLITE_PATH}),
}


@pytest.fixture(scope="module")
def started():
    """Run every case's `django.setup()` at once: each interpreter takes a second to start."""
    processes = {
        name: subprocess.Popen(
            [sys.executable, "-c", SETUP],
            cwd=BASE_DIR,
            env=environment_for(settings_module, **environment),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (settings_module, environment) in CASES.items()
    }
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
    return results


def error_line(result):
    """The exception line of a failed start-up."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def resolved(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("missing", list(PRODUCTION))
def test_production_refuses_to_start_without_a_variable(started, missing):
    """Each of SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL is required, and named if absent."""
    result = started[f"production-without-{missing}"]

    assert result.returncode != 0
    line = error_line(result)
    assert line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert missing in line
    for given in without(missing):
        assert given not in line


def test_production_names_every_missing_variable(started):
    result = started["production-without-anything"]

    line = error_line(result)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in line
    for name in PRODUCTION:
        assert name in line


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_treats_blank_values_as_missing(started, name):
    """Whitespace, or a list of empty items, does not count as a value."""
    result = started[f"production-blank-{name}"]

    assert result.returncode != 0
    assert name in error_line(result)


def test_production_refuses_a_database_other_than_postgres(started):
    result = started["production-sqlite"]

    assert result.returncode != 0
    line = error_line(result)
    assert "ImproperlyConfigured" in line
    assert "DATABASE_URL" in line


def test_production_starts_with_everything_given(started):
    """With all three variables (a PostgreSQL URL), production starts, secure and on PostgreSQL.

    DEBUG=1 is in that environment too: production ignores it.
    """
    settings = resolved(started["production-complete"])

    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["host"] == "db.example.org"
    assert settings["name"] == "accmr"
    assert settings["debug"] is False
    assert settings["allowed_hosts"] == ["accmr.example.org", "www.accmr.example.org"]
    assert settings["secret_key_set"] is True
    assert settings["ssl_redirect"] is True


def test_dev_runs_on_sqlite_without_database_url(started):
    """The embedded default: nothing set, SQLite under var/, debug on, a dev key."""
    settings = resolved(started["dev"])

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert settings["debug"] is True
    assert settings["secret_key_set"] is True
    assert "localhost" in settings["allowed_hosts"]


def test_dev_sqlite_path_can_be_moved(started):
    settings = resolved(started["dev-sqlite-path"])

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == SQLITE_PATH
