"""Applying the Alembic migrations from code (used by `serve` and `db upgrade`)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic.config import Config

from alembic import command

# TODO: alembic/ is found beside the packages, so migrations only run from a
# source checkout or an editable install; a wheel would need them as package data.
ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision`. Safe to run from several processes."""
    config = alembic_config(database_url)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(config, revision)
        return

    # env.py runs its own event loop, which cannot nest inside a running one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(command.upgrade, config, revision).result()
