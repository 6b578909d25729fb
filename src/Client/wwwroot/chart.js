// A small line chart on <canvas>, drawn by hand (no chart library, no CDN). Vertical red dashed lines mark drifts.
// After drawing, the canvas carries data-points / data-markers / data-last so tests and people can read what it shows.
"use strict";
function drawLineChart(canvas, points, options) {
  const o = Object.assign({ yMin: null, yMax: null, markers: [], color: "#2563eb", format: v => v.toFixed(2),
    xFormat: v => Math.round(v).toLocaleString("en-US") }, options || {});
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 560, h = canvas.clientHeight || 220;
  canvas.width = w * dpr; canvas.height = h * dpr;
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const pad = { l: 48, r: 12, t: 10, b: 26 };
  const pts = points.filter(p => Number.isFinite(p.x) && Number.isFinite(p.y));
  // More lines on the same axes (e.g. one per tuning arm), each { name, color, points }, with a legend.
  const more = (o.more || []).map(l => Object.assign({}, l, { pts: l.points.filter(p => Number.isFinite(p.x) && Number.isFinite(p.y)) }));
  const all = pts.concat(...more.map(l => l.pts));
  canvas.dataset.lines = String(more.length + (pts.length ? 1 : 0));
  canvas.dataset.points = String(pts.length);
  canvas.dataset.markers = String(o.markers.length);
  canvas.dataset.last = pts.length ? String(pts[pts.length - 1].y) : "";
  g.font = "11px system-ui, sans-serif"; g.fillStyle = "#6b7385"; g.strokeStyle = "#d9dde5";
  if (all.length === 0) { g.fillText("no data yet", w / 2 - 30, h / 2); return; }
  let xMin = Math.min(...all.map(p => p.x), ...o.markers), xMax = Math.max(...all.map(p => p.x), ...o.markers);
  let yMin = o.yMin ?? Math.min(...all.map(p => p.y)), yMax = o.yMax ?? Math.max(...all.map(p => p.y));
  if (xMax === xMin) { xMax = xMin + 1; }
  if (yMax === yMin) { yMax = yMin + 1; }
  const X = x => pad.l + (x - xMin) / (xMax - xMin) * (w - pad.l - pad.r);
  const Y = y => h - pad.b - (y - yMin) / (yMax - yMin) * (h - pad.t - pad.b);
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {           // horizontal grid + y labels
    const v = yMin + (yMax - yMin) * i / 4, y = Y(v);
    g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke();
    g.fillText(o.format(v), 4, y + 4);
  }
  for (let i = 0; i <= 4; i++) {           // x labels (events by default)
    const v = xMin + (xMax - xMin) * i / 4;
    g.fillText(o.xFormat(v), Math.min(X(v) - 10, w - 50), h - 8);
  }
  g.strokeStyle = "#dc2626"; g.setLineDash([4, 3]);
  for (const m of o.markers) { g.beginPath(); g.moveTo(X(m), pad.t); g.lineTo(X(m), h - pad.b); g.stroke(); }
  g.setLineDash([]); g.strokeStyle = o.color; g.lineWidth = 2; g.beginPath();
  pts.forEach((p, i) => i === 0 ? g.moveTo(X(p.x), Y(p.y)) : g.lineTo(X(p.x), Y(p.y)));
  g.stroke();
  if (pts.length === 1) { g.fillStyle = o.color; g.fillRect(X(pts[0].x) - 2, Y(pts[0].y) - 2, 4, 4); }
  more.forEach((l, k) => {
    g.strokeStyle = l.color; g.lineWidth = 2; g.beginPath();
    l.pts.forEach((p, i) => i === 0 ? g.moveTo(X(p.x), Y(p.y)) : g.lineTo(X(p.x), Y(p.y)));
    g.stroke();
    g.fillStyle = l.color; g.fillText(l.name, w - pad.r - 90, pad.t + 12 * (k + 1));
  });
}
