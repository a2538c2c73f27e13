// optviz step cursor: the trace arrives once (data.path, data.loss, data.model as base64 float32, or
// data.paths: several runs projected on one slice, on the Networks page); moving
// the cursor or playing the run only moves marks drawn over the page's Plotly charts, in this browser,
// with no server round trip. Plotly itself is not reachable from here (Streamlit bundles it privately), so
// the marks sit in an SVG layer of our own on top of each chart, placed by the chart's own axis mapping
// (ax._offset + ax.c2p), and redrawn after every Plotly redraw (zoom, pan, resize). When the person stops
// (pointer released, keys quiet for SETTLE_MS, playback ended or paused) the step goes to Python once
// (state "step"), which reruns the worked step and the address bar; the server's charts then draw that
// step themselves and the layer hides again.

const SETTLE_MS = 250;
const NS = "http://www.w3.org/2000/svg";

function floats(text) {
  if (!text) return null;
  const bytes = atob(text);
  const u8 = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) u8[i] = bytes.charCodeAt(i);
  return new Float32Array(u8.buffer);
}

function chartOf(key) {
  return document.querySelector(`.st-key-${key} .js-plotly-plot`);
}

// The mark layer of one chart (created on first use and again after Plotly replaced its container).
function layer(gd) {
  const box = gd.querySelector(".svg-container");
  if (!box) return null;
  let svg = box.querySelector(":scope > svg.optviz-cursor");
  if (!svg) {
    svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "optviz-cursor");
    svg.style.cssText = "position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none;overflow:hidden";
    box.appendChild(svg);
  }
  return svg;
}

function clear(gd) {
  const svg = gd && gd.querySelector("svg.optviz-cursor");
  if (svg) svg.replaceChildren();
}

function el(svg, name, attrs) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  svg.appendChild(node);
  return node;
}

// x, y in data coordinates of the (xaxis, yaxis) subplot -> pixels in the chart, or null if not drawable
function pixel(xa, ya, x, y) {
  const px = xa._offset + xa.c2p(x);
  const py = ya._offset + ya.c2p(y);
  return Number.isFinite(px) && Number.isFinite(py) ? [px, py] : null;
}

// A nested viewport over the plot area that clips to it, in the chart's own pixel coordinates.
function plotArea(svg, xa, ya) {
  const x = xa._offset, y = ya._offset, w = xa._length, h = ya._length;
  return el(svg, "svg", {x, y, width: w, height: h, viewBox: `${x} ${y} ${w} ${h}`, overflow: "hidden"});
}

function star(svg, p, color, r, edge = "white") {
  const pts = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? r * 0.45 : r;
    pts.push(`${(p[0] + rr * Math.cos(a)).toFixed(1)},${(p[1] + rr * Math.sin(a)).toFixed(1)}`);
  }
  el(svg, "polygon", {points: pts.join(" "), fill: color, stroke: edge,
                       "stroke-width": edge === "white" ? 1 : 1.5, "data-mark": "cursor"});
}

function vline(svg, xa, ya, x, color, width) {
  const px = xa._offset + xa.c2p(x);
  if (!Number.isFinite(px) || px < xa._offset - 1 || px > xa._offset + xa._length + 1) return;
  el(svg, "line", {x1: px, x2: px, y1: ya._offset, y2: ya._offset + ya._length, stroke: color,
                   "stroke-width": width, "data-mark": "step"});
}

// Clear the marks of chart ``key`` (if drawn) and, when ``show``, paint new ones: paint(svg, layout).
function marks(key, show, paint) {
  const gd = key && chartOf(key);
  if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) return;
  clear(gd);
  const svg = show && layer(gd);
  if (svg) paint(svg, gd._fullLayout);
}

// Redraw the marks whenever Plotly redraws a chart (zoom, pan, resize, a new figure). A chart drawn after
// this component ran (a live chart waits for Plotly to load) is hooked on the next draw.
function hookCharts(s) {
  for (const key of Object.values(s.data.charts).flat()) {
    const gd = chartOf(key);
    if (gd && gd.on && !gd.__optvizCursorHooked) {
      gd.__optvizCursorHooked = true;
      gd.on("plotly_afterplot", () => { if (s.data) draw(s, Number(s.range.value)); });
    }
  }
}

// Draw step n on every chart the page named; the marks show only while n differs from the server's step.
function draw(s, n) {
  hookCharts(s);
  const d = s.data, color = d.color, show = n !== d.value, scale = d.scale || 1;
  const path = s.path, loss = s.loss, model = s.model;
  marks(path && d.charts.space, show, (svg, L) => {
    const xa = L.xaxis, ya = L.yaxis, g = plotArea(svg, xa, ya);
    if (n > d.value) {  // the stretch the server's drawing does not show yet
      const stride = Math.max(1, Math.ceil((n - d.value) / 400)), pts = [];
      for (let i = d.value; i <= n; i += stride) { const p = pixel(xa, ya, path[2 * i], path[2 * i + 1]); if (p) pts.push(p.join(",")); }
      const p = pixel(xa, ya, path[2 * n], path[2 * n + 1]);
      if (p) pts.push(p.join(","));
      el(g, "polyline", {points: pts.join(" "), fill: "none", stroke: d.path_color, "stroke-width": 2 * scale, "data-mark": "path"});
    }
    const p = pixel(xa, ya, path[2 * n], path[2 * n + 1]);
    if (p) star(g, p, color, 9 * scale);
  });
  marks(loss && d.charts.loss, show, (svg, L) => {
    vline(svg, L.xaxis, L.yaxis, n, color, 1.5 * scale);
    const p = pixel(L.xaxis, L.yaxis, n, loss[n]);
    if (p) star(svg, p, color, 7 * scale);
  });
  marks(model && d.charts.data, show, (svg, L) => {  // the fitted line w x + b (a regression only)
    const xa = L.xaxis, ya = L.yaxis, [x0, x1] = xa.range, w = model[2 * n], b = model[2 * n + 1];
    const a = pixel(xa, ya, x0, w * x0 + b), z = pixel(xa, ya, x1, w * x1 + b);
    const g = plotArea(svg, xa, ya);
    if (a && z) el(g, "line", {x1: a[0], y1: a[1], x2: z[0], y2: z[1], stroke: d.path_color, "stroke-width": 3 * scale, "data-mark": "model"});
  });
  // charts over the steps (the Playground's internals, the Networks page's curves): a line on every panel
  for (const key of [d.charts.internals, ...(d.charts.steps || [])]) {
    marks(key, show, (svg, L) => {
      for (const id of (L._subplots && L._subplots.cartesian) || []) {
        const m = /^x(\d*)y(\d*)$/.exec(id);
        const xa = m && L["xaxis" + m[1]], ya = m && L["yaxis" + m[2]];
        if (xa && ya) vline(svg, xa, ya, n, color, 1.5 * scale);
      }
    });
  }
  // several runs on one slice (the Networks page): each run's star at step n, or at its last step
  marks(s.paths && d.charts.paths, show, (svg, L) => {
    const xa = L.xaxis, ya = L.yaxis, g = plotArea(svg, xa, ya);
    for (const run of s.paths) {
      const i = Math.min(n, run.k), p = pixel(xa, ya, run.xy[2 * i], run.xy[2 * i + 1]);
      if (p) star(g, p, run.color, 10 * scale, color);
    }
  });
}

export default function (component) {
  const {parentElement, setStateValue} = component;
  const data = JSON.parse(new TextDecoder().decode(component.data));  // sent as UTF-8 JSON bytes (cursor.py)
  const root = parentElement.querySelector(".optviz-step");
  if (!root) return;
  const range = root.querySelector("input[type=range]");
  const play = root.querySelector("button");
  const readout = root.querySelector("output");
  const label = root.querySelector("label");
  // one state object per mounted element, kept across reruns
  const s = parentElement.__optvizCursor || (parentElement.__optvizCursor = {});
  if (s.digest !== data.digest) {  // a new run: decode its arrays once
    s.path = floats(data.path);
    s.loss = floats(data.loss);
    s.model = floats(data.model);
    s.paths = data.paths ? data.paths.map((run) => ({xy: floats(run.xy), k: run.k, color: run.color})) : null;
    s.digest = data.digest;
  }
  s.data = data;
  s.range = range;
  root.classList.toggle("present", (data.scale || 1) > 1);  // presentation mode: larger type
  label.textContent = data.label;
  range.setAttribute("aria-label", data.label);
  range.title = data.help;
  range.max = String(data.k);
  const show = (n) => {
    readout.textContent = data.readout.replace("{step}", n).replace("{k}", data.k);
    root.dataset.step = String(n);
  };
  const settle = () => {
    clearTimeout(s.timer);
    const n = Number(range.value);
    s.sent = n;
    setStateValue("step", {n, at: Date.now()});  // a new object each time: a repeated step still reruns
  };
  const caption = () => {  // Play or Pause, as the button's text and its accessible name
    play.textContent = s.playing ? data.pause : data.play;
    play.setAttribute("aria-label", play.textContent);
  };
  const stop = (send) => {
    if (!s.playing) return;
    cancelAnimationFrame(s.raf);
    s.playing = false;
    caption();
    if (send) settle();
  };
  const move = (n) => {
    n = Math.max(0, Math.min(data.k, Math.round(n)));
    if (Number(range.value) !== n) range.value = String(n);
    show(n);
    draw(s, n);
  };
  // a step the server set (a link, a lesson, a rerun after ours) wins over what this browser showed
  if (!s.playing && s.value !== data.value) {
    s.value = data.value;
    range.value = String(data.value);
  }
  show(Number(range.value));
  caption();
  range.disabled = data.k < 1;
  play.disabled = data.k < 1;
  range.oninput = () => { stop(false); move(Number(range.value)); clearTimeout(s.timer); s.timer = setTimeout(settle, SETTLE_MS); };
  range.onchange = () => { clearTimeout(s.timer); s.timer = setTimeout(settle, SETTLE_MS); };
  play.onclick = () => {
    if (s.playing) { stop(true); return; }
    const k = data.k;
    let from = Number(range.value);
    if (from >= k) from = 0;
    // the whole run in 1.5-6 s, one drawn step per animation frame at most
    const duration = Math.min(6000, Math.max(1500, (k - from) * 20));
    const t0 = performance.now();
    s.playing = true;
    caption();
    const tick = (now) => {
      if (!s.playing) return;
      const f = Math.min(1, (now - t0) / duration);
      move(from + f * (k - from));
      if (f < 1) s.raf = requestAnimationFrame(tick);
      else stop(true);
    };
    s.raf = requestAnimationFrame(tick);
  };
  draw(s, Number(range.value));
  return () => { if (s.playing) { cancelAnimationFrame(s.raf); s.playing = false; } };
}
