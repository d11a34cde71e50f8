"""The server under test (gunicorn, bench settings) and the load generator (wrk)."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_paths.lua"
WRK_MARKER = "WRK_JSON "


class SlowScenario(Exception):
    """Not one answer came back during the run."""


@dataclass(frozen=True)
class Figures:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int


class Server:
    """gunicorn serving the app with the bench settings, for the duration of a `with`."""

    def __init__(self, config):
        self.config = config
        self.base_url = f"http://127.0.0.1:{config.port}"
        self.process = None

    def __enter__(self):
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "cms.wsgi:application",
            f"--bind=127.0.0.1:{self.config.port}",
            f"--worker-class={self.config.worker_class}",
            f"--workers={self.config.workers}",
            f"--threads={self.config.threads}",
            "--no-control-socket",
            "--log-level=warning",
        ]
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.bench"}
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start (see its output above)")
            try:
                urllib.request.urlopen(f"{self.base_url}/bench/floor", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def wait_until_idle(self, *, timeout=120):
        """Wait until the floor answers at once: requests a slow scenario left queued in
        gunicorn must not be counted against the next one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            start = time.monotonic()
            urllib.request.urlopen(f"{self.base_url}/bench/floor", timeout=timeout).read()
            if time.monotonic() - start < 0.05:
                return
        raise RuntimeError(f"the server was still busy after {timeout} s")

    def json(self, path):
        with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
            return json.loads(response.read())

    def etag(self, path):
        with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
            return response.headers.get("ETag")

    def probe(self, path, headers):
        """(status, short reason) of one request: is the endpoint there and working?"""
        request = urllib.request.Request(self.base_url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, _reason(error)


def _reason(error):
    """A problem's title and fields, or a word on what else came back."""
    if "json" not in error.headers.get("Content-Type", ""):
        return "(no such endpoint yet)" if error.code == 404 else error.reason
    problem = json.loads(error.read())
    reason = problem.get("title") or problem.get("message") or error.reason
    fields = [str(item.get("field")) for item in problem.get("errors", [])]
    return f"{reason} ({', '.join(fields)})" if fields else reason


def run_wrk(base_url, paths, headers, *, seconds, connections):
    """Load `paths` (cycled) for `seconds` with `connections` clients, each keeping its
    connection open where the server does."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as path_file:
        path_file.write("\n".join(paths))
    command = [
        "wrk",
        "--threads=1",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={WRK_SCRIPT}",
    ]
    for name, value in headers.items():
        command.append(f"--header={name}: {value}")
    command += [base_url, "--", path_file.name]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path_file.name)
    line = next(line for line in output.splitlines() if line.startswith(WRK_MARKER))
    raw = json.loads(line.removeprefix(WRK_MARKER))
    if not raw["requests"]:
        raise SlowScenario(f"no answer within {seconds} s")
    seconds_run = raw["duration_us"] / 1e6
    return Figures(
        requests_per_second=raw["requests"] / seconds_run,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        requests=raw["requests"],
        errors=raw["status_errors"] + raw["socket_errors"],
    )
