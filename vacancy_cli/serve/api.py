"""The Starlette app: the pages, the learners' endpoints and the facilitator's.

Safe by default: every answer is JSON or one of the fixed page files; a
request the room refuses, a malformed body, an unknown URL or an error of our
own is a 4xx/5xx with ``{"error": "one line"}``, never a traceback page
(``debug=False`` and the handlers below). Bodies are read up to
``Limits.body_bytes`` and no further. Each endpoint reads its body on the
server's loop, then does its work in the thread pool (``_endpoint``): the
engine steps a game with its own event loop, which must not be the running one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vacancy_cli.app.play import IllegalMove
from vacancy_cli.serve import views
from vacancy_cli.serve.room import Learner, Refused, Room

COOKIE = "vacancy_session"
TOKEN_HEADER = "x-vacancy-token"
# The only files the app serves: a name the browser sends is a key, never a path.
PAGES = {
    "/": ("learner.html", "text/html; charset=utf-8"),
    "/facilitator": ("facilitator.html", "text/html; charset=utf-8"),
    "/static/serve.css": ("serve.css", "text/css; charset=utf-8"),
    "/static/learner.js": ("learner.js", "text/javascript; charset=utf-8"),
    "/static/facilitator.js": ("facilitator.js", "text/javascript; charset=utf-8"),
}
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


def _page(path: str) -> bytes:
    name = PAGES[path][0]
    return (resources.files("vacancy_cli.serve") / "static" / name).read_bytes()


def create_app(room: Room) -> Starlette:
    """The app serving ``room``; the pages are read once, here."""
    pages = {path: _page(path) for path in PAGES}

    def page(request: Request, body: dict[str, Any]) -> Response:
        path = request.url.path
        if path == "/facilitator":
            room.check_token(request.query_params.get("token"))
        return Response(pages[path], media_type=PAGES[path][1], headers=HEADERS)

    def join(request: Request, body: dict[str, Any]) -> Response:
        address = request.client.host if request.client is not None else ""
        sid = room.join(_text(body, "code", optional=True), request.cookies.get(COOKIE), address)
        answer = _json(views.catalogue(room))
        answer.set_cookie(COOKIE, sid, httponly=True, samesite="strict")
        return answer

    def lessons(request: Request, body: dict[str, Any]) -> Response:
        _learner(request, room)
        return _json(views.catalogue(room))

    def game(request: Request, body: dict[str, Any]) -> Response:
        learner = _learner(request, room)
        with learner.lock:
            return _json(views.board(room, learner, room.game(learner)))

    def act(request: Request, body: dict[str, Any]) -> Response:
        learner = _learner(request, room)
        action = request.path_params["action"]
        with learner.lock:
            played = room.game(learner)
            note = None
            try:
                if action == "move":
                    played.move(_text(body, "request") or "")
                elif action == "undo":
                    played.undo()
                elif action == "restart":
                    played.restart()
                elif action == "hint":
                    hint = played.next_hint()
                    note = (
                        f"Hint {hint[0]} of {len(played.hints)}: {hint[1]}"
                        if hint
                        else "No more hints"
                        if played.hints
                        else "This lesson has no hints"
                    )
                elif action == "predict":
                    room.predict(learner, body.get("final_stock"))
                else:
                    raise Refused(404, f"no action {action!r}")
            except IllegalMove as exc:
                raise Refused(400, str(exc)) from None
            return _json(views.board(room, learner, played, note))

    def facilitator(request: Request, body: dict[str, Any]) -> Response:
        room.check_token(request.headers.get(TOKEN_HEADER))
        return _json(views.facilitator(room))

    def advance(request: Request, body: dict[str, Any]) -> Response:
        room.check_token(request.headers.get(TOKEN_HEADER))
        room.advance()
        return _json(views.facilitator(room))

    def route(path: str, work: Work, method: str) -> Route:
        return Route(path, _endpoint(work, room.limits.body_bytes), methods=[method])

    routes = [route(path, page, "GET") for path in PAGES] + [
        route("/api/join", join, "POST"),
        route("/api/lessons", lessons, "GET"),
        route("/api/game", game, "GET"),
        route("/api/game/{action}", act, "POST"),
        route("/api/facilitator", facilitator, "GET"),
        route("/api/facilitator/next", advance, "POST"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        room.close()  # the server stops: every game's scheduler with it

    return Starlette(
        debug=False,
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            Refused: _refused,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )


Work = Callable[[Request, dict[str, Any]], Response]


def _endpoint(work: Work, limit: int) -> Callable[[Request], Awaitable[Response]]:
    """``work`` as a Starlette endpoint: the body read (bounded) and parsed here, the
    work done in the thread pool."""

    async def endpoint(request: Request) -> Response:
        body = _parse(await _read(request, limit)) if request.method == "POST" else {}
        return await run_in_threadpool(work, request, body)

    return endpoint


async def _read(request: Request, limit: int) -> bytes:
    """At most ``limit`` bytes of the body: a longer one is refused as it arrives."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Refused(413, f"the request body is over {limit} bytes")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise Refused(413, f"the request body is over {limit} bytes")
    return raw


def _json(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=HEADERS)


def _error(status: int, message: str) -> JSONResponse:
    line = " ".join(message.split())  # one line, whatever the message held
    return _json({"error": line}, status)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return _error(exc.status, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    reasons = {404: "no such page", 405: "method not allowed here"}
    return _error(exc.status_code, reasons.get(exc.status_code, str(exc.detail)))


async def _server_error(request: Request, exc: Exception) -> Response:
    return _error(500, f"the server failed on this request: {type(exc).__name__}")


def _learner(request: Request, room: Room) -> Learner:
    return room.learner(request.cookies.get(COOKIE))


def _parse(raw: bytes) -> dict[str, Any]:
    """The JSON object a POST carries; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        found = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(found, dict):
        raise Refused(400, "the body must be a JSON object")
    return found


def _text(body: dict[str, Any], key: str, optional: bool = False) -> str | None:
    value = body.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > 100:
        raise Refused(400, f"{key} must be a short string")
    return value
