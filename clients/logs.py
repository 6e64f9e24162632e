"""Keeping the command-line tools' log lines off stdout, which carries results."""

import sys

import structlog


def log_to_stderr() -> None:
    """Send structlog's lines to stderr, unless the host set structlog up already."""
    if structlog.is_configured():
        return

    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
