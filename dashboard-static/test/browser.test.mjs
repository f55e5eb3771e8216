// The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core),
// against the real agent (bin/edge-agent demo: embedded broker with WebSockets, simulated
// sensor, HTTP API) and a private Mosquitto for the load test. Run through test/run.sh.
// Env: ROOT (repo root; default ../..), CHROMIUM, DASH_PERF_LONG=1 (50 devices at 1 Hz for
// 10 real minutes instead of the same message count at 20 Hz in 30 s), DASH_PERF_SECONDS/HZ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import mqtt from 'mqtt';
import { staticServer, startAgent, startMosquitto, CHROMIUM_ARGS } from './harness.mjs';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const DASH = join(HERE, '..');
const ROOT = process.env.ROOT || join(DASH, '..');
// Screenshots go under target/, never into docs/ (bin/screenshots refreshes the docs images).
const SCREENSHOT = join(DASH, 'target', 'screenshot.png');
const results = {};
const HOUR_MS = 3_600_000;

let web;
let agent;
let browser;
let page;
let profile;
const pageErrors = [];

const card = (id) => page.locator(`[id="dev-${id}"]`);
const dashUrl = () => `${web.url}/?broker=${encodeURIComponent(agent.ws)}&prefix=dht11&api=${encodeURIComponent(agent.api)}`;

before(async () => {
  web = await staticServer(join(DASH, 'dist'));
  agent = await startAgent(ROOT, web.url);
  profile = mkdtempSync(join(tmpdir(), 'dash-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] || await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  if (Object.keys(results).length) console.log(`# dashboard numbers: ${JSON.stringify(results)}`);
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await agent?.stop();
  await web?.close();
});

async function publish(device, temp, hum) {
  await run(join(ROOT, 'bin/edge-agent'),
    ['publish', '--broker', agent.tcp, '--device', device, '--temp', String(temp), '--hum', String(hum)]);
}

async function nodeClient(url, opts = {}) {
  const c = mqtt.connect(url, { reconnectPeriod: 0, ...opts });
  await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
  return c;
}

test('the first device card renders within a second of navigation start on loopback', async () => {
  await page.goto(dashUrl());
  await page.waitForSelector('#conn[data-state="connected"]', { timeout: 10_000 });
  await page.waitForSelector('#devices .card', { timeout: 10_000 });
  const firstCardMs = await page.evaluate(() => window.__dash.perf.firstCardAt);
  results.first_card_ms = Math.round(firstCardMs);
  const cold = await page.evaluate(() => window.__dash.perf);
  results.cold_breakdown_ms = { script: Math.round(cold.scriptAt), mqtt_connected: Math.round(cold.connectedAt), api_devices: Math.round(cold.apiDevicesAt ?? -1) };
  assert.ok(firstCardMs > 0);
  await page.waitForSelector('#agent[data-state="online"]', { timeout: 10_000 });
  await page.reload();
  await page.waitForSelector('#devices .card', { timeout: 10_000 });
  const warm = await page.evaluate(() => window.__dash.perf);
  results.first_card_warm_ms = Math.round(warm.firstCardAt);
  results.warm_breakdown_ms = { script: Math.round(warm.scriptAt), mqtt_connected: Math.round(warm.connectedAt), api_devices: Math.round(warm.apiDevicesAt ?? -1) };
});

test('a reading published with bin/edge-agent publish appears within 2 s', async () => {
  await publish('browser-dev', 22.5, 41);
  const t0 = Date.now();
  await page.waitForFunction(() => {
    const el = document.querySelector('[id="dev-browser-dev"] .t');
    return el && el.textContent.startsWith('22.5 °C');
  }, null, { timeout: 2000 });
  results.publish_to_card_ms = Date.now() - t0;
  assert.match(await card('browser-dev').locator('.h').textContent(), /^41 %RH/);
  assert.match(await card('browser-dev').locator('.age').textContent(), /ago$/);
});

test('three readings above the band open an incident that shows as open', async () => {
  for (let i = 0; i < 3; i++) await publish('hot-dev', 31, 50);
  const item = page.locator('#incidents li[data-device="hot-dev"][data-status="open"]');
  await item.waitFor({ timeout: 10_000 });
  assert.match(await item.textContent(), /hot-dev/);
  assert.equal(await item.locator('button').count(), 0, 'no buttons without a token');
  // Cards show the trend: 22.5 was not this device; its readings were flat at 31.
  assert.match(await card('hot-dev').locator('.t').textContent(), /^31\.0 °C →/);
});

test('with a token entered, acknowledge and resolve go through the agent API (CORS)', async () => {
  await page.click('#open-settings');
  await page.fill('input[name="token"]', agent.token);
  await page.click('#save-settings');
  await page.waitForSelector('#conn[data-state="connected"]', { timeout: 10_000 });
  // Cards come back from GET /api/devices with the last stored value (and its real age).
  await page.waitForFunction(() => document.querySelector('[id="dev-browser-dev"] .t')?.textContent.startsWith('22.5 °C'), null, { timeout: 5000 });
  // Reloaded from GET /api/incidents after the settings change.
  const item = page.locator('#incidents li[data-device="hot-dev"]').first();
  await item.locator('button.ack').waitFor({ timeout: 10_000 });
  await item.locator('button.ack').click();
  await page.locator('#incidents li[data-device="hot-dev"][data-status="acknowledged"]').waitFor({ timeout: 5000 });
  await page.locator('#incidents li[data-device="hot-dev"] button.resolve').first().click();
  await page.locator('#incidents li[data-device="hot-dev"][data-status="resolved"]').waitFor({ timeout: 5000 });
  const res = await fetch(`${agent.api}/api/incidents?status=resolved`);
  const body = await res.json();
  assert.ok(body.incidents.some((i) => i.device_id === 'hot-dev' && i.status === 'resolved'));
});

test('a device whose connection dies is marked offline by its retained will', async () => {
  const id = 'will-dev';
  const c = await nodeClient(agent.tcp.replace('tcp://', 'mqtt://'), {
    clientId: 'dash-test-will',
    will: { topic: `dht11/status/${id}`, payload: JSON.stringify({ status: 'offline', device_id: id }), qos: 1, retain: true },
  });
  await c.publishAsync(`dht11/status/${id}`, JSON.stringify({ status: 'online', device_id: id }), { qos: 1, retain: true });
  await c.publishAsync('dht11/sensor/data', JSON.stringify({ device_id: id, temperature: 20.5, humidity: 40 }), { qos: 1 });
  await page.locator(`[id="dev-${id}"][data-online="online"]`).waitFor({ timeout: 5000 });
  c.stream.destroy(); // no DISCONNECT packet: the broker must publish the will
  await page.locator(`[id="dev-${id}"][data-online="offline"]`).waitFor({ timeout: 15_000 });
  assert.equal(await card(id).locator('.state').textContent(), 'offline');
  c.end(true);
});

test('a device that stops sending is greyed as stale after three of its intervals', async () => {
  const c = await nodeClient(agent.tcp.replace('tcp://', 'mqtt://'));
  for (let i = 0; i < 3; i++) {
    await c.publishAsync('dht11/sensor/data', JSON.stringify({ device_id: 'quick-dev', temperature: 20 + i, humidity: 40 }));
    await sleep(300);
  }
  await page.locator('[id="dev-quick-dev"]:not(.stale)').waitFor({ timeout: 2000 }).catch(() => {});
  await page.locator('[id="dev-quick-dev"].stale').waitFor({ timeout: 5000 });
  assert.match(await card('quick-dev').locator('.age').textContent(), /^stale · \d+ s ago$/);
  await c.endAsync();
});

test('malformed messages are ignored and counted by reason; the page keeps working', async () => {
  const c = await nodeClient(agent.tcp.replace('tcp://', 'mqtt://'));
  const bad = {
    'not-json': 'hello',
    'wrong-type': '{"temperature":"25","humidity":60}',
    'not-finite': '{"temperature":NaN,"humidity":60}',
    'out-of-range': '{"device_id":"x1","temperature":85.0,"humidity":60}',
    'bad-device-id': '{"device_id":"kitchen/pi","temperature":20,"humidity":50}',
    'too-large': JSON.stringify({ temperature: 20, humidity: 50, pad: 'x'.repeat(5000) }),
    'not-object': '[25,60]',
    'missing-field': '{"temperature":25}',
  };
  for (const payload of Object.values(bad)) await c.publishAsync('dht11/sensor/data', payload);
  await c.publishAsync('dht11/sensor/data', JSON.stringify({ device_id: 'after-bad', temperature: 19.5, humidity: 55 }));
  await card('after-bad').waitFor({ timeout: 5000 });
  for (const reason of Object.keys(bad)) {
    const n = page.locator(`#rejects tr[data-reason="${reason}"] .n`);
    await n.waitFor({ timeout: 3000 });
    assert.ok(Number(await n.textContent()) >= 1, reason);
  }
  assert.equal(await page.locator('[id="dev-x1"]').count(), 0, 'an out-of-range reading made no card');
  assert.deepEqual(pageErrors, []);
  await c.endAsync();
});

test('24 h history comes from the API as per-minute averages, 7 d as hourly', async () => {
  const res = await fetch(`${agent.api}/api/devices`);
  const local = (await res.json()).devices.find((d) => d.local);
  assert.ok(local, 'the demo has a local simulated sensor');
  await page.selectOption('#chart-device', local.device_id);
  await page.click('.tabs button[data-range="24h"]');
  await page.waitForFunction(() => /averages per minute \(\d+ points\)/.test(document.querySelector('#chart-note').textContent), null, { timeout: 10_000 });
  const n = Number(/\((\d+) points\)/.exec(await page.textContent('#chart-note'))[1]);
  assert.ok(n >= 1, `${n} points`);
  await page.click('.tabs button[data-range="7d"]');
  await page.waitForFunction(() => /averages per hour/.test(document.querySelector('#chart-note').textContent), null, { timeout: 10_000 });
  await page.click('.tabs button[data-range="1h"]');
  await page.waitForSelector('#chart canvas');
  await sleep(1000);
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test('temperature and humidity are drawn in two panes, each with its own axis and legend', async () => {
  await page.waitForSelector('#chart-t canvas');
  await page.waitForSelector('#chart-h canvas');
  const t = await page.locator('#chart-t').boundingBox();
  const h = await page.locator('#chart-h').boundingBox();
  assert.ok(t.height > 100 && h.height > 100, JSON.stringify({ t, h }));
  assert.ok(t.y + t.height <= h.y, `the panes overlap: ${JSON.stringify({ t, h })}`);
  assert.match(await page.locator('#chart-t .u-legend').textContent(), /temperature °C/);
  assert.doesNotMatch(await page.locator('#chart-t .u-legend').textContent(), /humidity/);
  assert.match(await page.locator('#chart-h .u-legend').textContent(), /humidity %RH/);
  // Each pane holds one series: the selected device's temperatures, and its humidities.
  await page.waitForFunction(() => window.__dash.charts()?.t[0].length > 0, null, { timeout: 10_000 });
  const { data, ring } = await page.evaluate(() => {
    const id = document.querySelector('#chart-device').value;
    const cols = window.__dash.devices.get(id).model.ring.toColumns(Date.now() - 3_600_000);
    const c = window.__dash.charts();
    return { data: { t: c.t, h: c.h }, ring: { t: cols[1].slice(-5), h: cols[2].slice(-5), n: cols[0].length } };
  });
  assert.equal(data.t.length, 2);
  assert.equal(data.h.length, 2);
  assert.ok(data.t[0].length >= ring.n - 5, `${data.t[0].length} of ${ring.n} points`);
  assert.deepEqual(data.t[1].slice(-5).filter((v) => ring.t.includes(v)).length > 0, true);
  assert.deepEqual(data.h[1].slice(-5).filter((v) => ring.h.includes(v)).length > 0, true);
});

test('the default chart is the freshest device, not one that sorts first', async () => {
  // Sorting first: one 8 s old (not stale, but older than the simulated sensor's last reading,
  // which comes every second or two), then one 2 h old.
  for (const [id, agoMs] of [['aaa-older', 8000], ['aab-stale', 2 * HOUR_MS]]) {
    const res = await fetch(`${agent.api}/mqtt/publish/sensor`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${agent.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ device_id: id, temperature: 20, humidity: 50, ts: new Date(Date.now() - agoMs).toISOString() }),
    });
    assert.equal(res.status, 201, await res.text());
  }
  const local = (await (await fetch(`${agent.api}/api/devices`)).json()).devices.find((d) => d.local);
  const p = await browser.newPage();
  try {
    await p.goto(dashUrl());
    await p.locator('[id="dev-aab-stale"]').waitFor({ timeout: 10_000 });
    assert.equal(await p.locator('#devices .card').first().getAttribute('data-device'), 'aaa-older', 'it sorts first');
    await p.waitForFunction((id) => document.querySelector('#chart-device').value === id, local.device_id, { timeout: 10_000 });
    assert.match(await p.textContent('#chart-note'), new RegExp(`^${local.device_id}: live`));
    assert.equal(await p.locator('#devices .card.selected').count(), 1);
    // A device someone picks stays picked, stale or not.
    await p.click('[id="dev-aab-stale"]');
    await sleep(1500);
    assert.equal(await p.inputValue('#chart-device'), 'aab-stale');
  } finally {
    await p.close();
  }
});

test('the page has an icon: no request 404s, /favicon.ico included', async () => {
  const p = await browser.newPage();
  const failed = [];
  p.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  try {
    await p.goto(dashUrl());
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 10_000 });
    await sleep(500);
    const icons = await p.evaluate(() => [...document.querySelectorAll('link[rel="icon"]')].map((l) => l.href));
    assert.ok(icons.length >= 1);
    for (const href of [...icons, `${web.url}/favicon.ico`]) {
      const r = await fetch(href);
      assert.equal(r.status, 200, href);
      assert.match(r.headers.get('content-type'), /^image\//, href);
      assert.ok((await r.arrayBuffer()).byteLength > 100, href);
    }
    assert.deepEqual(failed, []);
  } finally {
    await p.close();
  }
});

test('without an API the live view works and history says why it is unavailable', async () => {
  const p = await browser.newPage();
  await p.evaluate(() => 0);
  await p.goto(`${web.url}/?broker=${encodeURIComponent(agent.ws)}`);
  await p.evaluate(() => localStorage.clear());
  await p.reload();
  await p.waitForSelector('#devices .card', { timeout: 10_000 });
  await p.click('.tabs button[data-range="24h"]');
  await p.waitForFunction(() => document.querySelector('#chart-note').textContent === 'history unavailable: no API URL configured', null, { timeout: 5000 });
  // Phone width, dark: still readable (screenshot for the README).
  await p.setViewportSize({ width: 390, height: 844 });
  await p.emulateMedia({ colorScheme: 'dark' });
  await p.click('.tabs button[data-range="1h"]');
  // A device that sends no status topic, last heard of 59 min ago: its card says "status ?" and
  // "stale · 59 min ago", the longest pair.
  const c = await nodeClient(agent.tcp.replace('tcp://', 'mqtt://'));
  const ts = new Date(Date.now() - 59 * 60_000 - 5000).toISOString();
  await c.publishAsync('dht11/sensor/data', JSON.stringify({ device_id: 'no-status-dev', ts, temperature: 21.5, humidity: 47 }));
  await c.endAsync();
  await p.locator('[id="dev-no-status-dev"]').waitFor({ timeout: 5000 });
  await sleep(1500); // ages tick: "N s ago"
  // "status ?" and "stale · N s ago" each on one line (two cards a row leave ~150 px each).
  const wrapped = await p.evaluate(() => [...document.querySelectorAll('#devices .card .meta span')]
    .filter((el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
    }).map((el) => `${el.closest('.card').dataset.device}: ${el.textContent}`));
  assert.deepEqual(wrapped, [], 'texts broken over two lines');
  assert.equal(await p.textContent('[id="dev-no-status-dev"] .state'), 'status ?');
  assert.equal(await p.textContent('[id="dev-no-status-dev"] .age'), 'stale · 59 min ago');
  await p.screenshot({ path: join(dirname(SCREENSHOT), 'screenshot-phone-dark.png') });
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await p.close();
});

test('the connection indicator follows a broker restart and reconnects by itself', async () => {
  let mosq = await startMosquitto();
  const p = await browser.newPage();
  try {
    await p.goto(`${web.url}/?broker=${encodeURIComponent(mosq.ws)}&prefix=rc`);
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 10_000 });
    const { ports } = mosq;
    await mosq.stop();
    await p.waitForSelector('#conn:not([data-state="connected"])', { timeout: 10_000 });
    const down = await p.textContent('#conn');
    await sleep(2500); // a few retries fail meanwhile: the backoff grows
    await p.waitForFunction(() => /retry in (2|4|8|16) s/.test(document.querySelector('#conn').textContent), null, { timeout: 10_000 });
    results.backoff_while_down = await p.textContent('#conn');
    assert.match(results.backoff_while_down, /retry in (2|4|8|16) s/);
    mosq = await startMosquitto(ports);
    const t0 = Date.now();
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 20_000 });
    results.reconnect_after_broker_back_ms = Date.now() - t0;
    assert.match(down, /^(reconnecting|offline|error)/);
    // Subscriptions are back: a reading published now shows up.
    const c = await nodeClient(mosq.tcp);
    await c.publishAsync('rc/sensor/data', JSON.stringify({ device_id: 'rc-dev', temperature: 21, humidity: 45 }));
    await p.locator('[id="dev-rc-dev"]').waitFor({ timeout: 5000 });
    await c.endAsync();
  } finally {
    await p.close();
    await mosq.stop();
  }
});

test('an incident opened while the dashboard was disconnected shows after it reconnects', async () => {
  let block = false;
  const routes = [];
  const p = await browser.newPage();
  // Every MQTT WebSocket goes through this proxy, so the test can cut it and refuse reconnects.
  await p.routeWebSocket(/.*/, (ws) => {
    if (block) {
      ws.close();
      return;
    }
    ws.connectToServer();
    routes.push(ws);
  });
  try {
    await p.goto(dashUrl());
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 10_000 });
    block = true;
    for (const ws of routes.splice(0)) await ws.close();
    await p.waitForSelector('#conn:not([data-state="connected"])', { timeout: 10_000 });
    for (let i = 0; i < 3; i++) await publish('gap-dev', 33, 50);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const body = await (await fetch(`${agent.api}/api/incidents?status=open`)).json();
      if (body.incidents.some((i) => i.device_id === 'gap-dev')) break;
      assert.ok(Date.now() < deadline, 'the agent did not open the incident');
      await sleep(100);
    }
    // Its MQTT message went out while the page was cut off.
    assert.equal(await p.locator('#incidents li[data-device="gap-dev"]').count(), 0);
    block = false;
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 30_000 });
    await p.locator('#incidents li[data-device="gap-dev"][data-status="open"]').waitFor({ timeout: 5000 });
  } finally {
    await p.close();
  }
});

test('50 devices at a high rate: heap stays bounded (numbers reported, not asserted tightly)', async () => {
  const long = process.env.DASH_PERF_LONG === '1';
  const seconds = Number(process.env.DASH_PERF_SECONDS || (long ? 600 : 30));
  const hz = Number(process.env.DASH_PERF_HZ || (long ? 1 : 20));
  const devicesN = 50;
  const mosq = await startMosquitto();
  const p = await browser.newPage();
  try {
    await p.goto(`${web.url}/?broker=${encodeURIComponent(mosq.ws)}&prefix=perf`);
    await p.evaluate(() => localStorage.clear());
    await p.goto(`${web.url}/?broker=${encodeURIComponent(mosq.ws)}&prefix=perf`);
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 10_000 });
    const cdp = await p.context().newCDPSession(p);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const pub = await nodeClient(mosq.tcp);
    let sent = 0;
    let seq = 0;
    const tick = () => {
      seq++;
      const ts = new Date().toISOString();
      for (let d = 0; d < devicesN; d++) {
        const t = 20 + 5 * Math.sin((seq + d) / 50);
        pub.publish('perf/sensor/data', JSON.stringify({ device_id: `load-${String(d).padStart(2, '0')}`, ts, seq, temperature: Math.round(t * 10) / 10, humidity: 50 }));
        sent++;
      }
    };
    tick();
    await p.waitForFunction((n) => window.__dash.devices.size >= n, devicesN, { timeout: 10_000 });
    const samples = [{ at_s: 0, heap_bytes: await heap() }];
    const timer = setInterval(tick, 1000 / hz);
    const t0 = Date.now();
    const end = t0 + seconds * 1000;
    let mid = false;
    while (Date.now() < end) {
      await sleep(1000);
      if (!mid && Date.now() - t0 >= seconds * 500) {
        mid = true;
        samples.push({ at_s: Math.round((Date.now() - t0) / 1000), heap_bytes: await heap() });
      }
    }
    clearInterval(timer);
    await sleep(1000);
    samples.push({ at_s: Math.round((Date.now() - t0) / 1000), heap_bytes: await heap() });
    const got = await p.evaluate(() => window.__dash.counters.ok);
    const bad = await p.evaluate(() => window.__dash.counters.bad);
    results.load = { devices: devicesN, hz, seconds, sent, received_ok: got, rejected: bad,
      heap_mb: samples.map((s) => +(s.heap_bytes / 1048576).toFixed(1)) };
    await pub.endAsync();
    assert.equal(bad, 0);
    assert.ok(got >= sent * 0.95, `page accepted ${got} of ${sent}`);
    // Bounded: the end may not exceed the middle by more than the middle exceeded the start
    // plus slack; an unbounded buffer would grow linearly with the message count.
    const [s, m, e] = samples.map((x) => x.heap_bytes);
    assert.ok(e < s * 3 + 20 * 1048576, `heap ${samples.map((x) => x.heap_bytes)}`);
    assert.ok(e - m < Math.max(m - s, 0) + 8 * 1048576, `heap keeps growing: ${samples.map((x) => x.heap_bytes)}`);
    writeFileSync(join(DASH, 'dist', 'perf.json'), JSON.stringify(results, null, 2));
  } finally {
    await p.close();
    await mosq.stop();
  }
});
