"""Pure ASGI middleware: a body size limit, a deadline, one log line per request.

Written against ASGI directly because Starlette's BaseHTTPMiddleware adds a
task and a copy of every body to each request, on the hottest path we have.
"""

import asyncio
import time
import uuid

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = structlog.get_logger(__name__)


class BodyTooLargeError(Exception):
    pass


class BodyLimitMiddleware:
    """Answer 413 to a request body larger than `max_bytes`, however it is sent."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                if int(value) > self.max_bytes:
                    await self._refuse(send)
                    return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        message = f"request body is larger than {self.max_bytes} bytes"
        await _send_json(send, 413, {"error": message})


class DeadlineMiddleware:
    """Answer 503 to a request still unanswered after `seconds`.

    The app runs in a task of its own, so a request stuck on a database that
    stopped answering is answered at the deadline, while its cancellation and
    clean-up (which may wait on that same database) finish in the background.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False
        expired = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            # After the deadline's 503 the client has its answer; drop a late one.
            if expired:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        try:
            done, _ = await asyncio.wait({task}, timeout=self.seconds)
        except asyncio.CancelledError:
            task.cancel()
            raise
        if task in done:
            task.result()
            return

        expired = True
        task.cancel()
        task.add_done_callback(_log_late_failure)
        logger.warning(
            "http.deadline_exceeded", path=scope["path"], seconds=self.seconds
        )
        if not started:
            await _send_json(
                send,
                503,
                {"error": f"no answer within {self.seconds:g} s; try again shortly"},
                [(b"retry-after", b"5")],
            )


def _log_late_failure(task: "asyncio.Future[None]") -> None:
    # Retrieving the outcome keeps asyncio from warning about it at exit.
    if not task.cancelled() and task.exception() is not None:
        logger.warning("http.late_failure", error=repr(task.exception()))


async def _send_json(
    send: Send,
    status: int,
    content: object,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = orjson.dumps(content)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestLogMiddleware:
    """One `http.request` line per request, with a request id for correlation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = uuid.uuid4().hex[:12]
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logger.info(
                "http.request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
                request_id=request_id,
            )
