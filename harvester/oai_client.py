"""One OAI-PMH request at a time, with timeouts and bounded retries: the sickle seam.

This is the only module that imports :mod:`sickle`. Sickle sends the request (so
parameters, resumption tokens included, are percent-encoded exactly once by
requests); we own everything else: timeouts on every request, the retry policy,
``Retry-After`` in both forms (RFC 9110 §10.2.3), and strict validation of each
body by :func:`harvester.oai_response.parse_response`. Sickle's own retry loop
(``max_retries``) and its lenient parser are not used.

Ref: OAI-PMH 2.0 §3 (requests and responses).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

import requests
from sickle import Sickle

from harvester import __version__
from harvester.errors import (HTTPStatusError, NotOAIResponseError, OAIProtocolError,
                              ResponseError, RetryLaterError, TransportError)
from harvester.oai_response import OAIPage, parse_response

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses retried with backoff (5xx that signal overload, and 429)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard one request is tried.

    Attributes:
        max_retries: Retries after the first attempt (so ``max_retries + 1`` tries).
        backoff_base_s: First backoff wait in seconds; doubles each retry, plus jitter.
        backoff_max_s: Longest single backoff wait in seconds.
        max_retry_after_s: Longest ``Retry-After`` honoured in-process, in seconds;
            a longer one raises :class:`RetryLaterError` (the source is deferred).
    """

    max_retries: int = 4
    backoff_base_s: float = 2.0
    backoff_max_s: float = 60.0
    max_retry_after_s: float = 120.0

    def backoff_s(self, attempt: int) -> float:
        """Wait before retry number ``attempt`` (1-based): exponential, full jitter."""
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """HTTP settings for one OAI-PMH endpoint.

    Attributes:
        connect_timeout_s: TCP connect timeout in seconds (always set).
        read_timeout_s: Timeout between bytes of the response in seconds (always set).
        retry: The retry policy.
        contact: URL or mailto for the User-Agent, so repository admins can reach us.
    """

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    contact: str = ""

    @property
    def user_agent(self) -> str:
        """``oer-harvester/<version> (+<contact>)``."""
        contact = f" (+{self.contact})" if self.contact else ""
        return f"oer-harvester/{__version__}{contact}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value.

    Args:
        value: Either delay-seconds (``"120"``) or an HTTP-date
            (``"Wed, 21 Oct 2015 07:28:00 GMT"``). Ref: RFC 9110 §10.2.3.
        now: The current UTC time (for tests); default ``datetime.now(UTC)``.

    Returns:
        Seconds (>= 0) to wait, or ``None`` when the header is absent or unreadable.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class _SessionSickle(Sickle):
    """Sickle sending its GET requests through one ``requests.Session`` (HTTP keep-alive).

    Sickle 0.7 calls the module-level ``requests.get`` for every request, so each page
    opens a new connection; reusing one is cheaper for the server and for us.
    """

    def __init__(self, endpoint: str, session: requests.Session, **kwargs) -> None:
        super().__init__(endpoint, **kwargs)
        self._session = session

    def _request(self, kwargs: dict) -> requests.Response:
        return self._session.get(self.endpoint, params=kwargs, **self.request_args)


class OAIClient:
    """Sends single OAI-PMH requests to one base URL and returns validated pages.

    Args:
        base_url: The repository's OAI-PMH base URL.
        settings: Timeouts, retries and User-Agent.
        sleep: The function used to wait (seconds); tests pass a recorder.
    """

    def __init__(self, base_url: str, settings: ClientSettings | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url
        self.settings = settings or ClientSettings()
        self._sleep = sleep
        self._session = requests.Session()
        self._sickle = _SessionSickle(
            base_url, self._session, max_retries=0,
            timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s),
            headers={"User-Agent": self.settings.user_agent},
        )
        self.requests_sent = 0
        self._redirect_logged = False

    def request(self, verb: str, **params: str) -> OAIPage:
        """Send ``verb`` with ``params`` and return the validated response.

        Args:
            verb: OAI-PMH verb (``Identify``, ``ListRecords``…).
            **params: Other arguments (``metadataPrefix``, ``set``, ``from``,
                ``until``, ``resumptionToken``); values are sent as given, encoded once.

        Returns:
            The validated page.

        Raises:
            OAIProtocolError: the server answered with an OAI-PMH error (any HTTP status).
            RetryLaterError: a ``Retry-After`` longer than ``max_retry_after_s``.
            TransportError: connection errors, timeouts, truncated bodies after the
                retry budget.
            HTTPStatusError: other HTTP errors after the retry budget.
            NotOAIResponseError: the body is not OAI-PMH XML, after the retry budget.
            UnsafeXMLError: DOCTYPE/entities or oversize (not retried).
        """
        args = {"verb": verb, **params}
        url = f"{self.base_url}?{urlencode(args)}"
        policy = self.settings.retry
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(args)
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                if attempt > policy.max_retries:
                    raise TransportError(f"{type(exc).__name__} after {attempt} tries: {exc}",
                                         url=url) from exc
                wait = policy.backoff_s(attempt)
                log.warning("%s: %s; retry %d in %.1f s", url, type(exc).__name__, attempt, wait)
                self._sleep(wait)
                continue
            status = response.status_code
            if status in RETRY_STATUSES:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if wait is not None and wait > policy.max_retry_after_s:
                    raise RetryLaterError(
                        f"HTTP {status} with Retry-After {wait:.0f} s (over the "
                        f"{policy.max_retry_after_s:.0f} s in-process cap)",
                        not_before=datetime.now(UTC) + timedelta(seconds=wait),
                        status=status, url=url)
                if attempt > policy.max_retries:
                    self._raise_for_body(response, verb, url)
                    raise HTTPStatusError(f"HTTP {status} after {attempt} tries",
                                          status=status, url=url)
                wait = policy.backoff_s(attempt) if wait is None else wait
                log.warning("%s: HTTP %d; retry %d in %.1f s", url, status, attempt, wait)
                self._sleep(wait)
                continue
            if status >= 400:
                self._raise_for_body(response, verb, url)
                raise HTTPStatusError(f"HTTP {status}", status=status, url=url)
            self._note_redirect(response)
            try:
                return parse_response(response.content, verb=verb, url=url, http_status=status,
                                      content_type=response.headers.get("Content-Type"))
            except NotOAIResponseError as exc:
                # a truncated page (C20) or a maintenance page (C14): retry, never accept
                if attempt > policy.max_retries:
                    raise
                wait = policy.backoff_s(attempt)
                log.warning("%s: %s; retry %d in %.1f s", url, exc, attempt, wait)
                self._sleep(wait)

    def close(self) -> None:
        """Close the HTTP connections kept alive."""
        self._session.close()

    def __enter__(self) -> OAIClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _note_redirect(self, response: requests.Response) -> None:
        """Log once when the base URL redirects elsewhere (C16); requests follows GET redirects."""
        if response.history and not self._redirect_logged:
            self._redirect_logged = True
            new_base = response.url.split("?", 1)[0]
            log.warning("%s redirects to %s (HTTP %d); update the source's base_url",
                        self.base_url, new_base, response.history[0].status_code)

    def _send(self, args: dict[str, str]) -> requests.Response:
        self.requests_sent += 1
        try:
            return self._sickle.harvest(**args).http_response
        except requests.HTTPError as exc:  # sickle raises for 4xx/5xx; we decide
            return exc.response

    @staticmethod
    def _raise_for_body(response: requests.Response, verb: str, url: str) -> None:
        """Raise the OAI-PMH error an error status carries in its body (case C15)."""
        try:
            parse_response(response.content, verb=verb, url=url,
                           http_status=response.status_code,
                           content_type=response.headers.get("Content-Type"))
        except OAIProtocolError:
            raise
        except ResponseError:
            return
