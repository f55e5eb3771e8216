// The dashboard's state without any DOM: bounded ring buffers, per-device interval estimate,
// trend and staleness. Plain ES module, unit-tested with node:test.

/** Fixed-capacity ring of (ts, temperature, humidity); the oldest is overwritten. */
export class Ring {
  constructor(capacity) {
    this.capacity = capacity;
    this.ts = new Float64Array(capacity);
    this.t = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.start = 0;
    this.size = 0;
  }

  push(ts, t, h) {
    const i = (this.start + this.size) % this.capacity;
    this.ts[i] = ts;
    this.t[i] = t;
    this.h[i] = h;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** uPlot data [x seconds[], t[], h[]] of the points at or after sinceMs, oldest first. */
  toColumns(sinceMs = -Infinity) {
    const xs = [];
    const ts = [];
    const hs = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) % this.capacity;
      if (this.ts[i] < sinceMs) continue;
      xs.push(this.ts[i] / 1000);
      ts.push(this.t[i]);
      hs.push(this.h[i]);
    }
    return [xs, ts, hs];
  }
}

export const DEFAULT_INTERVAL_MS = 10_000;
export const STALE_FACTOR = 3;
export const BACKLOG_MS = 5 * 60_000;

/** One device's live state. */
export class Device {
  constructor(id, { capacity = 3600, intervalMs = null } = {}) {
    this.id = id;
    this.ring = new Ring(capacity);
    this.last = null; // {ts, temperature, humidity, receivedAt}
    this.prev = null;
    this.status = null; // 'online' | 'offline' | null (unknown)
    this.statusAt = null;
    this.intervalMs = intervalMs; // from the API's expected_interval_s, or estimated
    this.estimatedMs = null;
  }

  /** Adds a reading; readings older than the newest one only go to the chart history. */
  addReading(r, receivedAt) {
    if (this.last && r.ts <= this.last.ts) {
      return false;
    }
    // A reading measured long before it arrived (a backlog drained after an outage) counts from
    // its own time, so it shows as old, not as current. Below BACKLOG_MS the arrival time is
    // used: a few seconds of clock skew between a board and this browser must not grey it.
    const late = r.tsGiven && receivedAt - r.ts > BACKLOG_MS;
    if (late) receivedAt = r.ts;
    if (this.last && !late) {
      const gap = receivedAt - this.last.receivedAt;
      if (gap > 0 && gap < 3_600_000) {
        // Exponentially weighted: a few readings settle it, one late one does not double it.
        this.estimatedMs = this.estimatedMs === null ? gap : 0.8 * this.estimatedMs + 0.2 * gap;
      }
    }
    this.prev = this.last;
    this.last = { ts: r.ts, temperature: r.temperature, humidity: r.humidity, receivedAt };
    this.ring.push(r.ts, r.temperature, r.humidity);
    return true;
  }

  /** The last reading known from the API (measured at ts): shown with its real age, never
   * as a live one, and not used to estimate the interval. */
  seedLast(r) {
    if (this.last) return false;
    const at = Math.min(r.ts, Date.now());
    this.last = { ts: r.ts, temperature: r.temperature, humidity: r.humidity, receivedAt: at };
    this.ring.push(r.ts, r.temperature, r.humidity);
    return true;
  }

  /** Puts stored history (oldest first) in front of the live points, keeping the capacity. */
  seedHistory(points) {
    const live = this.ring.toColumns();
    const firstLive = live[0].length ? live[0][0] * 1000 : Infinity;
    const ring = new Ring(this.ring.capacity);
    for (const p of points) if (p.ts < firstLive) ring.push(p.ts, p.temperature, p.humidity);
    for (let i = 0; i < live[0].length; i++) ring.push(live[0][i] * 1000, live[1][i], live[2][i]);
    this.ring = ring;
  }

  /** The usual interval between readings in ms. */
  usualIntervalMs() {
    return this.estimatedMs ?? this.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  /** Stale: no reading for more than 3 usual intervals (or no reading at all). */
  isStale(now) {
    if (!this.last) return true;
    return now - this.last.receivedAt > STALE_FACTOR * this.usualIntervalMs();
  }

  /** Trend of a metric from the previous reading: 'up' | 'down' | 'flat' | null. */
  trend(metric, epsilon = metric === 'temperature' ? 0.2 : 1) {
    if (!this.last || !this.prev) return null;
    const d = this.last[metric] - this.prev[metric];
    if (Math.abs(d) < epsilon) return 'flat';
    return d > 0 ? 'up' : 'down';
  }
}

/** The device to show when nobody has picked one: the one whose last reading arrived last,
 * among those that are not stale if there are any; null without devices. */
export function pickDefault(models, now) {
  let best = null;
  for (const m of models) {
    if (!best) { best = m; continue; }
    const fresh = !m.isStale(now);
    const bestFresh = !best.isStale(now);
    if (fresh !== bestFresh) { if (fresh) best = m; continue; }
    if ((m.last?.receivedAt ?? -Infinity) > (best.last?.receivedAt ?? -Infinity)) best = m;
  }
  return best ? best.id : null;
}

export const TREND_ARROW = { up: '↑', down: '↓', flat: '→' };

/** "3 s", "4 min", "2 h", "5 d". */
export function formatAge(ms) {
  if (ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

const ORDER = { open: 0, acknowledged: 1, resolved: 2 };

/** Incidents: open first, then acknowledged, then resolved; newest first within each. */
export function sortIncidents(list) {
  return [...list].sort((a, b) => (ORDER[a.status] - ORDER[b.status])
    || ((b.opened_at ?? 0) - (a.opened_at ?? 0)) || (b.incident_id - a.incident_id));
}

/** Merges a newer view of an incident into a known one (a transition never goes back). */
export function mergeIncident(known, next) {
  if (!known) return next;
  if (ORDER[next.status] < ORDER[known.status]) return known;
  const out = { ...known };
  for (const [k, v] of Object.entries(next)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** The defaults an agent serving this page offers in its defaults.json (broker, api, prefix),
 * checked: a WebSocket broker URL, an http(s) API resolved against the page (the agent sends "/",
 * its own origin), a plain topic prefix. Anything else is ignored; a static server has no such
 * file and the page's own defaults apply. */
export function servedDefaults(json, pageHref) {
  const out = {};
  if (!json || typeof json !== 'object' || Array.isArray(json)) return out;
  if (typeof json.broker === 'string' && /^wss?:\/\/[^\s]+$/.test(json.broker)) out.broker = json.broker;
  if (typeof json.api === 'string') {
    try {
      const u = new URL(json.api, pageHref);
      if (u.protocol === 'http:' || u.protocol === 'https:') out.api = u.href.replace(/\/+$/, '');
    } catch { /* not a URL */ }
  }
  if (typeof json.prefix === 'string' && /^[^#+\s]{1,64}$/.test(json.prefix)) out.prefix = json.prefix;
  return out;
}

/** Settings from the query string over stored ones over defaults. The password never comes
 * from the URL unless allowPasswordInUrl. */
export function resolveSettings(query, stored, defaults, { allowPasswordInUrl = false } = {}) {
  const out = { ...defaults, ...stored };
  const q = new URLSearchParams(query);
  for (const k of ['broker', 'prefix', 'api', 'username']) {
    const v = q.get(k);
    if (v !== null && v !== '') out[k] = v;
  }
  if (allowPasswordInUrl && q.get('password')) out.password = q.get('password');
  out.prefix = String(out.prefix || 'dht11').replace(/\/+$/, '');
  return out;
}
