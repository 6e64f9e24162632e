"""Row-level security: declaring, per transaction, which palace is asking.

The usage table's policy shows a row only when its palace equals the setting
`palace_usage.palace` of the current transaction. `bind_palace` records the
palace on the session; a listener sets it at the start of every transaction
the session begins, and again at once if the palace changes mid-transaction.
A session that never bound a palace sees no usage rows at all.
"""

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

# Created by the migrations; has no BYPASSRLS, unlike the superuser a local
# PostgreSQL is usually reached as.
APP_ROLE = "palace_usage_app"

_SET = text("SELECT set_config('palace_usage.palace', :palace, true)")
_INFO_KEY = "palace"


@event.listens_for(Session, "after_begin")
def _declare_palace(
    session: Session, transaction: SessionTransaction, connection: Any
) -> None:
    palace = session.info.get(_INFO_KEY)
    if palace is not None:
        connection.execute(_SET, {"palace": palace})


async def bind_palace(session: AsyncSession, palace: str) -> None:
    """Make the session's transactions see only `palace`'s usage rows."""
    if session.info.get(_INFO_KEY) == palace:
        return

    session.info[_INFO_KEY] = palace
    if session.in_transaction():
        await session.execute(_SET, {"palace": palace})
