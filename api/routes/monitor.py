"""The monitor page and the chart library it uses, served from this machine."""

from pathlib import Path

import plotly
from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.deps import PalaceDep

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Plotly's Python package ships the browser bundle, so the page works offline.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/")
async def monitor_page(palace: PalaceDep) -> Response:
    if not palace.can_read:
        return RedirectResponse("/login", status_code=303)

    # Revalidated on every visit, so an upgraded server is seen at once.
    # TODO: the page's scripts under /static are sent without Cache-Control,
    # so after an upgrade a browser may pair the new page with cached old
    # modules until it revalidates them; version their URLs or send no-cache.
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/vendor/plotly.min.js")
async def plotly_bundle() -> FileResponse:
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
