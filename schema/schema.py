"""The assembled schema; `schema` is the full one, the one schema.graphql shows."""

from functools import cache

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.limits import schema_extensions
from schema.resolvers import Mutation, Query
from schema.scalars import SCALAR_MAP
from service.errors import InvalidInputError, PalaceUsageError

logger = structlog.get_logger(__name__)


class PalaceSchema(strawberry.Schema):
    """Expected refusals are answers, not incidents: only the rest is logged."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, PalaceUsageError):
                _add_code(error, original)
                logger.info("graphql.refused", message=error.message)
            else:
                # TODO: the client still sees an unexpected error's own message;
                # a shared server should mask it (strawberry's MaskErrors).
                logger.error("graphql.unexpected_error", exc_info=original)


def _add_code(error: GraphQLError, original: BaseException | None) -> None:
    # A code lets a client tell its own mistakes from the server's.
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", "BAD_USER_INPUT" if original else "REFUSED")
    if isinstance(original, InvalidInputError):
        extensions.setdefault("fields", original.errors)
    error.extensions = extensions


@cache
def get_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The schema to serve; without introspection for production."""
    return PalaceSchema(
        query=Query,
        mutation=Mutation,
        extensions=schema_extensions(introspection=introspection),
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


schema = get_schema()
