"""The reading windows of the monitor and the APIs."""

from enum import StrEnum


class Period(StrEnum):
    """A window that ends now. Values are the REST spellings."""

    H1 = "1h"
    H3 = "3h"
    H6 = "6h"
    H12 = "12h"
    H24 = "24h"
    D3 = "3d"
    D7 = "7d"
    M1 = "1m"

    @property
    def interval(self) -> str:
        """The window as a PostgreSQL interval; 1m is one calendar month."""
        return _INTERVALS[self]


_INTERVALS = {
    Period.H1: "1 hour",
    Period.H3: "3 hours",
    Period.H6: "6 hours",
    Period.H12: "12 hours",
    Period.H24: "24 hours",
    Period.D3: "3 days",
    Period.D7: "7 days",
    Period.M1: "1 month",
}
