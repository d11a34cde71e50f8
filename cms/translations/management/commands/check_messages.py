"""Fail when locale/*/LC_MESSAGES/django.po no longer matches the code's strings.

makemessages runs on a temporary copy of the project, so the catalogues themselves are
never touched; the msgids of the copy's fresh catalogues are compared with the
committed ones (headers, line references and translations ignored).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CHECKED_LANGUAGES = ("el", "en")
# Not part of the interface: third-party code, local data, the test suite.
IGNORED = (".venv", "var", "tests", "node_modules")
COPY_IGNORED = (".git", ".venv", "var", "__pycache__", "*.pyc", "*.mo", ".ruff_cache")


def catalogue_path(root, language_code):
    return Path(root) / "locale" / language_code / "LC_MESSAGES" / "django.po"


def message_keys(path):
    """(context, msgid, plural) of every entry in use; empty when the file is missing."""
    if not path.exists():
        return set()
    return {
        (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def fresh_catalogues(project):
    """Run makemessages in a copy of `project`; returns the copy's root (to be removed)."""
    copy = Path(tempfile.mkdtemp(prefix="accmr-messages-")) / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(*COPY_IGNORED))
    command = [sys.executable, "manage.py", "makemessages", "--no-location", "-v0"]
    command += [f"--locale={code}" for code in CHECKED_LANGUAGES]
    command += [f"--ignore={pattern}" for pattern in IGNORED]
    environment = {**os.environ, "DATABASE_URL": "", "SQLITE_PATH": ":memory:"}
    result = subprocess.run(command, cwd=copy, env=environment, capture_output=True, text=True)
    if result.returncode:
        shutil.rmtree(copy.parent)
        raise CommandError(f"makemessages failed:\n{result.stderr}")
    return copy


def describe(key):
    context, msgid, plural = key
    text = repr(msgid) + (f" / {plural!r}" if plural else "")
    return f"{text} (context {context!r})" if context else text


class Command(BaseCommand):
    help = (
        "Fail if the interface catalogues (locale/el, locale/en) miss strings of the code or "
        "keep strings it no longer has. Fix with makemessages, then translate."
    )

    def handle(self, *args, **options):
        project = Path(settings.BASE_DIR)
        copy = fresh_catalogues(project)
        try:
            problems = []
            for code in CHECKED_LANGUAGES:
                expected = message_keys(catalogue_path(copy, code))
                committed = message_keys(catalogue_path(project, code))
                problems += [(code, "missing", key) for key in sorted(expected - committed)]
                problems += [(code, "no longer used", key) for key in sorted(committed - expected)]
        finally:
            shutil.rmtree(copy.parent)
        for code, problem, key in problems:
            self.stderr.write(f"locale/{code}: {problem}: {describe(key)}")
        if problems:
            raise CommandError(
                f"{len(problems)} catalogue entries out of date. Run: python manage.py "
                "makemessages -l el -l en --ignore=.venv --ignore=var --ignore=tests, "
                "translate the new strings, then `make messages`."
            )
        self.stdout.write("The catalogues are up to date with the code.")
