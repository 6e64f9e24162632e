"""ORM models. Every table carries the palace, which leads every key and index."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# A naming convention keeps constraint names stable, so Alembic diffs stay clean.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A person runs are made for, found or created by (palace, name)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("palace", "name"),)

    palace: Mapped[str] = mapped_column(String(100), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=func.now()
    )
    # NULL for users that only runs name; a hash makes the user a login.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column(TIMESTAMP(timezone=True))


class LoginSession(Base):
    """A browser session; the cookie carries its palace and id, signed."""

    __tablename__ = "sessions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["palace", "user_id"], ["users.palace", "users.id"], ondelete="CASCADE"
        ),
    )

    palace: Mapped[str] = mapped_column(String(100), primary_key=True)
    id: Mapped[Any] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    created: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[datetime] = mapped_column(TIMESTAMP(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(TIMESTAMP(timezone=True))


class ApiKey(Base):
    """A bearer key: `pu_<key_id>_<secret>`; only the secret's hash is kept."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint("scope IN ('ingest', 'read')", name="scope"),)

    key_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    palace: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=func.now()
    )
    revoked_at: Mapped[datetime | None] = mapped_column(TIMESTAMP(timezone=True))


class Usage(Base):
    """One agent run."""

    __tablename__ = "usage"
    __table_args__ = (
        UniqueConstraint("palace", "event_id"),
        ForeignKeyConstraint(["palace", "user_id"], ["users.palace", "users.id"]),
        Index("ix_usage_palace_ts", "palace", "ts"),
    )

    palace: Mapped[str] = mapped_column(String(100), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    event_id: Mapped[Any] = mapped_column(
        UUID(as_uuid=True), server_default=text("gen_random_uuid()")
    )
    ts: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=func.now()
    )
    date: Mapped[str | None] = mapped_column(String(10))
    time: Mapped[str | None] = mapped_column(String(5))
    user_id: Mapped[int | None] = mapped_column(Integer)
    user: Mapped[str | None] = mapped_column(String(100))
    butler: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(50))
    model: Mapped[str | None] = mapped_column(String(50))
    domain: Mapped[str | None] = mapped_column(String(50))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    duration_min: Mapped[int | None] = mapped_column(Integer)
    tokens_in: Mapped[int | None] = mapped_column(Integer)
    tokens_out: Mapped[int | None] = mapped_column(Integer)
    cost_usd: Mapped[Decimal | None] = mapped_column(Numeric(10, 6))
    num_turns: Mapped[int | None] = mapped_column(Integer)
    extra: Mapped[dict[str, Any]] = mapped_column(
        JSONB, server_default=text("'{}'::jsonb")
    )
    received: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=func.now()
    )
