// The live preview: state pushed by the server (Server-Sent Events), the brief swapped in place.
"use strict";
const $ = (sel) => document.querySelector(sel);
const frame = $("#brief");
let notes = {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

// file:line of the workspace as a link to the file view (a new tab, so the preview stays)
function place(file, line) {
  const label = line ? `${file}:${line}` : file;
  if (!file || !/^(data|seeds|templates)\/|^briefgen\.toml$/.test(file)) return document.createTextNode(label);
  return el("a", {href: `/file/${encodeURI(file)}${line ? "#L" + line : ""}`, target: "_blank"}, label);
}

// The brief's new page into the frame without reloading it: head and body replaced, scroll kept.
// The style sheet (with the fonts inlined in it) is kept when its text is the same: an edit of the
// text rarely changes it, and a new sheet makes the browser decode every face again.
function swap(html, version) {
  const doc = frame.contentDocument;
  const fresh = new DOMParser().parseFromString(html, "text/html");
  if (!doc || !doc.body) return;
  const x = frame.contentWindow.scrollX, y = frame.contentWindow.scrollY;
  const sheet = doc.head.querySelector("style"), next = fresh.head.querySelector("style");
  const kept = sheet && next && sheet.textContent === next.textContent ? sheet : null;
  for (const child of [...doc.head.children]) if (child !== kept) child.remove();
  for (const child of [...fresh.head.children]) {
    if (!(kept && child === next)) doc.head.insertBefore(doc.importNode(child, true), kept);
  }
  doc.body.replaceWith(doc.importNode(fresh.body, true));
  doc.documentElement.lang = fresh.documentElement.lang;
  frame.contentWindow.scrollTo(x, y);
  doc.body.dataset.version = version;
  document.body.dataset.version = version;
}

function showProblems(state) {
  const box = $("#problems"), list = box.querySelector("ul"), n = state.problems.length;
  list.replaceChildren(...state.problems.map((p) => el("li", {}, ...(p.file ? [place(p.file, p.line), ": "] : []), p.message)));
  box.querySelector("summary").textContent = `The latest save has ${n} problem${n === 1 ? "" : "s"}; `
    + (!state.stale ? "the page below shows it, but it cannot be written as a file"
      : state.version === 0 ? "there is no good state to show yet"
      : "the page below is the last good state");
  box.hidden = n === 0;
}

// A warning that starts with a workspace file and line ("data/briefs/x.yaml:301: …") links to that line.
const LOCATED = /^((?:data|seeds|templates)\/[^:]+|briefgen\.toml):(\d+): ([\s\S]*)$/;

function showWarnings(warnings) {
  const box = $("#warnings");
  box.querySelector("summary").textContent = `${warnings.length} warning${warnings.length === 1 ? "" : "s"}`;
  box.querySelector("ul").replaceChildren(...warnings.map((w) => {
    const m = LOCATED.exec(w);
    return m ? el("li", {}, place(m[1], Number(m[2])), ": ", m[3]) : el("li", {}, w);
  }));
  box.hidden = warnings.length === 0;
}

function showFiles(state) {
  for (const fmt of ["pdf", "docx"]) {
    const link = $("#" + fmt), ready = state.files.includes(fmt);
    link.setAttribute("aria-disabled", String(!ready));
    link.href = ready ? `${state.stem}.${fmt}?v=${state.version}` : "#";
    link.title = ready ? `${fmt.toUpperCase()} of this version` : `${fmt.toUpperCase()} being written…`;
  }
  const time = new Date().toLocaleTimeString();
  $("#status").textContent = state.problems.length ? `problems at ${time}`
    : state.writing ? `updated ${time}; writing PDF and DOCX…` : `up to date (${time})`;
}

// A note marker shows what it stands for: the source, each record's quotes, and where the record is.
function showNote(anchor) {
  const m = /^ref-(\d+)-(\d+)$/.exec(anchor.id || "");
  const box = $("#note");
  if (!m) return false;
  const entry = notes[`${m[1]}-${m[2]}`] || notes[m[1]];
  if (!entry) return false;
  const close = el("button", {class: "close", "aria-label": "close"}, "×");
  close.onclick = () => { box.hidden = true; };
  const records = entry.records.map((r) => el("div", {class: "record"},
    ...r.quotes.map((q) => el("blockquote", {}, q)),
    el("div", {}, "record ", el("code", {}, r.id), " · ", place(r.file, r.line))));
  box.replaceChildren(close, el("strong", {}, `Note ${m[1]}: `), entry.title,
    el("div", {}, el("small", {}, `source `), el("code", {}, entry.source)), ...records);
  const f = frame.getBoundingClientRect(), a = anchor.getBoundingClientRect();
  box.hidden = false;
  box.style.left = Math.max(8, Math.min(f.left + a.left, window.innerWidth - box.offsetWidth - 8)) + "px";
  const below = f.top + a.bottom + 6;
  box.style.top = (below + box.offsetHeight < window.innerHeight ? below : Math.max(8, f.top + a.top - box.offsetHeight - 6)) + "px";
  return true;
}

// Clicks in the brief: a note marker opens its note here; a source's address opens outside the preview.
function hook() {
  const doc = frame.contentDocument;
  if (!doc || doc.briefgenHooked) return;
  doc.briefgenHooked = true;
  doc.addEventListener("click", (event) => {
    const a = event.target.closest && event.target.closest("a");
    if (!a) { $("#note").hidden = true; return; }
    if (a.closest("sup.noteref")) {
      if (showNote(a)) event.preventDefault();
    } else if (!(a.getAttribute("href") || "").startsWith("#")) {
      event.preventDefault();
      window.open(a.href, "_blank", "noopener");
    }
  });
}
frame.addEventListener("load", hook);
if (frame.contentDocument && frame.contentDocument.readyState === "complete") hook();

const events = new EventSource("events");
events.addEventListener("state", (event) => {
  const state = JSON.parse(event.data);
  if (state.html !== undefined) {
    notes = state.notes;
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") swap(state.html, state.version);
    else frame.addEventListener("load", () => swap(state.html, state.version), {once: true});
  }
  if (state.title) {
    $("#bar h1").textContent = state.title;
    document.title = `${state.title} · briefgen preview`;
  }
  showProblems(state);
  showWarnings(state.warnings);
  showFiles(state);
});
events.onerror = () => { $("#status").textContent = "disconnected; retrying…"; };
