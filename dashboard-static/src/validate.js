// Validation of MQTT payloads by the contract in docs/mqtt.md. Plain ES module, no DOM, no
// dependency: used by the page and by the unit tests (node --test). Every function returns
// {ok:true, value} or {ok:false, reason}; reasons are exactly the contract's reject reasons.

export const MAX_BYTES = 4096;
export const DEVICE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
export const REASONS = [
  'too-large', 'not-json', 'not-object', 'missing-field', 'wrong-type', 'not-finite',
  'out-of-range', 'bad-device-id', 'bad-ts', 'bad-seq',
];
const MIN_TS = Date.UTC(2020, 0, 1);
const DAY_MS = 24 * 3600 * 1000;
const MAX_SEQ = 2n ** 63n - 1n;
const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;
// Stands in for NaN/Infinity tokens, which JSON.parse refuses but the contract calls not-finite.
const NOT_FINITE = Symbol('not-finite');
const NF_MARK = '\u0000not-finite\u0000';

const fail = (reason) => ({ ok: false, reason });
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes (Uint8Array/Buffer) or a string to text; null when not valid UTF-8. */
function toText(payload) {
  if (typeof payload === 'string') return payload;
  try {
    return utf8.decode(payload);
  } catch {
    return null;
  }
}

function byteLength(payload) {
  if (typeof payload === 'string') return new TextEncoder().encode(payload).length;
  return payload.byteLength;
}

/** True when some object in already-valid JSON text repeats a key. */
export function hasDuplicateKeys(text) {
  const stack = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '}') stack.pop();
    else if (c === '[') stack.push(null);
    else if (c === ']') stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const literal = text.slice(i, j + 1);
      i = j;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k])) k++;
      const keys = stack[stack.length - 1];
      if (text[k] === ':' && keys) {
        const key = JSON.parse(literal);
        if (keys.has(key)) return true;
        keys.add(key);
      }
    }
  }
  return false;
}

/** Parses JSON strictly (duplicate keys refused); NaN/Infinity become the NOT_FINITE marker. */
export function parseJson(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    // NaN / Infinity as bare tokens (outside strings): valid for the agent's lenient parser,
    // classified as not-finite by the contract.
    const swapped = text.replace(/("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g,
      (m, str) => (str ? str : JSON.stringify(NF_MARK)));
    if (swapped === text) return fail('not-json');
    try {
      value = JSON.parse(swapped, (k, v) => (v === NF_MARK ? NOT_FINITE : v));
    } catch {
      return fail('not-json');
    }
  }
  if (text.trim() === '' || hasDuplicateKeys(text)) return fail('not-json');
  return { ok: true, value };
}

function checkNumber(v, min, max) {
  if (v === undefined) return 'missing-field';
  if (v === NOT_FINITE) return 'not-finite';
  if (typeof v !== 'number') return 'wrong-type';
  if (!Number.isFinite(v)) return 'not-finite';
  if (v < min || v > max) return 'out-of-range';
  return null;
}

function checkShortString(v) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return 'wrong-type';
  if (v.length < 1 || v.length > 32) return 'out-of-range';
  return null;
}

/** Milliseconds since the epoch of a contract timestamp, or null when it is not one. */
export function parseTs(s) {
  if (typeof s !== 'string' || !TS_RE.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A reading from `<prefix>/sensor/data`. Returns {ok, value:{device_id, ts (ms), tsGiven, seq,
 * temperature, humidity, source, model, gateway}} or {ok:false, reason}.
 */
export function validateReading(payload, { now = Date.now(), defaultDevice = 'default' } = {}) {
  if (byteLength(payload) > MAX_BYTES) return fail('too-large');
  const text = toText(payload);
  if (text === null) return fail('not-json');
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  if (o === null || typeof o !== 'object' || Array.isArray(o) || o === NOT_FINITE) {
    return fail('not-object');
  }
  const get = (k) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const t = get('temperature');
  const h = get('humidity');
  let r = checkNumber(t === null ? 'null' : t, -40, 80);
  if (r) return fail(r);
  r = checkNumber(h === null ? 'null' : h, 0, 100);
  if (r) return fail(r);

  let deviceId = get('device_id');
  if (deviceId === undefined || deviceId === null) deviceId = defaultDevice;
  else if (typeof deviceId !== 'string') return fail('wrong-type');
  else if (!DEVICE_ID.test(deviceId)) return fail('bad-device-id');

  let ts = now;
  const tsRaw = get('ts');
  if (tsRaw !== undefined && tsRaw !== null) {
    if (typeof tsRaw !== 'string') return fail('wrong-type');
    const ms = parseTs(tsRaw);
    if (ms === null || ms < MIN_TS || ms > now + DAY_MS) return fail('bad-ts');
    ts = ms;
  }

  let seq = null;
  const seqRaw = get('seq');
  if (seqRaw !== undefined && seqRaw !== null) {
    if (seqRaw === NOT_FINITE) return fail('bad-seq');
    if (typeof seqRaw !== 'number') return fail('wrong-type');
    if (!Number.isInteger(seqRaw) || seqRaw < 0) return fail('bad-seq');
    // Beyond 2^53 the double is not exact; it is only refused when clearly beyond 64 bits.
    if (BigInt(seqRaw) > MAX_SEQ) return fail('bad-seq');
    seq = seqRaw;
  }
  r = checkShortString(get('source'));
  if (r) return fail(r);
  r = checkShortString(get('model'));
  if (r) return fail(r);
  // The agent that first stored the reading (optional): an id like a device id.
  const gateway = get('gateway');
  if (gateway !== undefined && gateway !== null) {
    if (typeof gateway !== 'string') return fail('wrong-type');
    if (!DEVICE_ID.test(gateway)) return fail('bad-device-id');
  }
  return {
    ok: true,
    value: {
      device_id: deviceId,
      ts,
      tsGiven: tsRaw !== undefined && tsRaw !== null,
      seq,
      temperature: t,
      humidity: h,
      source: get('source') ?? 'mqtt',
      model: get('model') ?? null,
      gateway: gateway ?? null,
    },
  };
}

function parseObject(payload) {
  if (byteLength(payload) > MAX_BYTES) return fail('too-large');
  const text = toText(payload);
  if (text === null) return fail('not-json');
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return fail('not-object');
  return { ok: true, value: o };
}

/**
 * A device status on `<prefix>/status/<id>`. An empty payload (retained status cleared) is
 * {ok:true, value:{device_id, status:null}}: the device is forgotten.
 */
export function validateDeviceStatus(topicId, payload) {
  if (!DEVICE_ID.test(topicId)) return fail('bad-device-id');
  if (byteLength(payload) === 0) return { ok: true, value: { device_id: topicId, status: null } };
  const p = parseObject(payload);
  if (!p.ok) return p;
  const o = p.value;
  if (o.device_id !== undefined && o.device_id !== null && o.device_id !== topicId) {
    return fail('bad-device-id');
  }
  if (o.status !== 'online' && o.status !== 'offline') {
    return fail(typeof o.status === 'string' ? 'out-of-range' : 'wrong-type');
  }
  return { ok: true, value: { device_id: topicId, status: o.status } };
}

/** The agent's own status on `<prefix>/status`. */
export function validateAgentStatus(payload) {
  if (byteLength(payload) === 0) return { ok: true, value: { status: null } };
  const p = parseObject(payload);
  if (!p.ok) return p;
  const o = p.value;
  if (o.status !== 'online' && o.status !== 'offline') {
    return fail(typeof o.status === 'string' ? 'out-of-range' : 'wrong-type');
  }
  return {
    ok: true,
    value: { status: o.status, version: typeof o.version === 'string' ? o.version : null,
      ts: parseTs(o.ts) },
  };
}

const INCIDENT_STATUS = new Set(['open', 'acknowledged', 'resolved']);

/** An incident (an MQTT transition or an element of GET /api/incidents). */
export function validateIncident(input) {
  let o = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const p = parseObject(input);
    if (!p.ok) return p;
    o = p.value;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return fail('not-object');
  if (o.incident_id === undefined || o.status === undefined) return fail('missing-field');
  if (!Number.isSafeInteger(o.incident_id) || o.incident_id < 0) return fail('wrong-type');
  if (!INCIDENT_STATUS.has(o.status)) return fail('out-of-range');
  if (typeof o.device_id !== 'string' || !DEVICE_ID.test(o.device_id)) return fail('bad-device-id');
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v, max = 500) => (typeof v === 'string' ? v.slice(0, max) : null);
  return {
    ok: true,
    value: {
      incident_id: o.incident_id,
      status: o.status,
      device_id: o.device_id,
      rule: str(o.rule, 40),
      metric: str(o.metric, 40),
      value: num(o.value),
      threshold: num(o.threshold),
      message: str(o.message),
      opened_at: parseTs(o.opened_at),
      acknowledged_at: parseTs(o.acknowledged_at),
      resolved_at: parseTs(o.resolved_at),
      ts: parseTs(o.ts),
    },
  };
}
