"""HTTP caching of the public API: conditional requests and a server-side response cache.

Every GET under `settings.API_CACHED_PATHS` goes through `APICacheMiddleware`:

- A successful answer carries a strong `ETag` (a hash of its body), `Last-Modified` (when
  published content last changed), `Cache-Control: public, max-age=API_CACHE_MAX_AGE` and
  `Vary: Accept-Language`; a request whose `If-None-Match` (or, without one,
  `If-Modified-Since`) matches gets a bodiless 304 with the same headers.
- Requests with an `Authorization` header are never cached (`private, no-store`): a
  credential may change the answer.
- Answers are kept in a response cache keyed by the *content version* and the request's
  identity (path, sorted query, negotiated language), so a repeated request skips the
  view. 200s and 404s are kept; other errors are never cached and say `no-store`.
- The content version is a shared token in Django's default cache (the database, so every
  web process sees it), dropped whenever a page is saved, published, unpublished, moved
  or deleted, a view restriction changes or a taxonomy term is edited. Bodies
  are kept in each process's memory (`AnswerStore`), under the version they were
  rendered with: a new version makes every older body unreachable at once. Each process
  reuses the version it read for `API_CONTENT_VERSION_TTL` seconds, so a change is
  served at once by the process that made it and within that bound by every other.

Writes that bypass model signals (`QuerySet.update`, bulk inserts) must call
`invalidate_responses()` themselves. See docs/performance.md.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from time import monotonic
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from .language import requested_language
from .problems import Problem

VERSION_KEY = "api:content-version"
CACHED_STATUSES = {200, 404}
# Headers a 304 repeats (RFC 9110 §15.4.5), plus CORS so browsers accept it cross-origin.
NOT_MODIFIED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "Content-Language",
    "Access-Control-Allow-Origin",
)
# Never replayed as stored: the length is recomputed.
UNSTORED_HEADERS = {"content-length"}


# --- The content version ----------------------------------------------------------


class ContentVersion:
    """The shared content version, and this process's copy of it.

    The shared token lives in Django's default cache (the database), so every process
    sees the same one; its value is the time it was created, which `Last-Modified`
    reports: content changed at or before then. Reading it costs a database round trip,
    so each process reuses the value it last read for `API_CONTENT_VERSION_TTL` seconds:
    a change is seen at once by the process that made it (`drop`) and within that many
    seconds by every other. With a TTL of 0 every request reads the shared token.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._copy = None  # (version, monotonic time until which it may be reused)
        self._drops = 0  # counts `drop`s, so a read that raced one isn't kept

    def current(self):
        copy = self._copy
        if copy is not None and monotonic() < copy[1]:
            return copy[0]
        drops = self._drops
        version = self._read_shared()
        ttl = settings.API_CONTENT_VERSION_TTL
        if ttl > 0:
            with self._lock:
                if drops == self._drops:
                    self._copy = (version, monotonic() + ttl)
        return version

    def drop(self):
        """Forget the shared token (and this process's copy): every answer becomes stale."""
        with self._lock:
            self._drops += 1
            self._copy = None
        caches["default"].delete(VERSION_KEY)

    def forget_copy(self):
        """Forget only this process's copy: the next request reads the shared token."""
        with self._lock:
            self._copy = None

    @staticmethod
    def _read_shared():
        shared = caches["default"]
        version = shared.get(VERSION_KEY)
        if version is None:
            created = f"{time.time():.6f}"
            # Another process may have created it first: then theirs is the version.
            version = created if shared.add(VERSION_KEY, created, timeout=None) else None
            version = version or shared.get(VERSION_KEY) or created
        return version


content_version = ContentVersion()


def current_version():
    """The content version answers are kept under (see `ContentVersion`)."""
    return content_version.current()


def invalidate_responses():
    """Drop the content version: every cached answer becomes unreachable at once (in
    other processes within `API_CONTENT_VERSION_TTL` seconds)."""
    content_version.drop()


def content_changed(**kwargs):
    """Signal receiver: drop the version now and again once the transaction commits.

    Now: with the database cache the deletion commits with the content, and later
    requests in the same transaction (tests, scripts) see the change. On commit: with
    a cache outside the database, a request between the two could cache the old rows
    under a new version; the second deletion makes that answer unreachable.
    """
    invalidate_responses()
    transaction.on_commit(invalidate_responses)


def _page_or_snippet_changed(sender, **kwargs):
    # Any saved page row may be live content (publishing saves the page; a draft save
    # invalidates too, a small price for never missing a direct write to a live page).
    if issubclass(sender, Page) or sender._meta.app_label in settings.API_CACHED_SNIPPET_APPS:
        content_changed()


def connect_invalidation_signals():
    """Called from the app's `ready()`, so commands (e.g. `publish_scheduled`) invalidate."""
    uid = "cms.api.caching"
    page_published.connect(content_changed, dispatch_uid=f"{uid}.page_published")
    page_unpublished.connect(content_changed, dispatch_uid=f"{uid}.page_unpublished")
    post_page_move.connect(content_changed, dispatch_uid=f"{uid}.page_moved")
    published.connect(content_changed, dispatch_uid=f"{uid}.published")
    unpublished.connect(content_changed, dispatch_uid=f"{uid}.unpublished")
    post_save.connect(_page_or_snippet_changed, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_page_or_snippet_changed, dispatch_uid=f"{uid}.deleted")
    post_save.connect(
        content_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.restriction_saved"
    )
    post_delete.connect(
        content_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.restriction_deleted"
    )


# --- The answers ------------------------------------------------------------------


def body_etag(body):
    """The strong ETag of a response body: its hash, so the same bytes give the same tag."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


@dataclass(frozen=True)
class StoredAnswer:
    """What the response cache keeps of an answer (cookies never: a public answer must
    not hand one client's cookie to the next), with the headers of both replies ready."""

    status: int
    body: bytes
    headers: dict  # of the full answer, `Content-Length` included
    etag: str | None  # 200s only
    last_modified: int | None  # seconds since the epoch, 200s only
    not_modified_headers: dict  # of a 304

    @classmethod
    def of(cls, response, version):
        body = response.content
        patch_vary_headers(response, ("Accept-Language",))
        headers = {
            name: value for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
        }
        headers["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
        etag = last_modified = None
        if response.status_code == 200:
            # A view may give the tag it keeps with a body it reuses (the map's).
            etag = response.get("ETag") or body_etag(body)
            last_modified = int(float(version))
            headers["ETag"] = etag
            headers["Last-Modified"] = http_date(last_modified)
        headers["Content-Length"] = str(len(body))
        return cls(
            status=response.status_code,
            body=body,
            headers=headers,
            etag=etag,
            last_modified=last_modified,
            not_modified_headers={
                name: headers[name] for name in NOT_MODIFIED_HEADERS if name in headers
            },
        )


class RecentlyUsed:
    """A dictionary of this process's, shared by its threads, keeping at most `limit()`
    entries: the least recently used is dropped first. What it keeps must not be changed
    afterwards, since every reader gets the same object."""

    def __init__(self, limit):
        self._limit = limit
        self._lock = threading.Lock()
        self._entries = OrderedDict()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def set(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._limit():
                self._entries.popitem(last=False)

    def discard(self, key):
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self):
        return len(self._entries)


class AnswerStore:
    """This process's answers: at most `API_RESPONSE_CACHE_ENTRIES`, the least recently
    used dropped first, each kept at most `API_RESPONSE_CACHE_SECONDS`.

    Kept as they are rather than in Django's `LocMemCache`, which pickles every value in
    and out: it copied each body (the map's runs to megabytes) on every hit.
    """

    def __init__(self):
        self._answers = RecentlyUsed(lambda: settings.API_RESPONSE_CACHE_ENTRIES)

    def get(self, key):
        entry = self._answers.get(key)
        if entry is None:
            return None
        if entry[1] <= monotonic():
            self._answers.discard(key)
            return None
        return entry[0]

    def set(self, key, answer):
        self._answers.set(key, (answer, monotonic() + settings.API_RESPONSE_CACHE_SECONDS))

    def __len__(self):
        return len(self._answers)


answers = AnswerStore()


# --- The middleware ----------------------------------------------------------------


def _request_key(request, language, version):
    """The cache key: content version, path, sorted query and negotiated language."""
    query = urlencode(sorted(request.GET.lists()), doseq=True) if request.GET else ""
    return (version, request.path, query, language)


def _wants_fresh(request):
    """`Cache-Control: no-cache` from the client: render anew (and store the new answer)."""
    return "no-cache" in request.headers.get("Cache-Control", "").lower()


def _not_modified(request, stored):
    """Whether the client's copy is current (RFC 9110 §13.2.2: If-None-Match wins)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        etags = parse_etags(if_none_match)
        return "*" in etags or stored.etag in etags
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return if_modified_since is not None and stored.last_modified <= if_modified_since


def _replay(request, stored):
    if stored.etag is not None and _not_modified(request, stored):
        return HttpResponseNotModified(headers=stored.not_modified_headers)
    body = b"" if request.method == "HEAD" else stored.body
    return HttpResponse(body, status=stored.status, headers=stored.headers)


class APICacheMiddleware:
    """Conditional GETs and the response cache for the public API (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.API_CACHED_PATHS)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path_info.startswith(self.prefixes):
            return self.get_response(request)
        if "Authorization" in request.headers:
            # A credential may change the answer: neither kept nor publicly cacheable.
            response = self.get_response(request)
            response["Cache-Control"] = "private, no-store"
            return response
        try:
            language = requested_language(request)
        except Problem:  # an unsupported ?lang=: the view answers with its 400
            return self._uncached(request)
        # Read before rendering: content published meanwhile lands under a newer version.
        version = current_version()
        # Views may keep what they derive from content under it too (taxonomy lookups).
        request.api_content_version = version
        key = _request_key(request, language, version)
        stored = None if _wants_fresh(request) else answers.get(key)
        if stored is None:
            response = self.get_response(request)
            if response.status_code not in CACHED_STATUSES or response.streaming:
                return self._uncacheable(response)
            stored = StoredAnswer.of(response, version)
            if request.method == "GET":
                answers.set(key, stored)
        return _replay(request, stored)

    def _uncached(self, request):
        return self._uncacheable(self.get_response(request))

    @staticmethod
    def _uncacheable(response):
        if response.status_code not in CACHED_STATUSES:
            response["Cache-Control"] = "no-store"
        patch_vary_headers(response, ("Accept-Language",))
        return response
