"""Every error the harvester raises on purpose, as one tree.

::

    HarvestError                  base of all our errors; ``exit_code`` for the CLI
    ├── ConfigError               bad configuration or arguments (exit 2)
    ├── StoreError                the store file cannot be opened as an oer store
    ├── TransportError            network failure or timeout after the retry budget
    ├── HTTPStatusError           non-OAI HTTP error status after the retry budget
    ├── RetryLaterError           the server asked us to wait longer than we wait in-process
    ├── ResponseError             the body is not a usable OAI-PMH response
    │   ├── NotOAIResponseError   HTML, empty body, wrong root or namespace (cases C14, C17)
    │   └── UnsafeXMLError        DOCTYPE / entity declarations, oversize body (case C21)
    └── OAIProtocolError          an OAI-PMH ``<error code=…>`` (OAI-PMH 2.0 §3.6)

Each error that concerns a request carries its ``url``.
"""

from __future__ import annotations

from datetime import datetime


class HarvestError(Exception):
    """Base of the harvester's errors.

    Attributes:
        exit_code: The CLI exit status this error maps to (1: a source failed).
        url: The request URL the error concerns, when there is one.
    """

    exit_code = 1

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class ConfigError(HarvestError):
    """Configuration file or command-line arguments are invalid (CLI exit status 2)."""

    exit_code = 2


class StoreError(HarvestError):
    """The store file exists but is not a readable SQLite oer store (corrupt, foreign)."""


class TransportError(HarvestError):
    """Connection failure, timeout or truncated body, still failing after the retry budget."""


class HTTPStatusError(HarvestError):
    """An HTTP error status whose body is not an OAI-PMH error, after the retry budget.

    Attributes:
        status: The HTTP status code.
    """

    def __init__(self, message: str, *, status: int, url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status


class RetryLaterError(HarvestError):
    """The server's ``Retry-After`` exceeds what we wait in-process (case C10).

    Attributes:
        not_before: UTC time before which the source must not be asked again.
        status: The HTTP status that carried the header (429 or 503).
    """

    def __init__(self, message: str, *, not_before: datetime, status: int,
                 url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.not_before = not_before
        self.status = status


class ResponseError(HarvestError):
    """The response body cannot be trusted as an OAI-PMH response."""


class NotOAIResponseError(ResponseError):
    """Not an OAI-PMH response: HTML, empty body, wrong root element or namespace."""


class UnsafeXMLError(ResponseError):
    """The body declares a DOCTYPE or entities, or exceeds the size cap."""


class OAIProtocolError(HarvestError):
    """An OAI-PMH error element (OAI-PMH 2.0 §3.6), e.g. ``badResumptionToken``.

    Attributes:
        code: The OAI-PMH error code (``badArgument``, ``noRecordsMatch``…).
        http_status: The HTTP status it came with (200, or 4xx as Zenodo sends).
    """

    def __init__(self, code: str, message: str, *, http_status: int = 200,
                 url: str | None = None) -> None:
        super().__init__(f"OAI-PMH error {code}: {message}".rstrip(": "), url=url)
        self.code = code
        self.oai_message = message
        self.http_status = http_status
