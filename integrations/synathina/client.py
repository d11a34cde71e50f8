"""The one client for synAthina: every request ACCMR makes to it goes through here.

Its own exceptions (never a bare `requests` error), timeouts on every request, and the
`SYNATHINA_ENABLED` switch: when off, no request leaves ACCMR.
"""

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings

SIGNATURE_HEADER = "X-ACCMR-Signature"
TIMESTAMP_HEADER = "X-ACCMR-Timestamp"
# A body shown in an error is cut to this many characters.
ERROR_BODY_LENGTH = 300


class SynathinaError(Exception):
    """synAthina could not be reached or did not accept a request."""


class SynathinaDisabled(SynathinaError):
    """The connector is switched off (`SYNATHINA_ENABLED`)."""


class SynathinaUnavailable(SynathinaError):
    """No usable answer: a timeout, a refused or reset connection."""


class SynathinaMalformed(SynathinaError):
    """synAthina answered 2xx with something that is not the document expected."""


class SynathinaRejected(SynathinaError):
    """synAthina answered, but not with a 2xx."""

    def __init__(self, status_code, body):
        self.status_code = status_code
        super().__init__(f"HTTP {status_code}: {body[:ERROR_BODY_LENGTH]}")


def sign(secret, timestamp, body):
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body), as the contract says."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class SynathinaClient:
    def __init__(self):
        self.enabled = settings.SYNATHINA_ENABLED
        self.base_url = settings.SYNATHINA_BASE_URL.rstrip("/")
        self.webhook_url = settings.SYNATHINA_WEBHOOK_URL
        self.webhook_secret = settings.SYNATHINA_WEBHOOK_SECRET
        self.timeout = settings.SYNATHINA_TIMEOUT_SECONDS
        self.session = requests.Session()

    def _request(self, method, url, **kwargs):
        if not self.enabled:
            raise SynathinaDisabled("The synAthina connector is switched off.")
        try:
            response = self.session.request(
                method, url, timeout=(self.timeout, self.timeout), **kwargs
            )
        except requests.RequestException as error:
            raise SynathinaUnavailable(f"{type(error).__name__}: {error}") from error
        if not 200 <= response.status_code < 300:
            raise SynathinaRejected(response.status_code, response.text)
        return response

    def send_notification(self, payload):
        """POST a change notification to the webhook, signed; raises a SynathinaError
        unless synAthina answers 2xx."""
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(int(time.time()))
        return self._request(
            "POST",
            self.webhook_url,
            data=body,
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(self.webhook_secret, timestamp, body),
            },
        )

    def fetch_feed(self, language):
        """The features of synAthina's public feed (`actions.php`) in `language` (el, en).

        Raises SynathinaMalformed unless the body is JSON with a `features` list (a body
        that fails to parse must never read as "no actions"); checking each feature is
        the caller's job, since one bad feature spoils only itself.
        """
        response = self._request("GET", f"{self.base_url}/actions.php", params={"lang": language})
        try:
            document = response.json()
        except ValueError as error:
            raise SynathinaMalformed(f"The {language} feed is not JSON: {error}") from error
        features = document.get("features") if isinstance(document, dict) else None
        if not isinstance(features, list):
            raise SynathinaMalformed(f"The {language} feed has no list of features.")
        return features
