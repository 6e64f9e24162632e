"""Keeping log lines off stdout, which carries a tool's results or an agent's.

structlog, left unconfigured, prints to stdout; for an agent that speaks a
protocol on its stdout (an MCP server over stdio, say) one stray line there
breaks it. The SDK therefore logs to stderr unless its host configured
structlog, and the command-line tools configure it to stderr.
"""

import sys
from typing import Any

import structlog

_STDERR_PROCESSORS = [
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.dev.ConsoleRenderer(colors=False),
]


def library_logger(name: str) -> Any:
    """The host's structlog logger if it set one up, else one writing to stderr."""
    if structlog.is_configured():
        return structlog.get_logger(name)
    return structlog.wrap_logger(
        structlog.PrintLogger(sys.stderr), processors=_STDERR_PROCESSORS, name=name
    )


def log_to_stderr() -> None:
    """Send structlog's lines to stderr, unless the host set structlog up already."""
    if structlog.is_configured():
        return

    structlog.configure(
        processors=_STDERR_PROCESSORS,
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
