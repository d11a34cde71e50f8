"""A synAthina stand-in: a real HTTP server on loopback, in the test process.

It serves a public feed (`/actions.php?lang=el|en`) of the features a test gives it
(`serve_feed`; `feed_feature` builds one in synAthina's shape), with faults on demand
for the next N requests (`feed_fault`: a status, `malformed` JSON, a `truncated` body,
`hang`, `reset`, `slow` by some seconds).

It receives ACCMR's change notifications as synAthina would: it checks the signature
and the timestamp, accepts each `event_id` once (a repeat is answered 200 but recorded
as a duplicate) and records everything it saw. Faults are injected on demand, for the
next N webhook requests: `fail(status)`, `delay(seconds)` (answer late), `hang()` (accept
then never answer: a timeout), `reset()` (close the connection without an answer), and
`accept_then_*` variants that record the notification before misbehaving, as a receiver
that committed but whose answer was lost.

It also sends, as synAthina does, supporters' offers of help to ACCMR
(`send_support_offer`): signed with the inbound secret, over real HTTP.
"""

import hashlib
import hmac
import html
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

WEBHOOK_PATH = "/accmr/webhook"
MAX_CLOCK_SKEW_SECONDS = 300


def signature(secret, timestamp, body):
    """`sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`, written from the contract
    (not ACCMR's own code), so that a mistake there cannot hide itself."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass
class Received:
    """One webhook request as the stand-in saw it."""

    body: bytes
    headers: dict
    signature_valid: bool
    payload: dict | None
    outcome: str  # accepted, duplicate, rejected, or the fault injected
    at: float = field(default_factory=time.monotonic)


def feed_feature(action_id, *, language="el", position=0, **fields):
    """One feature (occurrence) of synAthina's `actions.php` feed, in its exact shape:
    latitude first, naive Athens times, HTML-escaped text, `team_id` a string. `fields`
    override any key; text given here is escaped as synAthina's PHP would."""
    feature = {
        "type": "Point",
        "object_constructor": "Activity",
        "coordinates": [37.975527, 23.734547],
        "id": position,
        "action_id": action_id,
        "is_featured": False,
        "slug": f"action-{action_id}",
        "url": f"https://www.synathina.gr/{language}/actions/action/{action_id}.html",
        "team_url": f"https://www.synathina.gr/{language}/teams/team/{action_id % 97}.html",
        "category_id": [12],
        "category_name": "ΜΕΤΑΝΑΣΤΕΣ &amp; ΠΡΟΣΦΥΓΕΣ",
        "team_id": str(action_id % 97),
        "team_name": f"Team {action_id % 97}" if language == "en" else f"Ομάδα {action_id % 97}",
        "team_members": "<span style='font-size:28px'>1</span><br />μέλος",
        "address": "Plateia Syntagmatos" if language == "en" else "Πλατεία Συντάγματος",
        "sponsor_title": "",
        "date": "2026-12-05 18:00:00",
        "date_end": "2026-12-05 21:00:00",
        "dates": "05-12-2026, 18:00 - 21:00",
        "title": f"Action {action_id}" if language == "en" else f"Δράση {action_id}",
        "content": "Greek lessons" if language == "en" else "Μαθήματα ελληνικών",
        "content_img": f"https://www.synathina.gr/images/actions/main_images/{action_id}.jpg",
        "logo": "",
        "logo_sponsor": "",
        "logo_team": "",
    }
    for name, value in fields.items():
        feature[name] = html.escape(value) if isinstance(value, str) and name in ESCAPED else value
    return feature


ESCAPED = {"title", "content", "address", "team_name", "category_name"}


class Fault:
    def __init__(self, kind, *, status=None, seconds=0.0, record_first=False, language=None):
        self.kind = kind
        self.language = language
        self.status = status
        self.seconds = seconds
        self.record_first = record_first


class StandIn:
    def __init__(self, secret):
        self.secret = secret
        self.requests = []
        self.accepted_event_ids = []
        self._faults = []
        self._feed_faults = []
        self.feeds = {}
        self.feed_requests = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                stand_in._handle(self)

            def do_GET(self):
                stand_in._serve_feed(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle -------------------------------------------------------------------

    @property
    def webhook_url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{WEBHOOK_PATH}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    # --- faults ------------------------------------------------------------------------

    def _add(self, fault, times):
        with self._lock:
            self._faults.extend([fault] * times)

    def fail(self, status=503, times=1):
        self._add(Fault("fail", status=status), times)

    def delay(self, seconds, times=1):
        self._add(Fault("delay", seconds=seconds), times)

    def hang(self, times=1):
        self._add(Fault("hang"), times)

    def reset(self, times=1):
        self._add(Fault("reset"), times)

    def accept_then_hang(self, times=1):
        self._add(Fault("hang", record_first=True), times)

    def accept_then_reset(self, times=1):
        self._add(Fault("reset", record_first=True), times)

    def _next_fault(self):
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    # --- the public feed -----------------------------------------------------------

    @property
    def base_url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def serve_feed(self, language, features):
        self.feeds[language] = features

    def feed_fault(self, kind, *, status=None, seconds=0.0, language=None, times=1):
        """Misbehave on the next `times` feed requests (in `language` only, if given)."""
        fault = Fault(kind, status=status, seconds=seconds, language=language)
        with self._lock:
            self._feed_faults.extend([fault] * times)

    def _next_feed_fault(self, language):
        with self._lock:
            for position, fault in enumerate(self._feed_faults):
                if fault.language in (None, language):
                    return self._feed_faults.pop(position)
        return None

    def _serve_feed(self, handler):
        path, _query_mark, query = handler.path.partition("?")
        language = dict(part.partition("=")[::2] for part in query.split("&")).get("lang")
        with self._lock:
            self.feed_requests.append(language)
        if path != "/actions.php" or language not in self.feeds:
            return self._respond(handler, 404, {"error": "not found"})
        body = json.dumps({"type": "FeatureCollection", "features": self.feeds[language]})
        data = body.encode()
        fault = self._next_feed_fault(language)
        if fault is None:
            return self._send(handler, 200, data, len(data))
        if fault.kind == "fail":
            return self._respond(handler, fault.status, {"error": "injected"})
        if fault.kind == "malformed":
            # Assembled by string concatenation, as synAthina's is: a stray comma breaks it.
            broken = data.replace(b"}]", b"},]", 1) if b"}]" in data else b'{"features": [,]}'
            return self._send(handler, 200, broken, len(broken))
        if fault.kind == "truncated":
            handler.close_connection = True
            return self._send(handler, 200, data[: len(data) // 2], len(data))
        if fault.kind == "hang":
            self._release.wait()
            return None
        if fault.kind == "reset":
            return self._reset(handler)
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return self._send(handler, 200, data, len(data))
        raise AssertionError(f"unknown feed fault {fault.kind}")

    # --- what was received ---------------------------------------------------------

    def outcomes(self):
        with self._lock:
            return [received.outcome for received in self.requests]

    def wait_for(self, predicate, timeout):
        """Poll until `predicate(self)` is true; raise AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return
            time.sleep(0.05)
        raise AssertionError(f"stand-in: condition not met in {timeout}s: {self.outcomes()}")

    # --- the webhook ---------------------------------------------------------------

    def _verify(self, headers, body):
        timestamp = headers.get("X-ACCMR-Timestamp", "")
        presented = headers.get("X-ACCMR-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            return False
        return hmac.compare_digest(presented, signature(self.secret, timestamp, body))

    def _accept(self, payload):
        """Record `event_id` once: 'accepted' the first time, 'duplicate' after."""
        with self._lock:
            if payload["event_id"] in self.accepted_event_ids:
                return "duplicate"
            self.accepted_event_ids.append(payload["event_id"])
            return "accepted"

    def _record(self, received):
        with self._lock:
            self.requests.append(received)

    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        headers = dict(handler.headers.items())
        valid = self._verify(headers, body)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if handler.path != WEBHOOK_PATH or not valid or not isinstance(payload, dict):
            self._record(Received(body, headers, valid, payload, "rejected"))
            return self._respond(handler, 401, {"error": "bad signature or body"})
        fault = self._next_fault()
        if fault is None or fault.record_first:
            outcome = self._accept(payload)
            if fault is None:
                self._record(Received(body, headers, valid, payload, outcome))
                return self._respond(handler, 200, {"status": outcome})
        self._record(Received(body, headers, valid, payload, f"fault:{fault.kind}"))
        if fault.kind == "fail":
            return self._respond(handler, fault.status, {"error": "injected"})
        if fault.kind == "delay":
            time.sleep(fault.seconds)
            outcome = self._accept(payload)
            return self._respond(handler, 200, {"status": outcome})
        if fault.kind == "hang":
            self._release.wait()
            return None
        if fault.kind == "reset":
            return self._reset(handler)
        raise AssertionError(f"unknown fault {fault.kind}")

    @staticmethod
    def _reset(handler):
        # SO_LINGER 0: close with an RST, as a crashed or killed peer would.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True

    @classmethod
    def _respond(cls, handler, status, body):
        data = json.dumps(body).encode()
        cls._send(handler, status, data, len(data))

    @staticmethod
    def _send(handler, status, data, declared_length):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(declared_length))
        handler.end_headers()
        handler.wfile.write(data)

    # --- support offers, sent to ACCMR ---------------------------------------------------

    def send_support_offer(self, url, offer, *, secret, idempotency_key, timestamp=None):
        """POST `offer` (a dict, or bytes sent as they are) to ACCMR's `url` as synAthina
        does: signed with `secret` at `timestamp` (now by default), with the key. Returns
        the `requests.Response`."""
        body = offer if isinstance(offer, bytes) else json.dumps(offer).encode()
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        return requests.post(
            url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Synathina-Timestamp": timestamp,
                "X-Synathina-Signature": signature(secret, timestamp, body),
                "Idempotency-Key": idempotency_key,
            },
            timeout=10,
        )
