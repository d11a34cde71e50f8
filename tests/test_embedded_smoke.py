"""The embedded path a newcomer takes: SQLite, no DATABASE_URL, a real server on loopback."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

PROJECT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory):
    """The environment of the embedded setup: no DATABASE_URL, a fresh SQLite file."""
    data_dir = tmp_path_factory.mktemp("embedded")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(SQLITE_PATH=str(data_dir / "db.sqlite3"), MEDIA_ROOT=str(data_dir / "media"))
    return env


@pytest.fixture(scope="module")
def embedded_server(embedded_env):
    """Migrate the SQLite file, load the demo content, serve it; yield the base URL."""
    env = embedded_env
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "load_demo")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                requests.get(base_url + "/admin/login/", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.smoke
def test_admin_login_page_is_served(embedded_server):
    """The admin's sign-in form answers on the embedded SQLite setup."""
    response = requests.get(embedded_server + "/admin/login/", timeout=10)
    assert response.status_code == 200
    assert 'name="password"' in response.text


@pytest.mark.smoke
def test_home_page_is_served_in_greek_and_english(embedded_server):
    """The site's home page is served, in Greek by default and in English under /en/."""
    greek = requests.get(embedded_server + "/", timeout=10)
    assert greek.status_code == 200
    assert greek.url.endswith("/el/")
    assert "Αρχική" in greek.text
    assert 'lang="el"' in greek.text
    english = requests.get(embedded_server + "/en/", timeout=10)
    assert english.status_code == 200
    assert "<h1>Home</h1>" in english.text


@pytest.mark.smoke
def test_an_unknown_page_is_a_404(embedded_server):
    """A wrong address is a plain 404, not a server error."""
    response = requests.get(embedded_server + "/el/no-such-page/", timeout=10)
    assert response.status_code == 404


@pytest.mark.smoke
def test_a_service_is_served_by_the_api(embedded_server, embedded_env):
    """The service detail's one query (arrays as JSON) runs on SQLite too."""
    service_id = _manage(
        embedded_env,
        "shell",
        "-c",
        "from pages.models import ServicePage; print(ServicePage.objects.live()"
        ".filter(locale__language_code='el', opening_hours__isnull=False)"
        ".values_list('pk', flat=True).first())",
    ).stdout.split()[-1]  # after the shell's own notice of what it imported

    greek = requests.get(f"{embedded_server}/api/v1/services/{service_id}", timeout=10)
    english = requests.get(f"{embedded_server}/api/v1/services/{service_id}?lang=en", timeout=10)

    assert greek.status_code == english.status_code == 200
    assert (greek.json()["language"], english.json()["language"]) == ("el", "en")
    assert greek.json()["categories"] and greek.json()["opening_hours"]
    assert greek.json()["opening_hours"][0]["opens"].count(":") == 2
