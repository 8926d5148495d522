// The program gallery page (python -m eval.gallery): plain JavaScript, no libraries, no network.
// Reads the programs from the JSON block in index.html (a file:// page may not fetch files),
// builds one card per program once, then shows, hides and reorders the cards for the view that
// the address hash names: #sort=KEY&desc=1&status=ok&q=text&f=KEY&min=A&max=B.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("gallery-data").textContent);
  const metricByKey = new Map(data.metrics.map((m) => [m.key, m]));
  const SORT_KEYS = ["name", "status"].concat(data.metrics.map((m) => m.key));
  const DEFAULTS = { sort: "name", desc: "0", status: "all", q: "", f: "", min: "", max: "" };
  const FRAME_MS = 250;
  const $ = (id) => document.getElementById(id);

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- view state <-> address hash ----
  function readState() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const state = {};
    for (const key of Object.keys(DEFAULTS)) state[key] = params.get(key) ?? DEFAULTS[key];
    if (!SORT_KEYS.includes(state.sort)) state.sort = DEFAULTS.sort;
    if (state.f && !metricByKey.has(state.f)) state.f = "";
    state.desc = state.desc === "1" ? "1" : "0";
    return state;
  }

  function writeState(state) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) {
      if (value !== DEFAULTS[key] && value !== "") params.set(key, value);
    }
    const hash = params.toString();
    if (hash === location.hash.replace(/^#/, "")) render();
    else location.hash = hash; // the hashchange listener renders
  }

  function controlsState() {
    return { sort: $("sort").value, desc: $("desc").checked ? "1" : "0",
             status: $("status").value, q: $("q").value, f: $("f").value,
             min: $("min").value, max: $("max").value };
  }

  // ---- values, filter, order ----
  function value(program, key) {
    if (key === "name" || key === "status") return program[key];
    const v = program.metrics[key];
    if (v === undefined || v === null) return null;
    return typeof v === "boolean" ? Number(v) : v;
  }

  function visible(program, state) {
    if (state.status === "failed" && program.status === "ok") return false;
    if (!["all", "failed"].includes(state.status) && program.status !== state.status) return false;
    if (state.q && !program.name.toLowerCase().includes(state.q.toLowerCase())) return false;
    if (state.f && (state.min !== "" || state.max !== "")) {
      const v = value(program, state.f);
      if (v === null) return false;
      if (state.min !== "" && v < Number(state.min)) return false;
      if (state.max !== "" && v > Number(state.max)) return false;
    }
    return true;
  }

  function compare(state) {
    const sign = state.desc === "1" ? -1 : 1;
    return (a, b) => {
      const va = value(a, state.sort), vb = value(b, state.sort);
      if (va === null || vb === null) { // missing values last, in either direction
        if (va !== vb) return va === null ? 1 : -1;
      } else if (va !== vb) {
        return sign * (typeof va === "string" ? va.localeCompare(vb) : va - vb);
      }
      return a.name.localeCompare(b.name);
    };
  }

  // ---- one card per program ----
  function formatValue(metric, v) {
    if (v === undefined || v === null) return "–";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (metric.digits === 0) return Math.round(v).toLocaleString("en-US");
    return v.toFixed(metric.digits);
  }

  function stripNodes(program) {
    if (!program.strip) return [element("p", "noframes", "no frames rendered")];
    const strip = element("img", "strip");
    strip.src = program.strip;
    strip.alt = program.name + ": first " + program.frames + " frames";
    strip.width = program.cell * program.frames;
    strip.height = program.cell;
    strip.title = "hover to play";
    strip.loading = "lazy";
    const preview = element("div", "preview");
    preview.style.width = preview.style.height = program.cell * 2 + "px";
    preview.style.backgroundImage = "url(\"" + program.strip + "\")";
    preview.style.backgroundSize = program.cell * program.frames * 2 + "px " +
      program.cell * 2 + "px";
    return [strip, preview];
  }

  function play(card, program) {
    let frame = 0, timer = null;
    const preview = card.querySelector(".preview");
    const strip = card.querySelector(".strip");
    if (!preview || !strip) return;
    strip.addEventListener("mouseenter", () => {
      card.classList.add("playing");
      timer = setInterval(() => {
        frame = (frame + 1) % program.frames;
        preview.style.backgroundPosition = -frame * program.cell * 2 + "px 0";
      }, FRAME_MS);
    });
    strip.addEventListener("mouseleave", () => {
      clearInterval(timer);
      card.classList.remove("playing");
    });
  }

  function metricsNode(program) {
    const list = element("dl", "metrics");
    for (const metric of data.metrics) {
      if (program.metrics[metric.key] === undefined) continue;
      const dt = element("dt", null, metric.label);
      dt.title = metric.help;
      dt.dataset.key = metric.key;
      const dd = element("dd", null, formatValue(metric, program.metrics[metric.key]));
      dd.dataset.key = metric.key;
      list.append(dt, dd);
    }
    return list;
  }

  function fillSource(pre, program) {
    const errorLine = program.error ? program.error.line : null;
    program.source.replace(/\n$/, "").split("\n").forEach((text, i) => {
      const span = element("span", i + 1 === errorLine ? "error-line" : null, text);
      if (i + 1 === errorLine) span.title = program.error.message;
      pre.append(span);
    });
  }

  function sourceNode(program) {
    const details = element("details", "code");
    details.append(element("summary", null, program.source === null ? "log" : "source"));
    if (program.source !== null) {
      const pre = element("pre", "source");
      details.append(pre);
      details.addEventListener("toggle", () => {
        if (details.open && !pre.firstChild) fillSource(pre, program); // built when first shown
        const marked = pre.querySelector(".error-line");
        if (details.open && marked) pre.scrollTop = marked.offsetTop - pre.clientHeight / 2;
      });
    }
    if (program.source_note) details.append(element("p", "origin", program.source_note));
    if (program.log) details.append(element("pre", "log", program.log));
    if (program.status !== "ok") {
      const pre = details.querySelector("pre.source");
      if (pre) fillSource(pre, program);
      details.open = true;
    }
    return details;
  }

  function card(program) {
    const node = element("article", "program");
    node.dataset.name = program.name;
    node.dataset.status = program.status;
    const title = element("h2");
    title.append(element("span", "name", program.name),
                 element("span", "status status-" + program.status, program.status));
    const flags = ["constant", "static"].filter((k) => program.metrics[k] === true);
    if (flags.length) title.append(element("span", "flags", flags.join(", ")));
    node.append(title, element("p", "origin", program.origin || "source unknown"));
    node.append(...stripNodes(program));
    if (program.error) {
      const where = program.error.line ? "line " + program.error.line + ": " : "";
      node.append(element("p", "error", where + program.error.message));
    }
    if (Object.keys(program.metrics).length) node.append(metricsNode(program));
    if (program.source !== null || program.log) node.append(sourceNode(program));
    play(node, program);
    return node;
  }

  // ---- page ----
  function fillControls() {
    const option = (select, value, label) => select.append(Object.assign(
      element("option", null, label), { value: value }));
    for (const key of SORT_KEYS) {
      option($("sort"), key, metricByKey.has(key) ? metricByKey.get(key).label : key);
    }
    option($("status"), "all", "all");
    option($("status"), "failed", "not ok");
    for (const status of data.statuses) option($("status"), status, status);
    option($("f"), "", "(none)");
    for (const metric of data.metrics) option($("f"), metric.key, metric.label);
    for (const metric of data.metrics) {
      $("legend").append(element("dt", null, metric.label), element("dd", null, metric.help));
    }
    const counts = data.statuses.map((s) =>
      data.programs.filter((p) => p.status === s).length + " " + s);
    $("summary").textContent = data.programs.length + " programs in " + data.root + ": " +
      counts.join(", ") + (data.note ? ". " + data.note : "");
  }

  function showState(state) {
    for (const key of ["sort", "status", "q", "f", "min", "max"]) {
      if ($(key).value !== state[key]) $(key).value = state[key]; // keeps the caret while typing
    }
    $("desc").checked = state.desc === "1";
  }

  const cards = new Map(); // built when first shown: a corpus may hold thousands of programs
  let limit = data.page_size;

  function cardOf(program) {
    if (!cards.has(program.name)) cards.set(program.name, card(program));
    return cards.get(program.name);
  }

  function render() {
    const state = readState();
    showState(state);
    const matching = data.programs.filter((p) => visible(p, state)).sort(compare(state));
    const shown = matching.slice(0, limit);
    $("programs").replaceChildren(...shown.map(cardOf));
    const rest = matching.length - shown.length;
    $("more").hidden = rest === 0;
    $("more").textContent = "show " + Math.min(rest, data.page_size) + " more of " + rest;
    for (const node of document.querySelectorAll(".metrics [data-key]")) {
      node.classList.toggle("sorted", node.dataset.key === state.sort);
    }
    $("count").textContent = "showing " + shown.length + " of " + matching.length + " programs" +
      (matching.length < data.programs.length ? " (" + data.programs.length + " in all)" : "");
  }

  fillControls();
  $("controls").addEventListener("change", () => writeState(controlsState()));
  $("controls").addEventListener("submit", (event) => event.preventDefault());
  $("q").addEventListener("input", () => writeState(controlsState()));
  $("reset").addEventListener("click", () => writeState(Object.assign({}, DEFAULTS)));
  $("more").addEventListener("click", () => { limit += data.page_size; render(); });
  window.addEventListener("hashchange", () => { limit = data.page_size; render(); });
  render();
})();
