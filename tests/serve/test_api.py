"""`vacancy serve`'s app through Starlette's TestClient: a room of learners, a facilitator."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from vacancy_cli.serve.api import create_app  # noqa: E402
from vacancy_cli.serve.room import Lesson, Limits, Room, lessons_from  # noqa: E402

LESSONS = lessons_from([])


class Clock:
    """A clock the test moves: expiry is tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


MADE: list[Room] = []


def room_of(**options: object) -> Room:
    made = Room(LESSONS[:2], **options)  # type: ignore[arg-type]
    MADE.append(made)
    return made


@pytest.fixture(autouse=True)
def _closed_rooms() -> Iterator[None]:
    """Every room a test made is closed after it: each game holds a scheduler, and a
    request's task left pending would be reported by a later test's gc."""
    yield
    while MADE:
        MADE.pop().close()


@pytest.fixture
def room() -> Room:
    return room_of()


@pytest.fixture
def client(room: Room) -> Iterator[TestClient]:
    with TestClient(create_app(room)) as made:
        yield made


def joined(room: Room, code: str | None = None) -> TestClient:
    learner = TestClient(create_app(room))
    answer = learner.post("/api/join", json={} if code is None else {"code": code})
    assert answer.status_code == 200, answer.text
    return learner


def boss(room: Room) -> dict[str, str]:
    return {"X-Vacancy-Token": room.token}


def one_line_error(answer: object, status: int) -> str:
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    message = answer.json()["error"]  # type: ignore[attr-defined]
    assert isinstance(message, str) and message and "\n" not in message
    assert "Traceback" not in answer.text  # type: ignore[attr-defined]
    return message


def test_the_catalogue_is_the_course_in_order_without_server_lessons() -> None:
    names = [lesson.scenario.name for lesson in LESSONS]
    assert names[:3] == ["lost-update", "lucky-schedule", "three-way"]
    assert "servers" not in names  # its challenge needs PostgreSQL: the room never connects
    assert all(lesson.strategy not in ("redis", "postgres-naive") for lesson in LESSONS)


def test_a_learner_plays_lost_update_and_meets_the_challenge(room: Room) -> None:
    learner = joined(room)
    start = learner.get("/api/game").json()
    assert start["name"] == "lost-update" and start["strategy"] == "none"
    assert start["can_predict"] and start["options"] == ["A", "B"]
    for request in ("A", "B", "A", "B"):
        board = learner.post("/api/game/move", json={"request": request}).json()
    assert board["finished"] and board["challenge"]["met"]
    assert board["challenge"]["met_with"] == ["A", "B", "A", "B"]
    assert board["run"]["final_stock"] == 99 and board["run"]["strategy"] == "none"
    assert [step["request"] for step in board["run"]["steps"]] == ["A", "B", "A", "B"]
    assert board["rows"][3] == {"does": "writes 99", "mark": "lost update"}  # play's words
    assert any("A's sale vanished" in sentence for sentence in board["explanation"])
    tally = learner.get("/api/facilitator", headers=boss(room)).json()
    assert tally["met"] == 1 and tally["finished"] == 1


def test_undo_restart_and_hints_are_plays(room: Room) -> None:
    learner = joined(room)
    learner.post("/api/game/move", json={"request": "A"})
    after = learner.post("/api/game/undo").json()
    assert after["steps"] == [] and not after["can_predict"]  # the game has begun
    learner.post("/api/game/move", json={"request": "B"})
    assert learner.post("/api/game/restart").json()["steps"] == []
    hinted = learner.post("/api/game/hint").json()
    assert hinted["hints_used"] == 1 and hinted["note"].startswith("Hint 1 of")


def test_a_second_learners_prediction_shows_in_the_facilitator_view(room: Room) -> None:
    first, second = joined(room), joined(room)
    first.post("/api/game/predict", json={"final_stock": 98})
    assert second.post("/api/game/predict", json={"final_stock": 99}).json()["prediction"] == 99
    tally = first.get("/api/facilitator", headers=boss(room)).json()
    assert tally["predictions"] == [
        {"final_stock": 98, "learners": 1},
        {"final_stock": 99, "learners": 1},
    ]
    assert {o["final_stock"] for o in tally["outcomes"]} == {98, 99}
    assert tally["learners"] == 2 and tally["code"] == room.code


def test_predictions_close_at_the_first_move(room: Room) -> None:
    learner = joined(room)
    learner.post("/api/game/move", json={"request": "A"})
    answer = learner.post("/api/game/predict", json={"final_stock": 99})
    assert "first move" in one_line_error(answer, 409)


@pytest.mark.parametrize("path", ["/api/facilitator", "/api/facilitator/next", "/facilitator"])
@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_facilitator_endpoints_refuse_a_missing_or_wrong_token(
    client: TestClient, room: Room, path: str, token: str | None
) -> None:
    headers = {} if token is None else {"X-Vacancy-Token": token}
    method = client.post if path.endswith("next") else client.get
    answer = method(path, headers=headers, params={} if token is None else {"token": token})
    assert "token" in one_line_error(answer, 403)
    assert room.current == 0


def test_the_facilitator_moves_everyone_to_the_next_lesson(room: Room) -> None:
    learner = joined(room)
    learner.post("/api/game/predict", json={"final_stock": 98})
    moved = learner.post("/api/facilitator/next", headers=boss(room)).json()
    assert moved["lesson"] == 1 and moved["predictions"] == []
    board = learner.get("/api/game").json()
    assert board["name"] == LESSONS[1].scenario.name and board["prediction"] is None
    page = learner.get("/facilitator", params={"token": room.token})
    assert page.status_code == 200 and "facilitator.js" in page.text


def test_a_non_loopback_room_needs_its_code() -> None:
    room = room_of(need_code=True)
    stranger = TestClient(create_app(room))
    assert "room code" in one_line_error(stranger.post("/api/join", json={}), 403)
    assert "room code" in one_line_error(stranger.post("/api/join", json={"code": "ZZZZ"}), 403)
    assert "session" in one_line_error(stranger.get("/api/game"), 401)
    learner = joined(room, room.code.lower())  # said aloud, typed in any case
    assert learner.get("/api/game").status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1]", b'{"request": 5}', b'{"request": "Z"}', b'{"request": "../etc/passwd"}', b""],
)
def test_a_malformed_move_is_a_400_with_one_line(room: Room, body: bytes) -> None:
    learner = joined(room)
    answer = learner.post("/api/game/move", content=body)
    one_line_error(answer, 400)
    assert learner.get("/api/game").json()["steps"] == []


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=200))
def test_no_body_gives_a_server_error(body: bytes) -> None:
    learner = joined(room_of())
    for action in ("move", "predict", "hint"):
        answer = learner.post(f"/api/game/{action}", content=body)
        assert answer.status_code < 500, answer.text
        assert answer.headers["content-type"] == "application/json"


def test_unknown_urls_and_actions_are_json_404s(room: Room) -> None:
    learner = joined(room)
    assert one_line_error(learner.get("/static/../pyproject.toml"), 404)
    assert one_line_error(learner.post("/api/game/delete"), 404)
    assert one_line_error(learner.get("/api/game/move"), 405)


def test_bodies_over_the_limit_are_refused(room: Room) -> None:
    learner = joined(room)
    big = b'{"request": "A", "pad": "' + b"x" * 5000 + b'"}'
    assert "bytes" in one_line_error(learner.post("/api/game/move", content=big), 413)
    assert learner.get("/api/game").json()["steps"] == []


def test_the_room_holds_at_most_its_sessions() -> None:
    room = room_of(limits=Limits(sessions=2))
    joined(room), joined(room)
    assert "full" in one_line_error(TestClient(create_app(room)).post("/api/join"), 503)


def test_one_address_cannot_open_every_place_of_the_room() -> None:
    clock = Clock()
    room = room_of(limits=Limits(sessions=50, joins=3), clock=clock)
    for _ in range(3):
        joined(room)  # each a client without the others' cookie, from one address
    refused = TestClient(create_app(room)).post("/api/join")
    assert "too many new sessions" in one_line_error(refused, 429)
    assert room.join(None, address="10.0.0.7")  # another laptop still gets in
    clock.now += 61
    assert joined(room).get("/api/game").status_code == 200  # a minute later, again


def test_a_reload_never_counts_as_a_new_session() -> None:
    room = room_of(limits=Limits(joins=1))
    learner = joined(room)
    for _ in range(5):
        assert learner.post("/api/join").status_code == 200
    assert learner.get("/api/facilitator", headers=boss(room)).json()["learners"] == 1


def test_each_learner_is_rate_limited_alone() -> None:
    room = room_of(limits=Limits(requests=3))
    busy, calm = joined(room), joined(room)
    for _ in range(3):
        assert busy.get("/api/game").status_code == 200
    assert "too many" in one_line_error(busy.get("/api/game"), 429)
    assert calm.get("/api/game").status_code == 200


def test_idle_games_expire_and_free_their_place() -> None:
    clock = Clock()
    room = room_of(limits=Limits(sessions=1, idle_s=3600), clock=clock)
    idle = joined(room)
    clock.now += 3601
    newcomer = joined(room)  # the idle learner's place is free again
    assert "session" in one_line_error(idle.get("/api/game"), 401)
    assert newcomer.get("/api/game").status_code == 200


def test_a_room_needs_a_lesson() -> None:
    with pytest.raises(ValueError):
        Room([])
    assert isinstance(LESSONS[0], Lesson)


def test_a_reloaded_page_keeps_its_session_and_its_game(room: Room) -> None:
    learner = joined(room)
    learner.post("/api/game/move", json={"request": "A"})
    assert learner.post("/api/join").status_code == 200  # the page loaded again
    assert [s["request"] for s in learner.get("/api/game").json()["steps"]] == ["A"]
    assert learner.get("/api/facilitator", headers=boss(room)).json()["learners"] == 1


def test_closing_the_room_closes_every_game(room: Room) -> None:
    """Each game holds a scheduler whose request tasks wait on its event loop: the
    server's shutdown closes them all (a task left pending is reported at gc)."""
    learner = joined(room)
    learner.post("/api/game/move", json={"request": "A"})
    learners = list(room._learners.values())
    assert room.learners == 1 and all(lr.game is not None for lr in learners)
    room.close()
    assert room.learners == 0 and all(lr.game is None for lr in learners)
