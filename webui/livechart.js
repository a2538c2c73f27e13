// optviz live chart: one Plotly chart that every rerun redraws in place (Plotly.react on the same div).
// st.plotly_chart mounts a new chart for every new figure (its element id holds the figure's hash): the new
// chart stays hidden until it has measured its width and is then drawn twice, so each slider notch blanked
// the chart for a frame or more. Plotly is the page's own copy (window.Plotly, set by Streamlit's chart
// bundle); before any Streamlit chart loaded it, that bundle is imported here once (data.plotly).

function plotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__optvizPlotly) {
    window.__optvizPlotly = import(/* @vite-ignore */ url).then(() => window.Plotly);
  }
  return window.__optvizPlotly;
}

// A chart in a hidden tab (no width) is drawn when it is first shown: Plotly would lay it out at a made-up
// width, and a page with three tabs would draw three charts on every run where one is seen.
function hidden(s) {
  return !s.gd.isConnected || s.gd.parentElement.clientWidth === 0;
}

// One chart redrawn per frame, in the order their figures came (the page's order: the path chart first).
// Drawn in one task, the four charts of a notch (about 45, 25, 25 and 30 ms) kept the path chart off the
// screen until the last one was done.
// (One queue per page, on window: every live chart shares it whatever copy of this module it runs.)
function drawing() {
  return window.__optvizDrawing || (window.__optvizDrawing = { queue: [], pumping: false });
}

function schedule(s) {
  const q = drawing();
  if (!q.queue.includes(s)) q.queue.push(s);
  if (!q.pumping) pump();
}

function pump() {
  const q = drawing();
  q.pumping = true;
  while (q.queue.length) {
    const s = q.queue.shift();
    if (s.draw()) {
      requestAnimationFrame(() => setTimeout(pump, 0));  // the browser shows this one first
      return;
    }
  }
  q.pumping = false;
}

function draw(s) {
  const P = window.Plotly;
  if (!P || s.drawn === s.figure || hidden(s)) return false;
  s.drawn = s.figure;
  const fig = JSON.parse(s.figure);
  // the chart takes its container's width; its height is the figure's own
  const layout = Object.assign({}, fig.layout, { autosize: true });
  delete layout.width;
  const frames = fig.frames || [];
  const drawn = P.react(s.gd, { data: fig.data, layout, frames, config: s.config });
  // plotly.js drops the frames when the config changed (it then redraws from scratch without them): a
  // chart whose Play appears with a new run (Networks' boundary after step 0) would play nothing
  Promise.resolve(drawn).then(() => {
    const held = s.gd._transitionData && s.gd._transitionData._frames;
    if (frames.length && s.drawn === s.figure && held && held.length === 0) P.addFrames(s.gd, frames);
  });
  return true;
}

// data: one line of JSON ({config, plotly, height}), then the figure's JSON (webui/livechart.py payload)
function read(bytes) {
  const cut = bytes.indexOf(10);
  const decoder = new TextDecoder();
  return [JSON.parse(decoder.decode(bytes.subarray(0, cut))), decoder.decode(bytes.subarray(cut + 1))];
}

export default function (component) {
  const { parentElement } = component;
  const [data, figure] = read(component.data);
  let gd = parentElement.querySelector(":scope > .optviz-chart");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "optviz-chart";
    parentElement.appendChild(gd);
  }
  const s = gd.__optvizLive || (gd.__optvizLive = { gd });
  s.draw = () => draw(s);
  if (data.height) gd.style.minHeight = `${data.height}px`;  // its room is kept before Plotly draws
  s.figure = figure;
  s.config = data.config;
  s.receivedAt = performance.now();
  // the preview (webui/preview.js) hands a figure over before the rerun brings the same one
  s.redraw = (next, config) => {
    s.figure = next;
    s.config = config;
    if (window.Plotly) schedule(s);
  };
  if (window.Plotly) schedule(s);
  else plotly(new URL(data.plotly, document.baseURI).href).then(() => schedule(s), () => {});
  if (!s.observer) {
    let width = 0;
    s.observer = new ResizeObserver(() => {
      const now = parentElement.clientWidth;
      if (now !== width && window.Plotly) {
        if (s.drawn !== s.figure) schedule(s);  // shown for the first time since its figure came
        else if (gd._fullLayout) window.Plotly.Plots.resize(gd);
      }
      width = now;
    });
    s.observer.observe(parentElement);
  }
  return () => {
    if (s.observer) s.observer.disconnect();
    s.observer = null;
  };
}
