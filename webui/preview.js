// optviz preview: a slider's new position redraws the first screen's charts straight from the server's
// /optviz/preview route, before Streamlit's rerun (which then finds them drawn: webui/preview.py).
// One request in flight per page; positions passed over while it runs are skipped, the latest is sent next.
// A click on an optimizer in the select does the same for the switch (webui/preview.py switched_query).
// The slider that has the focus gets its two neighbouring notches asked ahead (at most one such request
// at a time, none while a move's own request runs), so its next key press is drawn from the answer in hand.
// The page draws this once per full run: the link asked is the one the address bar shows (the page
// rewrites it on every run), and what is asked ahead is asked again after every run.
function state() {
  return (
    window.__optvizPreview ||
    (window.__optvizPreview = { data: null, busy: false, next: null, asked: {}, ahead: new Map(), queue: [] })
  );
}

// the value a slider's position stands for, as the page's control reads it (ui.slider_spec)
function valueAt(spec, x) {
  if (spec.options) return spec.options[x];
  return Number(x.toFixed(spec.digits));
}

function valueOf(spec, input) {
  return valueAt(spec, Number(input.value));
}

// A select slider whose options are not those this was drawn with (a value typed between two notches
// joins them until the next full run) is left to the rerun.
function sliderOf(s, input) {
  for (const cls in s.data.sliders) {
    if (!input.closest(".st-key-" + cls)) continue;
    const spec = s.data.sliders[cls];
    return spec.options && spec.options.length !== Number(input.max) + 1 ? null : spec;
  }
  return null;
}

// the page's link as the address bar shows it, with the app-wide parameters
function link(s) {
  return Object.assign(Object.fromEntries(new URLSearchParams(location.search)), s.data.app);
}

// the value a slider stands at in the link the page shows
function linked(s, spec) {
  const v = link(s)[spec.name];
  return v === undefined ? spec.default : Number(v);
}

//: How many answers asked ahead a page keeps (the newest): a notch either way of the focused slider.
const AHEAD_KEPT = 6;

// a link's query string: what the route is asked, and the key of its answer asked ahead
function searchOf(query) {
  return new URLSearchParams(query).toString();
}

// the route's answer (the payload's bytes, or null: nothing to draw) for the query string ``search``
function ask(s, search, ahead) {
  const url = new URL(s.data.route, document.baseURI);
  url.search = search;
  // a request asked ahead says so: a rerun never waits for it (webui/preview.py AHEAD)
  const headers = ahead ? { "X-Optviz-Ahead": "1" } : {};
  return fetch(url, { cache: "no-store", headers })
    .then((r) => (r.status === 200 ? r.arrayBuffer() : null))
    .then((buffer) => buffer && new Uint8Array(buffer))
    .catch(() => null);  // no route (a plain `streamlit run app.py`), a network error: the rerun draws
}

function send(s, query) {
  if (s.busy) {
    s.next = query;
    return;
  }
  const asked = performance.now();
  const search = searchOf(query);
  const held = s.ahead.get(search);  // asked ahead: drawn as soon as it is in hand
  s.busy = true;
  (held ? held.then((bytes) => bytes || ask(s, search, false)) : ask(s, search, false))
    .then((bytes) => bytes && show(s, bytes, asked))
    .finally(() => {
      s.busy = false;
      const next = s.next;
      s.next = null;
      if (next) send(s, next);
      else pump(s);
    });
}

// Ask ahead the focused slider's neighbouring notches, for the link the page shows now.
function lookAhead(s) {
  const input = document.activeElement;
  if (!s.data || !(input instanceof HTMLInputElement) || input.type !== "range") return;
  const spec = sliderOf(s, input);
  if (!spec) return;
  const x = Number(input.value), step = Number(input.step) || 1;
  for (const to of [x + step, x - step]) {
    if (to > Number(input.max) + 1e-9 || to < Number(input.min) - 1e-9) continue;
    const value = valueAt(spec, to);
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const search = searchOf(Object.assign(link(s), { [spec.name]: String(value) }));
    if (!s.ahead.has(search) && !s.queue.includes(search)) s.queue.push(search);
  }
  pump(s);
}

function pump(s) {
  if (s.busy || s.aheadBusy || !s.queue.length) return;
  const search = s.queue.shift();
  s.aheadBusy = true;
  const answer = ask(s, search, true);
  s.ahead.set(search, answer);
  while (s.ahead.size > AHEAD_KEPT) s.ahead.delete(s.ahead.keys().next().value);
  answer.finally(() => {
    s.aheadBusy = false;
    pump(s);
  });
}

// payload: one line of JSON ({configs, heights}), then one figure per line (webui/preview.py)
function show(s, bytes, asked) {
  const decoder = new TextDecoder();
  const lines = [];
  for (let at = 0; at <= bytes.length; ) {
    let cut = bytes.indexOf(10, at);
    if (cut < 0) cut = bytes.length;
    lines.push(decoder.decode(bytes.subarray(at, cut)));
    at = cut + 1;
  }
  const head = JSON.parse(lines[0]);
  s.data.charts.forEach((cls, i) => {
    const gd = document.querySelector(`.st-key-${cls}:not([data-stale="true"]) .optviz-chart`);
    const live = gd && gd.__optvizLive;
    // a rerun's figure that came after this request was sent is newer than this answer: keep it
    if (!live || !live.redraw || live.receivedAt > asked) return;
    live.redraw(lines[i + 1], head.configs[i]);
  });
}

// Only the slider a person is moving: a rerun redraws the sidebar's sliders too (their attributes set
// again, or a new optimizer's sliders drawn), and those are not moves.
function onKey(event) {
  const t = event.target;
  if (t instanceof HTMLInputElement && t.type === "range") state().user = { input: t, until: performance.now() + 1000 };
}

function onPointer(event) {
  const s = state();
  if (event.type === "pointerdown") {
    const slider = event.target instanceof Element && event.target.closest('[data-testid="stSlider"]');
    const input = slider && slider.querySelector('input[type="range"]');
    s.user = input ? { input, until: Infinity } : null;
  } else if (s.user && s.user.until === Infinity) {
    s.user.until = performance.now() + 1000;  // the last position of a drag comes as it ends
  }
}

// Streamlit's sliders (react-aria) move on key presses and drags without a native input event; their
// aria-valuetext attribute follows every position
function onMoves(records) {
  const s = state();
  if (!s.data || !s.user || performance.now() > s.user.until) return;
  for (const r of records) {
    const input = r.target;
    if (input !== s.user.input) continue;
    const spec = sliderOf(s, input);
    if (!spec) continue;
    const value = valueOf(spec, input);
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    // a rerun sets the slider again to what it shows: not a move
    const shown = spec.name in s.asked ? s.asked[spec.name] : linked(s, spec);
    if (shown === value) continue;
    s.asked[spec.name] = value;
    send(s, Object.assign(link(s), { [spec.name]: String(value) }));
  }
}

// A click on an option of the optimizer select (its list opens in a popover, outside the widget)
function onClick(event) {
  const s = state();
  const sw = s.data && s.data.switch;
  const option = event.target instanceof Element && event.target.closest('[role="option"]');
  if (!sw || !option || !document.querySelector(`.st-key-${sw.select} [aria-expanded="true"]`)) return;
  const key = sw.labels[option.textContent.trim()];
  if (!key) return;
  const query = Object.assign(link(s), { switch: key });
  for (const [name, value] of Object.entries(sw.kept[key] || {})) query["kept." + name] = String(value);
  send(s, query);
}

// After every run: a newer link makes what was asked ahead and the moves asked stale.
function afterRun() {
  const s = state();
  if (!s.data) return;
  if (location.search !== s.search) {
    s.search = location.search;
    s.asked = {};
    s.queue = [];
  }
  lookAhead(s);
}

function onScriptState(records) {
  if (records.some((r) => r.target.getAttribute("data-test-script-state") === "notRunning")) afterRun();
}

export default function (component) {
  const s = state();
  s.data = component.data;
  afterRun();
  const app = document.querySelector('[data-testid="stApp"]');
  if (app && s.app !== app) {  // Streamlit says on its app element whether a run is going on
    if (s.appObserver) s.appObserver.disconnect();
    s.app = app;
    s.appObserver = new MutationObserver(onScriptState);
    s.appObserver.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
  }
  if (!s.listening) {
    s.listening = true;
    document.addEventListener("click", onClick, true);
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("pointerup", onPointer, true);
    document.addEventListener("pointercancel", onPointer, true);
    document.addEventListener("focusin", () => lookAhead(state()), true);
  }
  if (!s.observer) {
    s.observer = new MutationObserver(onMoves);
    s.observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext"] });
  }
}
