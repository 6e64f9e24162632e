"""Scalars of our own, wired into the schema through StrawberryConfig.scalar_map."""

from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

# Sums of INTEGER columns are BIGINT in PostgreSQL; a year of tokens passes
# GraphQL's 32-bit Int long before it passes JavaScript's exact 2**53.
BigInt = NewType("BigInt", int)


def _parse_big_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"BigInt must be a whole number, got {value!r}")
    return int(value)


SCALAR_MAP: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description="A whole number beyond 32 bits, sent as a JSON number.",
        serialize=int,
        parse_value=_parse_big_int,
    )
}
