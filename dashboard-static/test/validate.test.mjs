// Unit tests of the plain modules (no browser): node --test test/validate.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  validateReading, validateDeviceStatus, validateAgentStatus, validateIncident, hasDuplicateKeys,
} from '../src/validate.js';
import {
  Ring, Device, formatAge, sortIncidents, mergeIncident, resolveSettings, pickDefault,
} from '../src/model.js';

const NOW = Date.parse('2026-11-27T22:00:05.000Z');
const reason = (p) => {
  const r = validateReading(p, { now: NOW });
  return r.ok ? 'accepted' : r.reason;
};

test('every example in docs/mqtt.md is classified as its comment says', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/mqtt.md', import.meta.url)), 'utf8');
  const re = /<!-- expect: (accepted|reject ([a-z-]+)|json) -->\s*```json\n([\s\S]*?)\n```/g;
  let n = 0;
  for (const m of doc.matchAll(re)) {
    if (m[1] === 'json') continue;
    n++;
    assert.equal(reason(m[3]), m[2] ?? 'accepted', m[3]);
  }
  assert.ok(n >= 20, `only ${n} examples found`);
});

test('a payload over 4096 bytes is too-large, one of exactly 4096 is not', () => {
  const base = '{"temperature":20,"humidity":50,"x":"';
  const fill = (len) => base + 'a'.repeat(len - base.length - 2) + '"}';
  assert.equal(fill(4096).length, 4096);
  assert.equal(reason(fill(4096)), 'accepted');
  assert.equal(reason(fill(4097)), 'too-large');
  assert.equal(reason(new TextEncoder().encode(fill(4097))), 'too-large');
});

test('bytes that are not UTF-8, empty payloads and trailing content are not-json', () => {
  assert.equal(reason(new Uint8Array([0x7b, 0xff, 0x7d])), 'not-json');
  assert.equal(reason(''), 'not-json');
  assert.equal(reason('{"temperature":20,"humidity":50} x'), 'not-json');
  assert.equal(reason('"NaN"'), 'not-object');
});

test('Infinity and numbers too large for a double are not-finite, in field order', () => {
  assert.equal(reason('{"temperature":Infinity,"humidity":50}'), 'not-finite');
  assert.equal(reason('{"temperature":1e999,"humidity":50}'), 'not-finite');
  assert.equal(reason('{"temperature":20,"humidity":-Infinity}'), 'not-finite');
  assert.equal(reason('{"temperature":"NaN","humidity":50}'), 'wrong-type');
  assert.equal(reason('{"temperature":"x","humidity":NaN}'), 'wrong-type');
});

test('the first problem in field order is the one reported', () => {
  assert.equal(reason('{"humidity":500,"temperature":"25"}'), 'wrong-type');
  assert.equal(reason('{"device_id":"a/b","temperature":20,"humidity":500}'), 'out-of-range');
  assert.equal(reason('{"device_id":"a/b","ts":"x","temperature":20,"humidity":5}'), 'bad-device-id');
  assert.equal(reason('{"device_id":7,"temperature":20,"humidity":5}'), 'wrong-type');
  assert.equal(reason('{"temperature":20,"humidity":5,"source":""}'), 'out-of-range');
  assert.equal(reason('{"temperature":20,"humidity":5,"model":"' + 'm'.repeat(33) + '"}'), 'out-of-range');
  assert.equal(reason('{"temperature":20,"humidity":5,"seq":"1"}'), 'wrong-type');
});

test('a ts more than a day ahead is bad-ts, optional nulls mean absent', () => {
  assert.equal(reason('{"ts":"2026-11-29T22:00:00.000Z","temperature":20,"humidity":50}'), 'bad-ts');
  assert.equal(reason('{"ts":"2026-11-28T21:00:00.000Z","temperature":20,"humidity":50}'), 'accepted');
  assert.equal(reason('{"ts":null,"seq":null,"device_id":null,"temperature":20,"humidity":50}'), 'accepted');
  const r = validateReading('{"temperature":25,"humidity":60}', { now: NOW, defaultDevice: 'dflt' });
  assert.deepEqual([r.value.device_id, r.value.ts, r.value.tsGiven], ['dflt', NOW, false]);
});

test('duplicate keys are found at any depth but not in arrays or strings', () => {
  assert.equal(hasDuplicateKeys('{"a":{"b":1,"b":2}}'), true);
  assert.equal(hasDuplicateKeys('{"a":["b","b"],"c":"a"}'), false);
  assert.equal(hasDuplicateKeys('{"a\\"":1,"a":2}'), false);
  assert.equal(hasDuplicateKeys('{"a":{"x":1},"b":{"x":1}}'), false);
});

test('device status: valid states, a mismatched device id and an empty payload', () => {
  assert.deepEqual(validateDeviceStatus('esp', '{"status":"offline","device_id":"esp"}'),
    { ok: true, value: { device_id: 'esp', status: 'offline' } });
  assert.equal(validateDeviceStatus('esp', '{"status":"online","device_id":"other"}').reason, 'bad-device-id');
  assert.equal(validateDeviceStatus('esp', '{"status":"sleeping"}').reason, 'out-of-range');
  assert.equal(validateDeviceStatus('a+b', '{"status":"online"}').reason, 'bad-device-id');
  assert.equal(validateDeviceStatus('esp', '').value.status, null);
  assert.equal(validateAgentStatus('{"status":"offline"}').value.status, 'offline');
  assert.equal(validateAgentStatus('[1]').reason, 'not-object');
});

test('incidents from the contract are accepted, broken ones are not', () => {
  const ok = validateIncident('{"incident_id":1,"status":"open","device_id":"pi-kitchen","rule":"temperature_max","metric":"temperature","value":31.2,"threshold":30.0,"opened_at":"2026-11-27T22:00:00.123Z","acknowledged_at":null,"resolved_at":null,"message":"hot","ts":"2026-11-27T22:00:00.123Z"}');
  assert.equal(ok.ok, true);
  assert.equal(ok.value.opened_at, Date.parse('2026-11-27T22:00:00.123Z'));
  assert.equal(validateIncident('{"incident_id":"1","status":"open","device_id":"x"}').reason, 'wrong-type');
  assert.equal(validateIncident('{"incident_id":1,"status":"gone","device_id":"x"}').reason, 'out-of-range');
  assert.equal(validateIncident({ status: 'open' }).reason, 'missing-field');
});

test('the ring keeps only its capacity, oldest first', () => {
  const r = new Ring(3);
  for (let i = 1; i <= 5; i++) r.push(i * 1000, i, 10 * i);
  assert.deepEqual(r.toColumns(), [[3, 4, 5], [3, 4, 5], [30, 40, 50]]);
  assert.deepEqual(r.toColumns(4000)[0], [4, 5]);
});

test('a device is stale after three usual intervals and shows its trend', () => {
  const d = new Device('x');
  assert.equal(d.isStale(0), true);
  d.addReading({ ts: 1000, temperature: 20, humidity: 50 }, 1000);
  d.addReading({ ts: 3000, temperature: 21, humidity: 50 }, 3000);
  assert.equal(d.usualIntervalMs(), 2000);
  assert.equal(d.isStale(3000 + 6000), false);
  assert.equal(d.isStale(3000 + 6001), true);
  assert.equal(d.trend('temperature'), 'up');
  assert.equal(d.trend('humidity'), 'flat');
  assert.equal(d.addReading({ ts: 2000, temperature: 5, humidity: 5 }, 3500), false, 'older reading');
  assert.equal(d.last.temperature, 21);
});

test('ages, incident order and merge, settings precedence', () => {
  assert.deepEqual([formatAge(5400), formatAge(125_000), formatAge(7_200_000)], ['5 s', '2 min', '2 h']);
  const s = sortIncidents([
    { incident_id: 1, status: 'resolved', opened_at: 5 },
    { incident_id: 2, status: 'open', opened_at: 1 },
    { incident_id: 3, status: 'acknowledged', opened_at: 9 },
    { incident_id: 4, status: 'open', opened_at: 3 },
  ]);
  assert.deepEqual(s.map((i) => i.incident_id), [4, 2, 3, 1]);
  const m = mergeIncident({ incident_id: 1, status: 'resolved', message: 'a' }, { incident_id: 1, status: 'open', message: 'b' });
  assert.equal(m.status, 'resolved');
  const set = resolveSettings('?broker=ws://b:1/mqtt&password=pw&prefix=lab/', { broker: 'ws://old', password: 'keep' },
    { broker: 'ws://d', prefix: 'dht11', api: '' });
  assert.deepEqual([set.broker, set.password, set.prefix], ['ws://b:1/mqtt', 'keep', 'lab']);
});

test('stored history goes before the live points and a seeded last reading keeps its age', () => {
  const d = new Device('x', { capacity: 4 });
  d.addReading({ ts: 5000, temperature: 25, humidity: 50 }, 5000);
  d.seedHistory([1000, 2000, 3000, 5000].map((ts) => ({ ts, temperature: ts / 1000, humidity: 1 })));
  assert.deepEqual(d.ring.toColumns()[0], [1, 2, 3, 5]);
  const e = new Device('y', { intervalMs: 2000 });
  e.seedLast({ ts: Date.now() - 60_000, temperature: 20, humidity: 40 });
  assert.equal(e.isStale(Date.now()), true, 'a minute-old value with a 2 s interval is stale');
  assert.equal(e.seedLast({ ts: Date.now(), temperature: 1, humidity: 1 }), false);
});

test('a reading that arrives long after it was measured is shown with its real age', () => {
  const d = new Device('x', { intervalMs: 2000 });
  const now = 10_000_000;
  d.addReading({ ts: now - 3_600_000, tsGiven: true, temperature: 20, humidity: 40 }, now);
  assert.equal(d.isStale(now), true);
  assert.equal(d.estimatedMs, null);
  d.addReading({ ts: now - 3000, tsGiven: true, temperature: 20, humidity: 40 }, now);
  assert.equal(d.isStale(now), false, 'seconds of skew are not a backlog');
});

test('the default device is the freshest one, a stale one only when all are', () => {
  const now = 1_000_000;
  const dev = (id, agoMs) => {
    const d = new Device(id, { intervalMs: 10_000 });
    if (agoMs !== null) d.addReading({ ts: now - agoMs, temperature: 20, humidity: 50 }, now - agoMs);
    return d;
  };
  assert.equal(pickDefault([], now), null);
  // "aaa" sorts first but is an hour old.
  assert.equal(pickDefault([dev('aaa', 3_600_000), dev('bbb', 5_000), dev('ccc', 2_000)], now), 'ccc');
  assert.equal(pickDefault([dev('aaa', 3_600_000), dev('none', null), dev('bbb', 20_000)], now), 'bbb');
  assert.equal(pickDefault([dev('old', 3_600_000), dev('older', 7_200_000), dev('none', null)], now), 'old');
});
