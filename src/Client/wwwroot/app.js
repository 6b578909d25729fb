// Shared helpers: live data over server-sent events (/api/stream), formatting, and table rendering.
"use strict";
const fmt = {
  pct: v => v == null || !Number.isFinite(v) ? "-" : (v * 100).toFixed(1) + "%",
  num: v => v == null || !Number.isFinite(v) ? "-" : Number(v).toLocaleString("en-US", { maximumFractionDigits: 3 }),
  rate: v => v == null || !Number.isFinite(v) ? "-" : Number(v).toLocaleString("en-US", { maximumFractionDigits: 1 }),
  text: v => v == null ? "-" : String(v),
};
function esc(s) { return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

// Calls onData with each fresh view; shows the stream state in the header. EventSource reconnects by itself.
// query: more parameters of the view, e.g. { after: "k", limit: 100 } for a page of models.
function live(view, key, onData, query) {
  const state = document.getElementById("live");
  const more = Object.entries(query || {}).filter(([, v]) => v != null).map(([k, v]) => "&" + k + "=" + encodeURIComponent(v)).join("");
  const url = "/api/stream?view=" + view + (key ? "&key=" + encodeURIComponent(key) : "") + more;
  const source = new EventSource(url);
  let updates = 0;
  source.addEventListener("data", e => {
    updates++;
    document.body.dataset.updates = String(updates);
    if (state) state.textContent = "live · updated " + new Date().toLocaleTimeString() + " · " + updates + " updates";
    setError("");
    onData(JSON.parse(e.data));
  });
  source.addEventListener("failure", e => setError(JSON.parse(e.data).error));
  source.onerror = () => { if (state) state.textContent = "reconnecting…"; };
  return source;
}
function setError(message) {
  const box = document.getElementById("error");
  if (box) box.textContent = message || "";
}
function card(label, value, id) {
  return `<div class="card"${id ? ` id="${id}"` : ""}><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div></div>`;
}
// A table whose columns sort on click (numeric columns numerically); keeps the sort across live updates.
function sortableTable(element, columns, rows, sortState) {
  const { col, dir } = sortState;
  const sorted = rows.slice();
  if (col != null) {
    const c = columns[col];
    sorted.sort((a, b) => {
      const x = c.value(a), y = c.value(b);
      const r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return dir === "desc" ? -r : r;
    });
  }
  element.innerHTML = "<thead><tr>" + columns.map((c, i) =>
      `<th class="sortable${c.num ? " num" : ""}${i === col ? " sorted-" + dir : ""}" data-col="${i}">${esc(c.title)}</th>`).join("") +
    "</tr></thead><tbody>" + sorted.map(r => "<tr>" + columns.map(c =>
      `<td class="${c.num ? "num" : ""}">${c.html ? c.html(r) : esc(c.show ? c.show(r) : c.value(r))}</td>`).join("") + "</tr>").join("") +
    "</tbody>";
  element.querySelectorAll("th").forEach(th => th.onclick = () => {
    const i = Number(th.dataset.col);
    sortState.dir = sortState.col === i && sortState.dir === "asc" ? "desc" : "asc";
    sortState.col = i;
    sortableTable(element, columns, rows, sortState);
  });
  element.dataset.rows = String(rows.length);
}
