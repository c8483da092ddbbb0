"""A cap on request bodies, enforced while they arrive.

FastAPI parses a multipart upload whole (spooling files to disk) before the
handler sees it, so the upload form's own size check would come too late for a
huge or endless body. This ASGI middleware refuses a body whose declared
Content-Length is over the cap at once, and stops reading one that grows past
it (chunked uploads), answering 413 either way.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FORM_OVERHEAD = 1024 * 1024  # room for the form's other fields and multipart headers


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int, shown_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.shown_limit = shown_limit if shown_limit is not None else limit  # the upload limit the user set

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _refuse(send, self.shown_limit)
            return
        seen = 0
        started = too_large = False

        async def counted() -> Message:
            nonlocal seen, too_large
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                too_large = True
                raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return  # the app's answer to a cut-off body (FastAPI: 400 "error parsing the body") is replaced
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            pass
        if too_large and not started:
            await _refuse(send, self.shown_limit)


async def _refuse(send: Send, limit: int) -> None:
    body = (f"413: the request is larger than {limit // (1024 * 1024)} MB "
            f"(リクエストが大きすぎます)").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
