"""The GraphQL router, taught the same answers REST gives for a missing database.

Strawberry turns every resolver error into a 200 with an `errors` list, which
would tell a client that PostgreSQL being away is a problem with its query.
This router answers 503 instead, through the app's one error handler, and
400 to a body that is not a UTF-8 JSON object.
"""

import json
from typing import Any

from cross_web import HTTPException
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionResult

from api.errors import is_database_unavailable
from service.errors import DatabaseUnavailableError


class PalaceGraphQLRouter(GraphQLRouter):  # type: ignore[type-arg]
    async def parse_http_body(self, request: Any) -> Any:
        try:
            return await super().parse_http_body(request)
        except (UnicodeDecodeError, RecursionError) as exc:
            raise HTTPException(400, "body is not valid UTF-8 JSON") from exc
        except (AttributeError, TypeError) as exc:
            # Strawberry assumes a JSON object; a string or a number breaks it.
            raise HTTPException(
                400, "body must be a JSON object with a `query`"
            ) from exc
        except json.JSONDecodeError:
            raise
        except ValueError as exc:
            raise HTTPException(400, f"body is not valid JSON: {exc}") from exc

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        for error in result.errors or []:
            if error.original_error is not None and is_database_unavailable(
                error.original_error
            ):
                raise DatabaseUnavailableError(
                    "database unavailable, try again shortly"
                )
        return await super().process_result(request, result)
