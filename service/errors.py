"""Errors of the service layer.

PalaceUsageError            base: carries the HTTP status an API shows
├── InvalidInputError       422: a field is wrong; `errors` names each one
├── ForbiddenPalaceError    403: the request may not do this in that palace
├── AuthenticationRequiredError 401: no session or key, and one is needed
├── LoginFailedError        401: wrong name or password
├── TooManyAttemptsError    429: failed logins for a name are slowed down
└── DatabaseUnavailableError 503: PostgreSQL did not answer in time
"""

from typing import Any


class PalaceUsageError(Exception):
    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message}

    @property
    def headers(self) -> dict[str, str]:
        return {}


class InvalidInputError(PalaceUsageError):
    status_code = 422

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors = errors

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message, "fields": self.errors}


class ForbiddenPalaceError(PalaceUsageError):
    status_code = 403


class DatabaseUnavailableError(PalaceUsageError):
    status_code = 503


class AuthenticationRequiredError(PalaceUsageError):
    """401: reading needs a session or a read key once logins exist."""

    status_code = 401

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class LoginFailedError(PalaceUsageError):
    status_code = 401


class TooManyAttemptsError(PalaceUsageError):
    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
