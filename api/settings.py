"""Server configuration, read once from the environment (see CONTRACT.md)."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthMode(StrEnum):
    AUTO = "auto"
    ON = "on"
    OFF = "off"


class IngestKeys(StrEnum):
    OPTIONAL = "optional"
    REQUIRED = "required"


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "palace-usage"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL to use; unset starts an embedded one in the home.",
    )
    palace_usage_home: Path = Field(default_factory=_default_home)
    default_palace: str = "manglasabang"
    palace_usage_auth: AuthMode = AuthMode.AUTO
    graphql_introspection: bool = Field(
        default=True,
        validation_alias="PALACE_USAGE_GRAPHQL_INTROSPECTION",
        description="Serve GraphiQL and allow introspection; turn off in production.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, validation_alias="PALACE_USAGE_MAX_BODY_BYTES"
    )
    db_timeout_s: float = Field(
        default=3.0,
        validation_alias="PALACE_USAGE_DB_TIMEOUT",
        description="Upper bound on connecting to and querying PostgreSQL.",
    )
    log_format: str = Field(default="console", validation_alias="PALACE_USAGE_LOG")
    session_secret: str | None = Field(
        default=None,
        description="Signs session cookies; generated once into the home if unset.",
    )
    session_ttl_hours: float = Field(
        default=12, validation_alias="PALACE_USAGE_SESSION_HOURS"
    )
    palace_usage_ingest_keys: IngestKeys = IngestKeys.OPTIONAL


@lru_cache
def get_settings() -> Settings:
    return Settings()
