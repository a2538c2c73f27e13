// optviz chart click: a click on the plot area of one of the page's Plotly charts becomes a point in that
// chart's data coordinates (its own axis mapping, ax.p2c), sent to Python once as the trigger "point".
// Streamlit's chart selection reports clicks on markers only, and a grid of invisible markers over the
// contour cost the browser about 60 ms on every redraw; Plotly's own click event fires anywhere the
// contour has a hover label, which is the whole plot area.

function hook(s) {
  const gd = document.querySelector(`.st-key-${s.data.chart} .js-plotly-plot`);
  if (!gd || !gd.on || gd.__optvizClick === s) return;
  gd.__optvizClick = s;  // a chart redrawn or replaced is hooked again (by the newest component only)
  gd.on("plotly_click", (ev) => {
    const L = gd._fullLayout, m = ev && ev.event;
    if (gd.__optvizClick !== s || !L || !m || !L.xaxis || !L.yaxis) return;
    const xa = L.xaxis, ya = L.yaxis, r = gd.getBoundingClientRect();
    const px = m.clientX - r.left - xa._offset, py = m.clientY - r.top - ya._offset;
    if (!(px >= 0 && py >= 0 && px <= xa._length && py <= ya._length)) return;  // axes, legend, colorbar
    const x = xa.p2c(px), y = ya.p2c(py);
    if (Number.isFinite(x) && Number.isFinite(y)) s.send("point", {x, y, at: Date.now()});
  });
}

export default function (component) {
  const {parentElement, data, setTriggerValue} = component;
  const s = parentElement.__optvizClick || (parentElement.__optvizClick = {});
  s.data = data;
  s.send = setTriggerValue;
  hook(s);
  // the chart may be drawn after this component, and Streamlit may replace it: look again while mounted
  clearInterval(s.timer);
  s.timer = setInterval(() => hook(s), 250);
  return () => clearInterval(s.timer);
}
