"""Who is asking: the one place a request's palace is decided.

REST routes, GraphQL resolvers and the page all receive a RequestPalace from
here and never look for a palace anywhere else.
"""

from dataclasses import dataclass

from fastapi import Request

from api.settings import Settings
from service.errors import ForbiddenPalaceError


@dataclass(frozen=True, slots=True)
class RequestPalace:
    """The palace a request reads, and whether its writes are pinned to it.

    `pinned` is set when a session or key fixed the palace; until then an
    ingest may name its palace in the body, as the SDK does from PALACE_NAME.
    """

    palace: str
    pinned: bool = False

    def for_write(self, claimed: str | None) -> str:
        if claimed is None or claimed == self.palace:
            return self.palace
        if self.pinned:
            raise ForbiddenPalaceError(
                f"this request may only write to palace {self.palace!r}"
            )
        return claimed


def resolve_palace(request: Request, settings: Settings) -> RequestPalace:
    """The palace of a request: no argument, header or body of it chooses.

    TODO: sessions and keys do not exist yet, so every request resolves to
    DEFAULT_PALACE; a server shared by several palaces needs them first.
    """
    return RequestPalace(settings.default_palace)
