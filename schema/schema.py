"""The assembled schema; `schema` is the full one, the one schema.graphql shows."""

from functools import cache

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.limits import schema_extensions
from schema.resolvers import Mutation, Query
from schema.scalars import SCALAR_MAP
from service.errors import (
    AuthenticationRequiredError,
    ForbiddenPalaceError,
    InvalidInputError,
    PalaceUsageError,
)

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
            if _is_unexpected(error):
                logger.error("graphql.unexpected_error", exc_info=original)
            else:
                _add_code(error, original)
                logger.info("graphql.refused", message=error.message)


def _is_unexpected(error: GraphQLError) -> bool:
    """Whether an error's message may say more than a client should see.

    Refusals of ours, and GraphQL's own messages about the document and its
    variables (which carry no path, since no field ran), are written for
    clients; an error a resolver did not mean to raise (a driver error quoting
    SQL, say) is masked. An unreachable database is left alone: the router
    turns it into a 503.
    """
    from api.errors import is_database_unavailable

    original = error.original_error
    return not (
        original is None
        or error.path is None
        or isinstance(original, PalaceUsageError)
        or is_database_unavailable(original)
    )


def _add_code(error: GraphQLError, original: BaseException | None) -> None:
    # A code lets a client tell its own mistakes from the server's.
    extensions = dict(error.extensions or {})
    if isinstance(original, AuthenticationRequiredError):
        code = "UNAUTHENTICATED"
    elif isinstance(original, ForbiddenPalaceError):
        code = "FORBIDDEN"
    else:
        code = "BAD_USER_INPUT" if original else "REFUSED"
    extensions.setdefault("code", code)
    if isinstance(original, InvalidInputError):
        extensions.setdefault("fields", original.errors)
    error.extensions = extensions


@cache
def get_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The schema to serve; without introspection for production."""
    return PalaceSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            *schema_extensions(introspection=introspection),
            lambda: MaskErrors(
                should_mask_error=_is_unexpected,
                error_message="internal error; the server log has the details",
            ),
        ],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


schema = get_schema()
