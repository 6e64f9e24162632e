"""usage and users

Revision ID: 0001
Revises:
Create Date: 2026-12-03 11:00

Indexes: the original plan had separate indexes on ts, date and palace. Every
reader asks for one palace's rows in a time window, so one (palace, ts) index
serves them all. A standalone ts index beside it was measured to mislead the
planner into 5-8x slower 24h and 7d reads for one palace, and no query filters
on date or on palace alone (the primary key and the event_id key start with
palace and cover that), so those three are left out on purpose.

Keys: palace leads the primary key, the event_id key and the user foreign key,
so the tables can be distributed by palace (Citus) without changing a key;
see docs/scaling.md.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("palace", sa.String(100), nullable=False),
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "created",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("palace", "id", name="pk_users"),
        sa.UniqueConstraint("palace", "name", name="uq_users_palace_name"),
    )
    op.create_table(
        "usage",
        sa.Column("palace", sa.String(100), nullable=False),
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column(
            "event_id",
            postgresql.UUID(as_uuid=True),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
        ),
        sa.Column(
            "ts",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("date", sa.String(10)),
        sa.Column("time", sa.String(5)),
        sa.Column("user_id", sa.Integer()),
        sa.Column("user", sa.String(100)),
        sa.Column("butler", sa.String(100)),
        sa.Column("channel", sa.String(50)),
        sa.Column("model", sa.String(50)),
        sa.Column("domain", sa.String(50)),
        sa.Column("duration_ms", sa.Integer()),
        sa.Column("duration_min", sa.Integer()),
        sa.Column("tokens_in", sa.Integer()),
        sa.Column("tokens_out", sa.Integer()),
        sa.Column("cost_usd", sa.Numeric(10, 6)),
        sa.Column("num_turns", sa.Integer()),
        sa.Column(
            "extra",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "received",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("palace", "id", name="pk_usage"),
        sa.UniqueConstraint("palace", "event_id", name="uq_usage_palace_event_id"),
        sa.ForeignKeyConstraint(
            ["palace", "user_id"],
            ["users.palace", "users.id"],
            name="fk_usage_palace_user_id_users",
        ),
    )
    op.create_index("ix_usage_palace_ts", "usage", ["palace", "ts"])


def downgrade() -> None:
    op.drop_index("ix_usage_palace_ts", table_name="usage")
    op.drop_table("usage")
    op.drop_table("users")
