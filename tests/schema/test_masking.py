"""Unexpected errors reach clients masked; refusals keep their message."""

from graphql import GraphQLError

from schema.schema import _is_unexpected
from service.errors import DatabaseUnavailableError, InvalidInputError


def test_driver_errors_are_masked_and_refusals_are_not() -> None:
    leaky = GraphQLError("x", original_error=ValueError("SELECT * FROM usage"))
    refusal = GraphQLError("x", original_error=InvalidInputError("bad", []))
    outage = GraphQLError("x", original_error=DatabaseUnavailableError("down"))
    validation = GraphQLError("Cannot query field 'palace'")

    assert _is_unexpected(leaky) is True
    assert _is_unexpected(refusal) is False
    assert _is_unexpected(outage) is False
    assert _is_unexpected(validation) is False


def test_the_served_schema_masks_with_that_rule() -> None:
    from strawberry.extensions import MaskErrors

    from schema.schema import get_schema

    made = [factory() for factory in get_schema().extensions]  # type: ignore[operator]
    maskers = [ext for ext in made if isinstance(ext, MaskErrors)]

    assert len(maskers) == 1
    assert maskers[0].should_mask_error is _is_unexpected
