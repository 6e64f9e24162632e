"""Moving a legacy usage JSONL into palace-usage through its GraphQL API.

read_legacy_file(path, defaults)  -> list[LegacyLine]   parse, never send
send_entries(url, lines, ...)     -> MigrationReport    send in batches
"""

from clients.migrate.reader import Defaults, LegacyLine, read_legacy_file
from clients.migrate.sender import MigrationReport, send_entries

__all__ = [
    "Defaults",
    "LegacyLine",
    "MigrationReport",
    "read_legacy_file",
    "send_entries",
]
