"""Limits that keep one client from tying up a shared server.

Each refusal says which limit was hit and its value, so a client can fix its
request. Depth, aliases and tokens are checked before anything runs; page,
batch and filter sizes by the fields that take them.
"""

from collections.abc import Callable

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from service.errors import InvalidInputError

# Our deepest honest query is four levels (usageConnection, edges, node,
# field); GraphiQL's introspection is not counted.
MAX_DEPTH = 8
# Room for a dashboard that asks for all eight periods and their previous
# windows in one request, not for a flood.
MAX_ALIASES = 20
# GraphiQL's full introspection query is about 400 tokens. Variables are not
# tokens, so large batches are held back by MAX_BATCH instead.
MAX_TOKENS = 2000
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
# The migration tool sends 500 at a time; a thousand keeps one request's
# transaction short.
MAX_BATCH = 1000
MAX_FILTER_VALUES = 100

# The rule classes are built once: the validation cache keys on them, and a
# fresh class per request would never hit.
_LIMIT_RULES = (
    QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules
    + MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules
)


class _LimitRules(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(list(_LIMIT_RULES))


class _NoIntrospection(AddValidationRules):
    def __init__(self) -> None:
        super().__init__([NoSchemaIntrospectionCustomRule])


def schema_extensions(*, introspection: bool) -> list[Callable[[], SchemaExtension]]:
    """Extension factories, one set per request, in the order they must run.

    The token limit sets a parse option, so it comes before the parser cache;
    the rules come before the validation cache that keys on them.
    """
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ParserCache,
        _LimitRules,
    ]
    if not introspection:
        extensions.append(_NoIntrospection)
    extensions.append(ValidationCache)
    return extensions


def _too_many(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, [{"field": field, "message": message}])


def check_page_size(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise _too_many(
            "first", f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}"
        )


def check_batch_size(count: int) -> None:
    if count > MAX_BATCH:
        raise _too_many(
            "inputs",
            f"a batch holds at most {MAX_BATCH} entries, got {count}; "
            "send the rest in further batches",
        )


def check_filter_values(field: str, count: int) -> None:
    if count > MAX_FILTER_VALUES:
        raise _too_many(
            f"filter.{field}",
            f"filter.{field} takes at most {MAX_FILTER_VALUES} values, got {count}",
        )
