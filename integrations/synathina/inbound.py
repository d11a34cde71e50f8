"""Requests synAthina sends to ACCMR: signed as ACCMR signs its own notifications
(contract A.4), with synAthina's header names, and carrying an `Idempotency-Key`.

`SignedBySynathina` is the operation's ninja `auth`, so it runs before the body is
parsed: an unsigned request learns nothing about what a valid body looks like. It
answers 503 while `SYNATHINA_INBOUND_SECRET` is unset (nothing can be verified:
synAthina should retry later, not believe its secret is wrong), 401 for a missing or
bad signature or a timestamp more than five minutes off either way, then 400 for a
missing or overlong idempotency key.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security.base import AuthBase

from cms.api.abuse import VALIDATION_ERROR
from cms.api.problems import Problem

from .client import sign

TIMESTAMP_HEADER = "X-Synathina-Timestamp"
SIGNATURE_HEADER = "X-Synathina-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_CLOCK_SKEW_SECONDS = 5 * 60
TIMESTAMP_DIGITS = 12  # unix seconds until the year 33658
MAX_IDEMPOTENCY_KEY_LENGTH = 255


@dataclass(frozen=True)
class SignedRequest:
    """What the checks established about a request: its idempotency key."""

    idempotency_key: str


def _header(request, name):
    return request.headers.get(name, "")


def body_hash(body):
    """SHA-256 of the JSON body in canonical form (keys sorted, no spaces): the same
    document, however serialised, is the same body. `body` must be valid JSON."""
    canonical = json.dumps(
        json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify_signature(request, secret, now=None):
    """Whether the request's timestamp is fresh and its signature is the body's."""
    timestamp = _header(request, TIMESTAMP_HEADER)
    # Bounded before `int`: Python refuses to convert thousands of digits (a 500).
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= TIMESTAMP_DIGITS):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return False
    expected = sign(secret, timestamp, request.body)
    return hmac.compare_digest(_header(request, SIGNATURE_HEADER).encode(), expected.encode())


class SignedBySynathina(AuthBase):
    """ninja auth: a request signed with `SYNATHINA_INBOUND_SECRET` (see the module)."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = SIGNATURE_HEADER
    openapi_description = (
        "`sha256=<hex HMAC-SHA256(secret, X-Synathina-Timestamp + '.' + raw body)>`, with "
        "`X-Synathina-Timestamp` the unix time in seconds, at most 5 minutes off."
    )

    def __call__(self, request):
        secret = settings.SYNATHINA_INBOUND_SECRET
        if not secret:
            raise Problem(
                503,
                _("Requests from synAthina are not accepted yet."),
                detail=_("The shared secret is not configured: try again later."),
                problem_type="not-configured",
            )
        if not verify_signature(request, secret):
            raise Problem(
                401,
                _("The request's signature or timestamp is not valid."),
                problem_type="unauthorized",
            )
        key = _header(request, IDEMPOTENCY_HEADER).strip()
        if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            message = (
                _("Send an Idempotency-Key header.")
                if not key
                else _("At most %(max)d characters.") % {"max": MAX_IDEMPOTENCY_KEY_LENGTH}
            )
            raise Problem(
                400,
                _("The request has invalid headers."),
                errors=[{"field": IDEMPOTENCY_HEADER, "message": message}],
                problem_type=VALIDATION_ERROR,
            )
        return SignedRequest(idempotency_key=key)
