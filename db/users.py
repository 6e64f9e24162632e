"""Queries on users: the people runs are made for, scoped by palace."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import driver_connection
from db.models import User

# One round trip when the users exist, as they do after an agent's first run.
# Names already there are found, never offered to INSERT: a conflicting insert
# would still take a number from the id sequence on every run.
_FIND_OR_CREATE = """
WITH wanted AS (SELECT DISTINCT unnest($2::text[]) AS name),
found AS (
    SELECT u.name, u.id FROM users u JOIN wanted w ON w.name = u.name
    WHERE u.palace = $1
),
created AS (
    INSERT INTO users (palace, name)
    SELECT $1, w.name FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.name = w.name)
    ON CONFLICT (palace, name) DO NOTHING
    RETURNING name, id
)
SELECT name, id FROM found UNION ALL SELECT name, id FROM created
"""


async def ensure_users_for_palace(
    session: AsyncSession, palace: str, names: set[str]
) -> dict[str, int]:
    """Find or create a user for each name; returns name -> id."""
    if not names:
        return {}

    driver = await driver_connection(session)
    rows = await driver.fetch(_FIND_OR_CREATE, palace, sorted(names))
    ids = {row["name"]: row["id"] for row in rows}
    if len(ids) < len(names):
        # Another request created a name between our look and our insert.
        late = await session.execute(
            select(User.name, User.id).where(
                User.palace == palace, User.name.in_(names - ids.keys())
            )
        )
        ids.update({name: user_id for name, user_id in late})
    return ids


async def existing_user_ids_for_palace(
    session: AsyncSession, palace: str, ids: set[int]
) -> set[int]:
    if not ids:
        return set()

    rows = await session.execute(
        select(User.id).where(User.palace == palace, User.id.in_(ids))
    )
    return set(rows.scalars())
