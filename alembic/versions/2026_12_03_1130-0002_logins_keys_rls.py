"""logins, sessions, keys and row-level security on usage

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 11:30

A user becomes a login by getting a password hash; users found or created by
ingest keep a NULL hash and cannot log in.

Row-level security is the second wall behind the application's palace filter:
every usage row is visible only when it belongs to the palace the transaction
declared with set_config('palace_usage.palace', ...). Superusers bypass RLS
whatever the table says, so the application runs its queries as the NOLOGIN
role palace_usage_app (db/tenancy.py), which has no BYPASSRLS; FORCE makes the
policy hold for a non-superuser table owner too.

api_keys is looked up by its key id before any palace is known; on Citus it is
meant to be a small reference table (see docs/scaling.md).
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APP_ROLE = "palace_usage_app"
TIMESTAMPTZ = postgresql.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.add_column("users", sa.Column("password_hash", sa.String(200)))
    op.add_column(
        "users",
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("users", sa.Column("last_failed_at", TIMESTAMPTZ))

    op.create_table(
        "sessions",
        sa.Column("palace", sa.String(100), nullable=False),
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created", TIMESTAMPTZ, server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", TIMESTAMPTZ, nullable=False),
        sa.Column("ended_at", TIMESTAMPTZ),
        sa.PrimaryKeyConstraint("palace", "id", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["palace", "user_id"],
            ["users.palace", "users.id"],
            name="fk_sessions_palace_user_id_users",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(24), nullable=False),
        sa.Column("palace", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100)),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created", TIMESTAMPTZ, server_default=sa.func.now(), nullable=False),
        sa.Column("revoked_at", TIMESTAMPTZ),
        sa.PrimaryKeyConstraint("key_id", name="pk_api_keys"),
        sa.CheckConstraint("scope IN ('ingest', 'read')", name="scope"),
    )

    op.execute(
        f"""
        DO $$ BEGIN
            CREATE ROLE {APP_ROLE} NOLOGIN NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$
        """
    )
    op.execute(f"GRANT {APP_ROLE} TO CURRENT_USER")
    op.execute(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON usage, users, sessions, api_keys "
        f"TO {APP_ROLE}"
    )
    op.execute("ALTER TABLE usage ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE usage FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY usage_palace ON usage "
        "USING (palace = current_setting('palace_usage.palace', true)) "
        "WITH CHECK (palace = current_setting('palace_usage.palace', true))"
    )


def downgrade() -> None:
    op.execute("DROP POLICY usage_palace ON usage")
    op.execute("ALTER TABLE usage NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE usage DISABLE ROW LEVEL SECURITY")
    op.execute(f"REVOKE ALL ON usage, users, sessions, api_keys FROM {APP_ROLE}")
    op.drop_table("api_keys")
    op.drop_table("sessions")
    op.drop_column("users", "last_failed_at")
    op.drop_column("users", "failed_logins")
    op.drop_column("users", "password_hash")
