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

function draw(s) {
  const P = window.Plotly;
  if (!P || s.drawn === s.figure) return;
  s.drawn = s.figure;
  const fig = JSON.parse(s.figure);
  // the chart takes its container's width; its height is the figure's own
  const layout = Object.assign({}, fig.layout, { autosize: true });
  delete layout.width;
  P.react(s.gd, { data: fig.data, layout, frames: fig.frames || [], config: s.config });
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
  if (data.height) gd.style.minHeight = `${data.height}px`;  // its room is kept before Plotly draws
  s.figure = figure;
  s.config = data.config;
  if (window.Plotly) draw(s);
  else plotly(new URL(data.plotly, document.baseURI).href).then(() => draw(s), () => {});
  if (!s.observer) {
    let width = 0;
    s.observer = new ResizeObserver(() => {
      const now = parentElement.clientWidth;
      if (now !== width && window.Plotly && gd._fullLayout) window.Plotly.Plots.resize(gd);
      width = now;
    });
    s.observer.observe(parentElement);
  }
  return () => {
    if (s.observer) s.observer.disconnect();
    s.observer = null;
  };
}
