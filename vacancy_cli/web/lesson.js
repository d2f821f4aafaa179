/* vacancy's lesson page: builds the timelines, the summary and the outcome map
   from the JSON embedded in the page (the documents `--json` prints, plus the
   terminal's words for each row). Vanilla JS, no build step, nothing fetched.
   Every piece of text goes in through textContent: a scenario's own words are
   never parsed as markup. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("lesson-data").textContent);
  var root = document.getElementById("lesson");
  var announcer = document.getElementById("announce");
  var timelines = []; // the steppable timelines on screen, in page order
  var current = null; // the one the arrow keys move

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else if (key === "hidden") node.hidden = !!attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function say(text) {
    announcer.textContent = text;
  }

  function makeCurrent(timeline) {
    if (current === timeline) return;
    if (current) current.section.classList.remove("current");
    current = timeline;
    if (timeline) timeline.section.classList.add("current");
  }

  /* One run's timeline, stepped row by row. `options.predict`: the final stock
     stays hidden (and the timeline locked) until the viewer has typed a guess. */
  function Timeline(run, notes, section, options) {
    var self = this;
    var ids = run.requests.map(function (r) { return r.id; });
    var wide = ids.length > 8; // as the terminal: one Request column past 8 requests
    this.run = run;
    this.section = section;
    this.shown = 0;
    this.total = run.steps.length;
    this.guessed = !options.predict;
    this.onGuess = options.onGuess || function () {};

    var headers = [el("th", { scope: "col", className: "num", text: "Time" })];
    if (wide) {
      headers.push(el("th", { scope: "col", text: "Request" }));
      headers.push(el("th", { scope: "col", text: "Does" }));
    } else {
      ids.forEach(function (id) { headers.push(el("th", { scope: "col", text: "Request " + id })); });
    }
    headers.push(el("th", { scope: "col", className: "num", text: "Stock" }));
    this.rows = run.steps.map(function (step, n) {
      var row = notes.rows[n];
      var cells = [el("th", { scope: "row", className: "num", text: "t" + step.t })];
      if (wide) {
        cells.push(el("td", { text: step.request }));
        cells.push(el("td", { text: row.does }));
      } else {
        ids.forEach(function (id) { cells.push(el("td", { text: id === step.request ? row.does : "" })); });
      }
      var stock = el("td", { className: "num stock" }, [
        String(step.stock) + (run.pods > 1 ? " (pod " + step.pod + ")" : ""),
      ]);
      if (row.mark) stock.appendChild(el("span", { className: "mark", text: " ← " + row.mark }));
      cells.push(stock);
      return el("tr", { className: row.mark ? "marked" : "", hidden: true, "data-t": step.t }, cells);
    });
    this.table = el("table", { className: "timeline" }, [
      el("caption", { text: notes.title }),
      el("thead", {}, [el("tr", {}, headers)]),
      el("tbody", {}, this.rows),
    ]);

    this.back = el("button", { type: "button", className: "back", text: "◀ Back" });
    this.next = el("button", { type: "button", className: "next", text: "Next step ▶" });
    this.all = el("button", { type: "button", className: "all", text: "Show all" });
    this.restart = el("button", { type: "button", className: "restart", text: "Start over" });
    this.position = el("span", { className: "position", "aria-hidden": "true" });
    this.back.addEventListener("click", function () { makeCurrent(self); self.show(self.shown - 1); });
    this.next.addEventListener("click", function () { makeCurrent(self); self.show(self.shown + 1); });
    this.all.addEventListener("click", function () { makeCurrent(self); self.show(self.total); });
    this.restart.addEventListener("click", function () { makeCurrent(self); self.show(0); });
    this.controls = el("div", { className: "controls" }, [
      this.back, this.next, this.all, this.restart, this.position,
    ]);

    this.outcome = el("p", { className: "outcome", text: notes.outcome, hidden: true });
    this.sentences = notes.sentences.map(function (s) {
      return el("li", { className: run.violations.length ? "violation" : "", text: s.text, hidden: true, "data-after": s.after });
    });
    this.after = notes.sentences.map(function (s) { return s.after; });
    var list = el("ul", { className: "sentences" }, this.sentences);

    var parts = [];
    if (options.predict) parts.push(this.guessForm());
    parts.push(this.controls, el("div", { className: "scroll" }, [this.table]), this.outcome, list);
    this.node = el("div", { className: "stepper" }, parts);
    this.show(options.showAll ? this.total : 0, true);
  }

  Timeline.prototype.guessForm = function () {
    var self = this;
    var input = el("input", {
      type: "number", step: "1", inputmode: "numeric", className: "guess",
      "aria-label": "Your guess for the final stock of " + this.run.strategy,
    });
    var button = el("button", { type: "submit", className: "check", text: "Check my guess" });
    this.result = el("p", { className: "guess-result", "aria-live": "polite", hidden: true });
    var form = el("form", { className: "predict" }, [
      el("label", {}, ["What will the final stock be? ", input]), " ", button, this.result,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (self.guessed) return;
      var text = input.value.trim();
      if (!/^-?\d+$/.test(text)) {
        self.result.hidden = false;
        self.result.className = "guess-result";
        self.result.textContent = "Type a whole number first (an oversell ends below 0).";
        return;
      }
      var guess = parseInt(text, 10);
      var right = guess === self.run.final_stock;
      self.guess = guess;
      self.guessed = true;
      input.disabled = true;
      button.disabled = true;
      self.result.hidden = false;
      self.result.className = "guess-result " + (right ? "right" : "wrong");
      self.result.textContent = right
        ? "✓ Right: the final stock is " + self.run.final_stock + "."
        : "✗ Wrong: you guessed " + guess + "; the final stock is " + self.run.final_stock + ".";
      say(self.result.textContent);
      self.show(self.shown, true);
      self.onGuess(self);
    });
    return form;
  };

  /* Show the first `count` rows (clamped), the sentences those rows explain,
     and at the end the outcome line. Locked at 0 rows until a guess in predict mode. */
  Timeline.prototype.show = function (count, quiet) {
    var self = this;
    count = Math.max(0, Math.min(this.total, count));
    if (!this.guessed) count = 0;
    this.shown = count;
    this.rows.forEach(function (row, n) {
      row.hidden = n >= count;
      row.classList.toggle("latest", n === count - 1 && count < self.total);
    });
    var end = count === this.total;
    this.sentences.forEach(function (li, n) { li.hidden = !self.guessed || (self.after[n] > count && !end); });
    this.outcome.hidden = !end || !this.guessed;
    this.back.disabled = !this.guessed || count === 0;
    this.next.disabled = !this.guessed || end;
    this.all.disabled = !this.guessed || end;
    this.restart.disabled = !this.guessed || count === 0;
    this.position.textContent = this.guessed
      ? "step " + count + " of " + this.total
      : "guess the final stock to start";
    if (!quiet && count > 0) {
      var step = this.run.steps[count - 1];
      var cells = this.rows[count - 1].textContent;
      say("t" + step.t + ", request " + step.request + ": " + cells.replace(/\s+/g, " ") + (end ? ". " + this.outcome.textContent : ""));
    }
  };

  Timeline.prototype.atEnd = function () { return this.shown === this.total; };

  function register(timeline) {
    timelines.push(timeline);
    timeline.section.addEventListener("focusin", function () { makeCurrent(timeline); });
    timeline.section.addEventListener("click", function () { makeCurrent(timeline); });
    if (!current) makeCurrent(timeline);
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!current) return;
    var keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (event.key in keys) {
      event.preventDefault();
      var forward = keys[event.key] > 0;
      if (forward && current.atEnd() && current.guessed) {
        var later = timelines[timelines.indexOf(current) + 1];
        if (later) {
          makeCurrent(later);
          later.section.scrollIntoView({ block: "start" });
          return;
        }
      }
      current.show(current.shown + keys[event.key]);
      var row = current.rows[current.shown - 1];
      if (row && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Home") {
      event.preventDefault();
      current.show(0);
    } else if (event.key === "End") {
      event.preventDefault();
      current.show(current.total);
    }
  });

  // -- simulate ------------------------------------------------------------------

  function simulatePage(predict) {
    var doc = data.document;
    timelines = [];
    current = null;
    root.textContent = "";
    var schedule = doc.schedule || "(none: requests run in scenario order)";
    root.appendChild(el("p", {}, ["Stock " + doc.stock + ", schedule ", el("code", { text: schedule })]));
    var toggle = el("input", { type: "checkbox", id: "predict" });
    toggle.checked = predict;
    toggle.addEventListener("change", function () { simulatePage(toggle.checked); });
    root.appendChild(el("p", { className: "predict-toggle" }, [
      toggle, " ", el("label", { for: "predict", text: "Predict mode: guess each final stock before its timeline plays" }),
    ]));
    var summaryHolder = el("div", { className: "scroll summary" });
    var shown = [];
    doc.runs.forEach(function (run, n) {
      var section = el("section", { className: "strategy", "aria-label": run.strategy });
      var timeline = new Timeline(run, data.notes[n], section, {
        predict: predict,
        onGuess: function () { summaryHolder.replaceChildren(summaryTable(doc.runs, shown)); },
      });
      shown.push(timeline);
      section.appendChild(el("h2", { text: run.strategy }));
      section.appendChild(timeline.node);
      root.appendChild(section);
      register(timeline);
    });
    root.appendChild(el("h2", { text: "Summary" }));
    summaryHolder.appendChild(summaryTable(doc.runs, shown));
    root.appendChild(summaryHolder);
    if (data.lesson) {
      root.appendChild(el("h2", { text: "Lesson" }));
      root.appendChild(el("p", { className: "lesson", text: data.lesson }));
    }
  }

  function summaryTable(runs, shown) {
    var head = ["Strategy", "Final stock", "Expected", "Granted", "Verdict"];
    var predicted = shown.some(function (t) { return t.guess !== undefined; });
    if (predicted) head.splice(3, 0, "Predicted");
    var rows = runs.map(function (run, n) {
      var hidden = !shown[n].guessed;
      var granted = run.requests.filter(function (r) { return r.granted; }).map(function (r) { return r.id; });
      var cells = [
        el("th", { scope: "row", text: run.strategy }),
        el("td", { className: "num final", text: hidden ? "? (guess first)" : String(run.final_stock) }),
        el("td", { className: "num", text: check(run.expected_final_stock, run.final_stock, hidden) }),
      ];
      if (predicted) cells.push(el("td", { className: "num", text: check(shown[n].guess, run.final_stock, hidden) }));
      cells.push(el("td", { text: run.granted_tickets + " (" + (granted.join(", ") || "none") + ")" }));
      cells.push(el("td", {
        className: hidden ? "" : run.verdict === "correct" ? "verdict-good" : "verdict-bad",
        text: hidden ? "?" : run.verdict,
      }));
      return el("tr", {}, cells);
    });
    return el("table", { className: "summary" }, [
      el("caption", { text: "Summary" }),
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, rows),
    ]);
  }

  function check(wanted, got, hidden) {
    if (wanted === null || wanted === undefined) return "-";
    if (hidden) return String(wanted);
    return wanted + (wanted === got ? " ✓" : " ✗");
  }

  // -- explore -------------------------------------------------------------------

  function explorePage() {
    var doc = data.document;
    doc.explorations.forEach(function (exp, e) {
      var notes = data.notes[e];
      var section = el("section", { className: "exploration", "aria-label": exp.strategy });
      section.appendChild(el("h2", { text: notes.summary }));
      section.appendChild(el("p", {
        className: exp.violating_schedules ? "verdict-bad headline" : "verdict-good headline",
        text: notes.headline,
      }));
      section.appendChild(el("p", { className: "muted", text: notes.coverage }));
      var most = Math.max.apply(null, exp.outcomes.map(function (o) { return o.schedules; }).concat([1]));
      var witness = el("div", { className: "witness" }, [
        el("p", { className: "muted", text: "Click an outcome to step through its witness: the shortest schedule that reaches it." }),
      ]);
      var bars = exp.outcomes.map(function (outcome, o) {
        var bad = outcome.violations.length > 0;
        var label = "#" + (o + 1) + " final stock " + outcome.final_stock + ", granted " +
          (outcome.granted.join(", ") || "none") + (bad ? ": " + outcome.verdict : "");
        var fill = el("span", { className: "fill", text: outcome.schedules.toLocaleString("en") });
        fill.style.width = Math.max(2, (100 * outcome.schedules) / most) + "%";
        var bar = el("button", {
          type: "button", className: "bar" + (bad ? " violating" : ""), "aria-pressed": "false",
          "aria-label": label + "; " + outcome.schedules + " schedules. Show its witness.",
          "data-outcome": o,
        }, [el("span", { className: "label", text: label }), el("span", { className: "track" }, [fill])]);
        bar.addEventListener("click", function () {
          bars.forEach(function (b) { b.setAttribute("aria-pressed", b === bar ? "true" : "false"); });
          showWitness(witness, section, exp, e, o);
        });
        return bar;
      });
      section.appendChild(el("h3", { text: "Schedules per outcome" }));
      section.appendChild(el("div", { className: "chart", role: "group", "aria-label": "Schedules per outcome" }, bars));
      section.appendChild(el("div", { className: "scroll" }, [outcomeTable(exp)]));
      section.appendChild(witness);
      root.appendChild(section);
    });
  }

  function outcomeTable(exp) {
    var head = ["#", "Final stock", "Granted", "Schedules", "Breaks"];
    return el("table", { className: "outcomes" }, [
      el("caption", { text: "Outcomes of " + exp.strategy }),
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, exp.outcomes.map(function (o, n) {
        var bad = o.violations.length > 0;
        return el("tr", {}, [
          el("th", { scope: "row", className: "num", text: String(n + 1) }),
          el("td", { className: "num", text: String(o.final_stock) }),
          el("td", { text: o.granted.join(", ") || "none" }),
          el("td", { className: "num", text: o.schedules.toLocaleString("en") }),
          el("td", { className: bad ? "verdict-bad" : "verdict-good", text: bad ? o.verdict : "nothing" }),
        ]);
      })),
    ]);
  }

  function showWitness(holder, section, exp, e, o) {
    var outcome = exp.outcomes[o];
    var notes = data.notes[e].witnesses[o];
    var run = data.witness_runs[e][o];
    var replay = data.notes[e].replays[o];
    holder.textContent = "";
    timelines = timelines.filter(function (t) { return t.section !== section; });
    if (!run) {  // past the witnesses the page carries: the command still replays it
      holder.appendChild(el("h3", {}, ["Witness #" + (o + 1) + ": ", el("code", { text: outcome.witness })]));
      holder.appendChild(el("p", { className: "muted", text: "This page steps through the first " +
        data.witness_runs[e].length + " witnesses only; replay this one in a terminal:" }));
      holder.appendChild(el("p", {}, [el("code", { text: replay })]));
      say("Witness " + (o + 1) + ": " + outcome.witness + ", not on this page");
      return;
    }
    var timeline = new Timeline(run, notes, section, {});
    holder.appendChild(el("h3", {}, ["Witness #" + (o + 1) + ": ", el("code", { text: outcome.witness })]));
    holder.appendChild(el("p", { className: "muted" }, [el("code", { text: outcome.witness_annotated })]));
    holder.appendChild(timeline.node);
    holder.appendChild(el("p", {}, ["Replay it: ", el("code", { text: replay })]));
    register(timeline);
    makeCurrent(timeline);
    timeline.next.focus();
    say("Witness " + (o + 1) + ": " + outcome.witness + ", " + timeline.total + " steps");
  }

  if (data.page === "explore") explorePage();
  else simulatePage(/predict/.test(window.location.hash));
})();
