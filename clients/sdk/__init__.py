"""Log agent runs to palace-usage without ever getting in the agent's way.

    log_usage(**fields) -> bool        POST one entry; True if the server took it
    alog_usage(**fields) -> bool       the same, for async agents

Neither raises: when the server cannot take an entry for any reason (down,
slow, refusing), the entry is appended as one JSON line to the fallback file,
which `palace-usage flush` sends later. Exceptions met on the way are logged
as `sdk.fell_back` and swallowed; the only ones the SDK defines are internal:

    SDKError                    base, never seen by callers
    └── ServerRefusedError      the server answered with a non-2xx status
"""

from clients.sdk.client import alog_usage, log_usage

__all__ = ["alog_usage", "log_usage"]
