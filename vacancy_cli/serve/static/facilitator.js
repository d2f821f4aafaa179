// The facilitator's page: the room's predictions against every reachable final stock,
// polled every second and a half; a button moves everyone to the next lesson.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const token = new URLSearchParams(window.location.search).get("token") || "";

  async function call(method, path) {
    const answer = await fetch(path, { method: method, headers: { "X-Vacancy-Token": token } });
    const data = await answer.json();
    if (!answer.ok) throw new Error(data.error || answer.statusText);
    $("error").textContent = "";
    return data;
  }

  function bar(count, most, real) {
    const span = document.createElement("span");
    span.className = real ? "bar real" : "bar";
    span.style.width = most ? (10 * count) / most + "rem" : "0";
    return span;
  }

  function draw(room) {
    $("title").textContent = room.title;
    $("code").textContent = room.code;
    $("position").textContent = room.lesson + 1 + " of " + room.lessons;
    $("strategy").textContent = room.strategy;
    $("challenge").textContent = room.challenge ? "Challenge: " + room.challenge : "";
    $("learners").textContent = room.learners;
    $("playing").textContent = room.playing;
    $("finished").textContent = room.finished;
    $("met").textContent = room.met;
    const guesses = new Map(room.predictions.map((p) => [p.final_stock, p.learners]));
    const reach = new Map(room.outcomes.map((o) => [o.final_stock, o.schedules]));
    const stocks = [...new Set([...guesses.keys(), ...reach.keys()])].sort((a, b) => a - b);
    const mostGuesses = Math.max(0, ...guesses.values());
    const mostSchedules = Math.max(0, ...reach.values());
    const body = $("histogram").tBodies[0];
    body.replaceChildren();
    for (const stock of stocks) {
      const row = body.insertRow();
      row.dataset.stock = stock;
      row.insertCell().textContent = stock;
      const guessed = row.insertCell();
      guessed.append(bar(guesses.get(stock) || 0, mostGuesses, false), " " + (guesses.get(stock) || 0));
      const real = row.insertCell();
      real.append(bar(reach.get(stock) || 0, mostSchedules, true),
        reach.has(stock) ? " " + reach.get(stock) : " unreachable");
    }
    $("next").disabled = room.lesson + 1 >= room.lessons;
  }

  async function refresh() {
    try { draw(await call("GET", "/api/facilitator")); } catch (error) { $("error").textContent = error.message; }
  }

  $("next").addEventListener("click", async () => {
    try { draw(await call("POST", "/api/facilitator/next")); } catch (error) { $("error").textContent = error.message; }
  });
  refresh();
  setInterval(refresh, 1500);
})();
