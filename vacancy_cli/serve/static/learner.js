// The learner's page: join the room, predict, play the lesson's challenge against the
// server's engine. Every board comes from the server; the page only draws it.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let lesson = null;

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    row.appendChild(td);
  }

  async function call(method, path, body) {
    const options = { method: method, headers: {}, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const answer = await fetch(path, options);
    const data = await answer.json();
    if (!answer.ok) {
      const error = new Error(data.error || answer.statusText);
      error.status = answer.status;
      throw error;
    }
    $("error").textContent = "";
    return data;
  }

  function draw(game) {
    lesson = game.lesson;
    $("lesson-title").textContent = ": " + game.title;
    document.title = "vacancy: " + game.title;
    $("text").textContent = game.text;
    const challenge = game.challenge;
    $("challenge").textContent = challenge ? "Challenge: " + challenge.text : "";
    if (challenge && challenge.met) {
      $("challenge").textContent += " \u2014 met in " + challenge.met_with.length + " steps!";
      $("challenge").className = "challenge met";
    } else {
      $("challenge").className = "challenge";
    }
    $("predict").hidden = !game.can_predict || game.prediction !== null;
    $("prediction").textContent =
      game.prediction === null ? "" : "You predicted a final stock of " + game.prediction + ".";
    $("strategy").textContent = game.strategy;
    $("stock").textContent = game.stock;
    const board = $("board").tBodies[0];
    board.replaceChildren();
    for (const r of game.requests) {
      const row = board.insertRow();
      row.dataset.request = r.id;
      cell(row, r.id); cell(row, r.op); cell(row, r.qty); cell(row, r.state);
      cell(row, r.line); cell(row, r.seen);
      cell(row, r.granted === null ? "" : r.granted ? "granted" : "refused");
    }
    const moves = $("moves");
    moves.replaceChildren();
    if (!game.finished) {
      moves.append("Move: ");
      for (const id of game.options) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "move";
        button.dataset.request = id;
        button.textContent = id;
        button.addEventListener("click", () => act("move", { request: id }));
        moves.appendChild(button);
      }
    }
    const timeline = $("timeline").tBodies[0];
    timeline.replaceChildren();
    game.steps.forEach((s, n) => {
      const row = timeline.insertRow();
      const words = game.rows[n];
      cell(row, "t" + s.t); cell(row, s.request); cell(row, words.does);
      cell(row, words.mark ? s.stock + " ← " + words.mark : s.stock);
      if (words.mark) row.className = "violation";
    });
    const outcome = $("outcome");
    outcome.replaceChildren();
    if (game.run) {
      const head = document.createElement("p");
      head.id = "final";
      head.textContent = "Final stock " + game.run.final_stock + ": " + game.run.verdict + ".";
      outcome.appendChild(head);
      const list = document.createElement("ul");
      for (const sentence of game.explanation) {
        const item = document.createElement("li");
        item.textContent = sentence;
        list.appendChild(item);
      }
      outcome.appendChild(list);
    }
    $("source").textContent = game.source
      .map((b) => b.code.split("\n").map((line, i) => (line ? String(b.start + i).padStart(4) + "  " + line : "")).join("\n"))
      .join("\n");
    $("note").textContent = game.note || "";
  }

  async function act(action, body) {
    try {
      draw(await call("POST", "/api/game/" + action, body || {}));
    } catch (error) {
      $("note").textContent = error.message;
    }
  }

  async function refresh() {
    try {
      const game = await call("GET", "/api/game");
      if (game.lesson !== lesson) draw(game);
    } catch (error) {
      if (error.status === 401) { lesson = null; await start(); } else $("error").textContent = error.message;
    }
  }

  async function enter(code) {
    await call("POST", "/api/join", code === undefined ? {} : { code: code });
    $("join").hidden = true;
    $("play").hidden = false;
    draw(await call("GET", "/api/game"));
  }

  async function start() {
    try {
      await enter();
    } catch (error) {
      if (error.status === 403) { $("join").hidden = false; $("play").hidden = true; }
      $("error").textContent = error.message;
    }
  }

  $("join").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await enter($("code").value); } catch (error) { $("error").textContent = error.message; }
  });
  $("predict").addEventListener("submit", (event) => {
    event.preventDefault();
    act("predict", { final_stock: Number($("guess").value) });
  });
  $("undo").addEventListener("click", () => act("undo"));
  $("restart").addEventListener("click", () => act("restart"));
  $("hint").addEventListener("click", () => act("hint"));
  start();
  setInterval(() => { if (!$("play").hidden) refresh(); }, 2000);
})();
