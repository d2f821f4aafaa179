"""The ``serve`` command: the course in the room's browsers (``vacancy_cli.serve``)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from vacancy_cli.cli.common import call, fail

MISSING = "error: serve needs Starlette and uvicorn: pip install 'vacancy[serve]'"


def serve(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE.toml ...]",
            help="Scenario files of your own, played after the bundled lessons.",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. The default is this machine only; give 0.0.0.0 "
            "to let the room's laptops in (they then need the room code).",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the course to the room's browsers: every learner plays the lesson's
    challenge against the real engine, and you watch the predictions come in.

    Prints the address for learners, a short room code (asked for when --host
    is not this machine only) and the facilitator's URL with its token: that
    page shows the room's predictions against every final stock the lesson can
    reach, how many met the challenge, and moves everyone to the next lesson.
    Browsers only pick moves: they cannot name a file, a manager or a server.
    Needs the serve extra (Starlette and uvicorn).

    Examples:

      vacancy serve

      vacancy serve --host 0.0.0.0 --port 8080

      vacancy serve my-scenario.toml
    """
    try:
        import uvicorn

        from vacancy_cli.serve.api import create_app
    except ImportError:
        fail(MISSING, 2)
    from vacancy_cli.model.scenario import load_scenario
    from vacancy_cli.serve.room import Room, lessons_from

    lessons = call(lambda: lessons_from([load_scenario(ref) for ref in files or []]))
    problem = cannot_listen(host, port)
    if problem:
        fail(f"error: --host {host} --port {port}: {problem}", 2)
    room = Room(lessons, need_code=not loopback(host))
    config = uvicorn.Config(create_app(room), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    print(f"vacancy serve: {len(lessons)} lessons, first: {lessons[0].scenario.title}")
    print(f"  learners:    http://{shown}:{port}/")
    print(f"  room code:   {room.code}" + ("" if room.need_code else " (not needed on 127.0.0.1)"))
    print(f"  facilitator: http://{shown}:{port}/facilitator?token={room.token}")
    print("Ctrl-C stops the server.", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn re-raises the signal it caught, once shut down
        pass
    if server.should_exit:  # a signal stopped it, as Ctrl-C stops every command
        fail("interrupted", 130)


def cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen at ``host:port`` (an unknown host, a port in use
    or reserved), asked before it starts: uvicorn would log it and exit 3."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (then learners need no room code)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
