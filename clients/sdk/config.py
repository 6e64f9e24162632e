"""Where the SDK sends entries, and who it says is logging (from the environment)."""

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

DEFAULT_URL = "http://localhost:6572"

# Short on purpose: an agent must never wait long on its bookkeeping.
TIMEOUT = httpx.Timeout(1.5, connect=0.5, pool=0.5)


def default_home() -> Path:
    raw = os.environ.get("PALACE_USAGE_HOME")
    if raw:
        return Path(raw).expanduser()
    return Path.home() / ".local" / "share" / "palace-usage"


def fallback_path() -> Path:
    raw = os.environ.get("USAGE_FALLBACK_PATH")
    if raw:
        return Path(raw).expanduser()
    return default_home() / "usage.jsonl"


@dataclass(frozen=True, slots=True)
class SDKConfig:
    url: str
    key: str | None
    fallback: Path
    who: dict[str, str | int]

    @property
    def log_endpoint(self) -> str:
        return self.url.rstrip("/") + "/api/usage/log"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}


def load_config() -> SDKConfig:
    """Read the environment on every call, so a changed variable takes effect."""
    who: dict[str, str | int] = {}
    for key, variable in (
        ("palace", "PALACE_NAME"),
        ("user", "PALACE_USER"),
        ("butler", "PALACE_BUTLER"),
    ):
        value = os.environ.get(variable)
        if value:
            who[key] = value

    user_id = os.environ.get("PALACE_USER_ID", "").strip()
    if user_id:
        who["user_id"] = int(user_id) if user_id.isdigit() else user_id

    return SDKConfig(
        url=os.environ.get("PALACERING_URL") or DEFAULT_URL,
        key=os.environ.get("PALACE_USAGE_KEY") or None,
        fallback=fallback_path(),
        who=who,
    )
