// The dashboard: live data over MQTT over WebSockets (mqtt.js), history and incident actions
// over the agent's HTTP API, charts with uPlot. All validation lives in validate.js.
import uPlot from './vendor/uPlot.esm.js';
import {
  validateReading, validateDeviceStatus, validateAgentStatus, validateIncident, DEVICE_ID,
} from './validate.js';
import {
  Device, TREND_ARROW, formatAge, sortIncidents, mergeIncident, resolveSettings, pickDefault,
  servedDefaults,
} from './model.js';

const $ = (s) => document.querySelector(s);
const STORE = 'dht-dash-settings';
const HOUR = 3_600_000;
const MAX_DEVICES = 500; // a flood of made-up device ids cannot grow the page without bound
const MAX_INCIDENTS = 200;
const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 30_000;

// ---- settings ----
// An agent serving this page (/dashboard/) answers defaults.json next to it: its broker's
// WebSocket URL and its own API. Any other static server has none (404): the built-in ones apply.
async function loadServedDefaults() {
  try {
    const res = await fetch('defaults.json', { cache: 'no-store', signal: AbortSignal.timeout(3000) });
    return res.ok ? servedDefaults(await res.json(), location.href) : {};
  } catch {
    return {};
  }
}
const defaults = {
  broker: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.hostname || '127.0.0.1'}:8083/mqtt`,
  username: '', password: '', prefix: 'dht11', api: '', defaultDevice: 'default',
  ...(await loadServedDefaults()),
};
function loadStored() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || '{}');
  } catch {
    return {};
  }
}
let settings = resolveSettings(location.search, loadStored(), defaults);
try {
  settings.password ||= sessionStorage.getItem('dht-dash-password') || '';
} catch { /* storage off */ }
let token = '';
try { token = sessionStorage.getItem('dht-dash-token') || ''; } catch { /* storage off */ }

// ---- state ----
const devices = new Map(); // id -> {model: Device, el}
const incidents = new Map(); // id -> incident
const counters = { messages: 0, ok: 0, bad: 0, rejects: new Map() };
let selected = null;
let userSelected = false; // until someone picks a device, the page shows the freshest one
let range = '1h';
let client = null;
let charts = null; // {t, h}: temperature and humidity, each in a pane of its own
let chartDirty = false;
let agentStatus = null;
const perf = { scriptAt: performance.now(), connectedAt: null, apiDevicesAt: null, firstCardAt: null, messages: 0 };
window.__dash = {
  perf, devices, counters, incidents, settings: () => ({ ...settings, password: undefined }),
  charts: () => charts && { t: charts.t.data, h: charts.h.data },
};

// ---- diagnostics ----
function reject(kind, reason) {
  counters.bad++;
  const key = kind === 'reading' ? reason : `${kind}: ${reason}`;
  counters.rejects.set(key, (counters.rejects.get(key) || 0) + 1);
  diagDirty = true;
}
let diagDirty = true;
function renderDiagnostics() {
  if (!diagDirty) return;
  diagDirty = false;
  $('#msg-count').textContent = counters.messages;
  $('#ok-count').textContent = counters.ok;
  $('#bad-count').textContent = counters.bad;
  const rows = [...counters.rejects.entries()].sort();
  $('#rejects').replaceChildren(...rows.map(([r, n]) => {
    const tr = document.createElement('tr');
    tr.dataset.reason = r;
    tr.innerHTML = '<td class="r"></td><td class="n"></td>';
    tr.firstChild.textContent = r;
    tr.lastChild.textContent = n;
    return tr;
  }));
}

// ---- devices ----
function deviceEntry(id) {
  let d = devices.get(id);
  if (d) return d;
  if (devices.size >= MAX_DEVICES) return null;
  const el = document.createElement('article');
  el.className = 'card nodata stale';
  el.id = `dev-${id}`;
  el.dataset.device = id;
  el.innerHTML = '<h3></h3><div class="vals"><span class="t">–</span><span class="h">–</span></div>'
    + '<div class="meta"><span class="state">?</span><span class="age">no data</span></div>';
  el.querySelector('h3').textContent = id;
  el.addEventListener('click', () => select(id, { user: true }));
  d = { model: new Device(id), el };
  devices.set(id, d);
  const list = $('#devices');
  list.querySelector('.empty')?.remove();
  // Keep cards sorted by id.
  const next = [...list.children].find((c) => c.dataset.device > id);
  list.insertBefore(el, next || null);
  const opt = document.createElement('option');
  opt.value = id;
  opt.textContent = id;
  const sel = $('#chart-device');
  const nextOpt = [...sel.options].find((o) => o.value > id);
  sel.insertBefore(opt, nextOpt || null);
  if (!selected) select(id, { auto: true });
  if (perf.firstCardAt === null) perf.firstCardAt = performance.now();
  return d;
}

function renderCard(d, now = Date.now()) {
  const m = d.model;
  const el = d.el;
  const stale = m.isStale(now);
  el.classList.toggle('stale', stale);
  el.classList.toggle('nodata', !m.last);
  el.dataset.online = m.status || 'unknown';
  if (m.last) {
    const tt = m.trend('temperature');
    const th = m.trend('humidity');
    setText(el.querySelector('.t'), `${m.last.temperature.toFixed(1)} °C${tt ? ` ${TREND_ARROW[tt]}` : ''}`);
    setText(el.querySelector('.h'), `${m.last.humidity.toFixed(0)} %RH${th ? ` ${TREND_ARROW[th]}` : ''}`);
    el.dataset.ts = String(m.last.ts);
    const age = formatAge(now - m.last.receivedAt);
    setText(el.querySelector('.age'), stale ? `stale · ${age} ago` : `${age} ago`);
    el.title = stale ? `no reading for ${age}: the value shown is old, not current` : '';
  }
  const state = m.status === 'online' ? 'online' : m.status === 'offline' ? 'offline' : 'status ?';
  setText(el.querySelector('.state'), state);
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// ---- MQTT messages ----
function onMessage(topic, payload) {
  counters.messages++;
  perf.messages++;
  diagDirty = true;
  const p = settings.prefix;
  try {
    if (topic === `${p}/sensor/data`) {
      const r = validateReading(payload, { defaultDevice: settings.defaultDevice });
      if (!r.ok) return reject('reading', r.reason);
      const d = deviceEntry(r.value.device_id);
      if (!d) return reject('reading', 'too-many-devices');
      counters.ok++;
      if (d.model.addReading(r.value, Date.now())) {
        renderCard(d);
        if (r.value.device_id === selected && range === '1h') chartDirty = true;
      }
    } else if (topic === `${p}/status`) {
      const r = validateAgentStatus(payload);
      if (!r.ok) return reject('agent status', r.reason);
      agentStatus = r.value;
      renderAgent();
    } else if (topic.startsWith(`${p}/status/`)) {
      const id = topic.slice(p.length + 8);
      const r = validateDeviceStatus(id, payload);
      if (!r.ok) return reject('device status', r.reason);
      if (r.value.status === null) return forgetDevice(id);
      const d = deviceEntry(id);
      if (!d) return;
      d.model.status = r.value.status;
      d.model.statusAt = Date.now();
      renderCard(d);
    } else if (topic === `${p}/incidents`) {
      const r = validateIncident(payload);
      if (!r.ok) return reject('incident', r.reason);
      putIncident(r.value);
    }
  } catch (e) {
    // A bug must not stop the stream: count it like a reject.
    reject('error', e.message.slice(0, 60));
  }
}

function forgetDevice(id) {
  const d = devices.get(id);
  if (!d) return;
  d.el.remove();
  [...$('#chart-device').options].find((o) => o.value === id)?.remove();
  devices.delete(id);
  if (selected === id) select(pickDefault([...devices.values()].map((x) => x.model), Date.now()), { auto: true });
}

function renderAgent() {
  const el = $('#agent');
  const s = agentStatus?.status ?? 'unknown';
  el.dataset.state = s;
  el.textContent = `agent: ${s === 'unknown' ? '?' : s}${agentStatus?.version ? ` (${agentStatus.version})` : ''}`;
}

// ---- connection with backoff ----
function setConn(state, detail = '') {
  const el = $('#conn');
  el.dataset.state = state;
  el.textContent = state + (detail ? `: ${detail}` : '');
  el.title = `MQTT ${settings.broker}`;
}

// mqtt.js (340 KB) is loaded after the rest, so cards from the API can render while it compiles.
let mqttModule = null;
async function connect() {
  if (client) client.end(true);
  client = null;
  mqttModule ??= (await import('./vendor/mqtt.esm.js')).default;
  const mqtt = mqttModule;
  if (client) client.end(true); // a second connect() overtook this one while it loaded
  let backoff = BACKOFF_MIN;
  setConn('connecting');
  const c = mqtt.connect(settings.broker, {
    username: settings.username || undefined,
    password: settings.password || undefined,
    clientId: `dht-dash-${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    protocolVersion: 4,
    keepalive: 30,
    connectTimeout: 10_000,
    reconnectPeriod: BACKOFF_MIN,
    resubscribe: true,
  });
  client = c;
  let connectedBefore = false;
  c.on('connect', () => {
    // Incidents and readings sent while the connection was down reached nobody (QoS 0, clean
    // session): after a reconnect, catch up from the agent's API.
    if (connectedBefore) loadFromApi();
    connectedBefore = true;
    backoff = BACKOFF_MIN;
    c.options.reconnectPeriod = BACKOFF_MIN;
    perf.connectedAt ??= performance.now();
    setConn('connected');
    const p = settings.prefix;
    c.subscribe([`${p}/sensor/data`, `${p}/incidents`, `${p}/status`, `${p}/status/+`], { qos: 0 });
  });
  c.on('reconnect', () => {
    // Exponential backoff: mqtt.js reads reconnectPeriod each time it schedules a retry, so the
    // retry after this attempt (if it fails) waits twice as long, up to BACKOFF_MAX.
    backoff = Math.min(BACKOFF_MAX, backoff * 2);
    c.options.reconnectPeriod = backoff;
    setConn('reconnecting', `then retry in ${Math.round(backoff / 1000)} s`);
  });
  c.on('close', () => {
    if (client === c && !c.connected) setConn('offline', c.disconnecting ? '' : `retry in ${Math.round(c.options.reconnectPeriod / 1000)} s`);
  });
  c.on('error', (e) => setConn('error', e.message.slice(0, 80)));
  c.on('message', onMessage);
}

// ---- incidents ----
function putIncident(inc) {
  incidents.set(inc.incident_id, mergeIncident(incidents.get(inc.incident_id), inc));
  if (incidents.size > MAX_INCIDENTS) {
    const oldest = sortIncidents([...incidents.values()]).filter((i) => i.status === 'resolved').pop();
    if (oldest) incidents.delete(oldest.incident_id);
  }
  renderIncidents();
}

function renderIncidents() {
  const list = sortIncidents([...incidents.values()]);
  const ul = $('#incidents');
  if (!list.length) {
    ul.innerHTML = '<li class="empty">no incidents</li>';
    return;
  }
  ul.replaceChildren(...list.map((i) => {
    const li = document.createElement('li');
    li.dataset.status = i.status;
    li.dataset.id = i.incident_id;
    li.dataset.device = i.device_id;
    const st = document.createElement('span');
    st.className = 'st';
    st.textContent = i.status;
    const msg = document.createElement('span');
    msg.className = 'msg';
    const when = i.opened_at ? new Date(i.opened_at).toLocaleString() : '';
    msg.textContent = `#${i.incident_id} ${i.device_id} · ${i.message || i.rule || ''} · ${when}`;
    li.append(st, msg);
    if (token && settings.api && i.status !== 'resolved') {
      if (i.status === 'open') li.append(actionButton(i, 'ack', 'Acknowledge'));
      li.append(actionButton(i, 'resolve', 'Resolve'));
    }
    return li;
  }));
}

function actionButton(inc, action, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = action;
  b.textContent = label;
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const res = await api(`/api/incidents/${inc.incident_id}/${action}`, {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}',
      });
      const r = validateIncident(res);
      if (r.ok) putIncident(r.value);
      $('#incidents-note').textContent = '';
    } catch (e) {
      $('#incidents-note').textContent = `${label} failed: ${e.message}`;
      b.disabled = false;
    }
  });
  return b;
}

// ---- HTTP API ----
async function api(path, init = {}) {
  if (!settings.api) throw new Error('no API URL configured');
  const headers = { ...(init.headers || {}) };
  const res = await fetch(settings.api.replace(/\/+$/, '') + path, { ...init, headers, signal: AbortSignal.timeout(15_000) });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`HTTP ${res.status}${body?.error ? ` ${body.error}` : ''}`);
  return body;
}

async function loadFromApi() {
  if (!settings.api) {
    $('#incidents-note').textContent = 'agent API not configured: live incidents only';
    return;
  }
  try {
    const body = await api('/api/devices');
    perf.apiDevicesAt ??= performance.now();
    for (const dv of body?.devices || []) {
      if (typeof dv.device_id !== 'string' || !DEVICE_ID.test(dv.device_id)) continue;
      const d = deviceEntry(dv.device_id);
      if (!d) continue;
      if (typeof dv.expected_interval_s === 'number' && dv.expected_interval_s > 0) {
        d.model.intervalMs = dv.expected_interval_s * 1000;
      }
      if (d.model.status === null && typeof dv.online === 'boolean') d.model.status = dv.online ? 'online' : 'offline';
      const lr = dv.last_reading;
      const ts = Date.parse(lr?.ts);
      if (!Number.isNaN(ts) && Number.isFinite(lr.temperature) && Number.isFinite(lr.humidity)) {
        d.model.seedLast({ ts, temperature: lr.temperature, humidity: lr.humidity });
      }
      renderCard(d);
    }
    autoSelect({ freshest: true });
  } catch (e) {
    $('#incidents-note').textContent = `devices from API unavailable: ${e.message}`;
  }
  try {
    const body = await api('/api/incidents?status=open,acknowledged,resolved&limit=50');
    for (const raw of body?.incidents || []) {
      const r = validateIncident(raw);
      if (r.ok) putIncident(r.value);
    }
    $('#incidents-note').textContent = '';
  } catch (e) {
    $('#incidents-note').textContent = `incidents from API unavailable: ${e.message}`;
  }
}

// ---- charts ----
function chartSize() {
  const w = Math.max(260, $('#chart').clientWidth || 600);
  return { width: w, height: Math.max(120, Math.min(200, Math.round(w * 0.3))) };
}

/** Temperature and humidity in two panes with their own axis and legend, cursors in step, so
 * 31 °C and 60 %RH never share a pixel row. */
function makeChart(data) {
  const css = getComputedStyle(document.documentElement);
  const fg = css.getPropertyValue('--muted').trim() || '#888';
  const grid = css.getPropertyValue('--line').trim() || '#ddd';
  const axis = { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } };
  charts?.t.destroy();
  charts?.h.destroy();
  const sync = uPlot.sync('dht-dash');
  const pane = (label, unit, color, values, el) => new uPlot({
    ...chartSize(),
    cursor: { sync: { key: sync.key } },
    series: [{}, { label, stroke: color, width: 2, spanGaps: false }],
    axes: [axis, { ...axis, label: unit, size: 56 }],
    scales: { x: { time: true } },
  }, [data[0], values], el);
  charts = {
    t: pane('temperature °C', '°C', css.getPropertyValue('--t').trim(), data[1], $('#chart-t')),
    h: pane('humidity %RH', '%RH', css.getPropertyValue('--h').trim(), data[2], $('#chart-h')),
  };
}

function setChartData(data) {
  if (!charts) return makeChart(data);
  charts.t.setData([data[0], data[1]]);
  charts.h.setData([data[0], data[2]]);
}

/** While nobody has picked a device: the freshest one, not one that sorts first. Once the
 * devices are loaded it takes the freshest; later it moves only off a device gone stale, so the
 * chart does not hop between devices that all report. */
function autoSelect({ freshest = false } = {}) {
  if (userSelected) return;
  const now = Date.now();
  const current = devices.get(selected)?.model;
  if (!freshest && current && !current.isStale(now)) return;
  const id = pickDefault([...devices.values()].map((d) => d.model), now);
  if (id && id !== selected) select(id, { auto: true });
}

function select(id, { user = false } = {}) {
  if (user) userSelected = true;
  selected = id;
  for (const d of devices.values()) d.el.classList.toggle('selected', d.model.id === id);
  $('#chart-device').value = id ?? '';
  showRange(range);
}

let historyRequest = 0;
async function showRange(r) {
  range = r;
  for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b.dataset.range === r);
  const note = $('#chart-note');
  if (!selected) {
    makeChart([[], [], []]);
    note.textContent = 'no device yet';
    return;
  }
  if (r === '1h') {
    note.textContent = `${selected}: live, last hour`;
    chartDirty = true;
    seedLiveHistory(devices.get(selected));
    return;
  }
  const req = ++historyRequest;
  const span = r === '24h' ? 24 * HOUR : 7 * 24 * HOUR;
  const step = r === '24h' ? '1m' : '1h';
  const to = Date.now();
  note.textContent = `${selected}: loading ${r}…`;
  try {
    const q = new URLSearchParams({ device: selected, from: new Date(to - span).toISOString(), to: new Date(to).toISOString(), step });
    const body = await api(`/api/readings?${q}`);
    if (req !== historyRequest) return;
    const xs = [];
    const ts = [];
    const hs = [];
    for (const pt of body?.points || []) {
      const x = Date.parse(pt.ts);
      const t = pt.temperature?.avg;
      const h = pt.humidity?.avg;
      if (Number.isNaN(x) || typeof t !== 'number' || typeof h !== 'number') continue;
      xs.push(x / 1000);
      ts.push(t);
      hs.push(h);
    }
    makeChart([xs, ts, hs]);
    note.textContent = `${selected}: ${r}, averages per ${step === '1m' ? 'minute' : 'hour'} (${xs.length} points)`;
  } catch (e) {
    if (req !== historyRequest) return;
    makeChart([[], [], []]);
    note.textContent = `history unavailable: ${e.message}`;
  }
}

/** Once per device, the last hour's stored readings go in front of the live ones. */
async function seedLiveHistory(d) {
  if (!d || d.seeding || !settings.api) return;
  d.seeding = true;
  try {
    const to = Date.now();
    const q = new URLSearchParams({ device: d.model.id, from: new Date(to - HOUR).toISOString(), to: new Date(to).toISOString(), step: 'raw' });
    const body = await api(`/api/readings?${q}`);
    const points = [];
    for (const pt of body?.points || []) {
      const ts = Date.parse(pt.ts);
      if (!Number.isNaN(ts) && Number.isFinite(pt.temperature) && Number.isFinite(pt.humidity)) {
        points.push({ ts, temperature: pt.temperature, humidity: pt.humidity });
      }
    }
    d.model.seedHistory(points);
    if (d.model.id === selected) chartDirty = true;
  } catch (e) {
    if (d.model.id === selected && range === '1h') $('#chart-note').textContent = `${d.model.id}: live only (history unavailable: ${e.message})`;
  }
}

function redrawLive() {
  if (range !== '1h' || !chartDirty) return;
  chartDirty = false;
  const d = devices.get(selected);
  const data = d ? d.model.ring.toColumns(Date.now() - HOUR) : [[], [], []];
  setChartData(data);
}

// ---- settings dialog ----
function openSettings() {
  const f = $('#settings-form');
  for (const k of ['broker', 'username', 'password', 'prefix', 'api']) f.elements[k].value = settings[k] || '';
  f.elements.token.value = token;
  f.elements.remember.checked = !!loadStored().password;
  $('#settings').showModal();
}

function saveSettings() {
  const f = $('#settings-form').elements;
  const next = {};
  for (const k of ['broker', 'username', 'password', 'prefix', 'api']) next[k] = f[k].value.trim();
  const stored = { ...next };
  if (!f.remember.checked) delete stored.password;
  try {
    localStorage.setItem(STORE, JSON.stringify(stored));
    sessionStorage.setItem('dht-dash-password', next.password);
    sessionStorage.setItem('dht-dash-token', f.token.value.trim());
  } catch { /* storage off: settings hold for this page only */ }
  token = f.token.value.trim();
  // The URL's query string would win on reload: drop it so the saved settings apply.
  if (location.search) history.replaceState(null, '', location.pathname);
  settings = resolveSettings('', next, defaults);
  for (const d of devices.values()) d.el.remove();
  devices.clear();
  $('#chart-device').replaceChildren();
  selected = null;
  userSelected = false;
  incidents.clear();
  renderIncidents();
  loadFromApi();
  connect().catch((e) => setConn('error', `cannot load mqtt.js: ${e.message}`));
}

// ---- wiring ----
$('#open-settings').addEventListener('click', openSettings);
$('#settings-form').addEventListener('submit', (e) => {
  if (e.submitter?.value === 'save') saveSettings();
});
$('#chart-device').addEventListener('change', (e) => select(e.target.value, { user: true }));
for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => showRange(b.dataset.range));
$('#theme').addEventListener('click', () => {
  const root = document.documentElement;
  const dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  root.dataset.theme = dark ? 'light' : 'dark';
  try { localStorage.setItem('dht-dash-theme', root.dataset.theme); } catch { /* storage off */ }
  showRange(range);
});
window.addEventListener('resize', () => {
  charts?.t.setSize(chartSize());
  charts?.h.setSize(chartSize());
});

// Ages tick every second; stale cards grey out even when no message arrives.
setInterval(() => {
  const now = Date.now();
  for (const d of devices.values()) renderCard(d, now);
  autoSelect();
}, 1000);
// Chart and counters at most 4 times a second, whatever the message rate.
setInterval(() => { redrawLive(); renderDiagnostics(); }, 250);

makeChart([[], [], []]);
renderAgent();
loadFromApi();
connect().catch((e) => setConn('error', `cannot load mqtt.js: ${e.message}`));
