"""Unexpected errors reach clients masked; refusals keep their message."""

import httpx
from graphql import GraphQLError

from schema.schema import _is_unexpected
from service.errors import DatabaseUnavailableError, InvalidInputError


def test_driver_errors_are_masked_and_refusals_are_not() -> None:
    def raised(error: Exception) -> GraphQLError:
        return GraphQLError("x", path=["usage"], original_error=error)

    leaky = raised(ValueError("SELECT * FROM usage"))
    refusal = raised(InvalidInputError("bad", []))
    outage = raised(DatabaseUnavailableError("down"))
    validation = GraphQLError("Cannot query field 'palace'")
    bad_variable = GraphQLError("not a Period", original_error=ValueError("5"))

    assert _is_unexpected(leaky) is True
    assert _is_unexpected(refusal) is False
    assert _is_unexpected(outage) is False
    assert _is_unexpected(validation) is False
    assert _is_unexpected(bad_variable) is False


async def test_a_bad_variable_is_explained_not_masked(
    client: httpx.AsyncClient,
) -> None:
    query = "query($p: Period!) { usage(period: $p) { id } }"

    response = await client.post(
        "/graphql", json={"query": query, "variables": {"p": 5}}
    )

    message = response.json()["errors"][0]["message"]
    assert "Period" in message and "internal error" not in message


def test_the_served_schema_masks_with_that_rule() -> None:
    from strawberry.extensions import MaskErrors

    from schema.schema import get_schema

    made = [factory() for factory in get_schema().extensions]  # type: ignore[operator]
    maskers = [ext for ext in made if isinstance(ext, MaskErrors)]

    assert len(maskers) == 1
    assert maskers[0].should_mask_error is _is_unexpected
