"""log_usage and alog_usage over one shared way of building and falling back."""

import functools
import ssl
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import certifi
import httpx
import orjson

from clients.fallback import append_entry
from clients.logs import library_logger
from clients.sdk.config import TIMEOUT, SDKConfig, load_config


class SDKError(Exception):
    pass


class ServerRefusedError(SDKError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"server answered {status}: {body[:200]}")
        self.status = status


def _build(fields: dict[str, Any], config: SDKConfig) -> dict[str, Any]:
    # Call-time ts, so an entry flushed hours later keeps the time of its run.
    entry: dict[str, Any] = {**config.who, **fields}
    entry.setdefault("event_id", str(uuid.uuid4()))
    entry.setdefault("ts", datetime.now(UTC).isoformat().replace("+00:00", "Z"))
    return entry


def _encode(entry: dict[str, Any]) -> bytes:
    return orjson.dumps(entry, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _check(response: httpx.Response) -> None:
    if not response.is_success:
        raise ServerRefusedError(response.status_code, response.text)


def _fall_back(entry: dict[str, Any], config: SDKConfig, error: Exception) -> bool:
    try:
        append_entry(config.fallback, orjson.loads(_encode(entry)))
    except Exception as exc:
        # Both paths failed; the agent still must not be disturbed.
        library_logger(__name__).error(
            "sdk.fallback_failed", path=str(config.fallback), error=str(exc)
        )
        return False

    library_logger(__name__).warning(
        "sdk.fell_back",
        event_id=entry.get("event_id"),
        path=str(config.fallback),
        error=str(error) or type(error).__name__,
    )
    return False


@functools.cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle is what makes a new httpx client cost ~30 ms; do it
    # once per process, and the per-call client costs almost nothing.
    return ssl.create_default_context(cafile=certifi.where())


def log_usage(**fields: Any) -> bool:
    """Send one run's fields to the server; True if it took them, never raises."""
    try:
        config = load_config()
        entry = _build(fields, config)
    except Exception as exc:
        library_logger(__name__).error("sdk.bad_environment", error=str(exc))
        return False

    try:
        with httpx.Client(timeout=TIMEOUT, verify=_tls()) as client:
            response = client.post(
                config.log_endpoint,
                content=_encode(entry),
                headers={**config.headers, "Content-Type": "application/json"},
            )
        _check(response)
    except Exception as exc:
        return _fall_back(entry, config, exc)
    return True


async def alog_usage(**fields: Any) -> bool:
    """The async twin of log_usage."""
    try:
        config = load_config()
        entry = _build(fields, config)
    except Exception as exc:
        library_logger(__name__).error("sdk.bad_environment", error=str(exc))
        return False

    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, verify=_tls()) as client:
            response = await client.post(
                config.log_endpoint,
                content=_encode(entry),
                headers={**config.headers, "Content-Type": "application/json"},
            )
        _check(response)
    except Exception as exc:
        return _fall_back(entry, config, exc)
    return True
