// The status page in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core).
// run.sh starts the agent and passes BASE_URL, BROKER_URL, TOKEN, ROOT and SCREENSHOT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const { BASE_URL, BROKER_URL, TOKEN, ROOT, SCREENSHOT } = process.env;
for (const [k, v] of Object.entries({ BASE_URL, BROKER_URL, TOKEN, ROOT, SCREENSHOT })) {
  if (!v) throw new Error(`${k} is not set (start this through run.sh)`);
}

let browser;
let page;
let profile;

before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'edge-agent-chromium-'));
  // A fresh profile each run: launchPersistentContext passes it as --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 1000 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  page = browser.pages()[0] || await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

after(async () => {
  if (page) await page.screenshot({ path: SCREENSHOT, fullPage: true });
  if (browser) await browser.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function publish(device, temp, hum) {
  await run(join(ROOT, 'bin/edge-agent'), [
    'publish', '--broker', BROKER_URL, '--device', device, '--temp', String(temp), '--hum', String(hum),
  ]);
}

async function postReading(body) {
  const res = await fetch(`${BASE_URL}/mqtt/publish/sensor`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.text());
}

test('a simulated reading appears on the page', async () => {
  await page.goto(BASE_URL);
  await page.waitForSelector('#live.ok', { timeout: 10000 });
  const row = page.locator('#devices tbody tr[id^="dev-"]').first();
  await row.waitFor({ timeout: 15000 });
  const before = await row.getAttribute('data-ts');
  await page.waitForFunction(
    (b) => {
      const tr = document.querySelector('#devices tbody tr[id^="dev-"]');
      return tr && tr.dataset.ts && tr.dataset.ts !== b;
    },
    before,
    { timeout: 15000 },
  );
  assert.match(await row.locator('.t').textContent(), /^-?\d+\.\d °C$/);
  assert.match(await row.locator('.h').textContent(), /^\d+\.\d %RH$/);
  assert.equal(await row.locator('.state').textContent(), 'ok');
});

test('a reading published with bin/edge-agent publish appears live within 2 s', async () => {
  await publish('browser-dev', 22.5, 41); // first reading of a new device: the page adds its row
  await page.waitForSelector('#dev-browser-dev', { timeout: 10000 });
  await page.evaluate(() => { window.__notReloaded = true; });
  await publish('browser-dev', 23.5, 42);
  const published = Date.now();
  await page.waitForFunction(
    () => document.querySelector('#dev-browser-dev .t')?.textContent === '23.5 °C',
    null,
    { timeout: 2000 },
  );
  const took = Date.now() - published;
  assert.ok(took <= 2000, `took ${took} ms`);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'updated without a reload');
  assert.equal(await page.locator('#dev-browser-dev .h').textContent(), '42.0 %RH');
});

test('an incident can be acknowledged through the page with the token typed in', async () => {
  for (let i = 0; i < 3; i++) {
    await postReading({ device_id: 'browser-hot', temperature: 31 + i, humidity: 50 });
  }
  const item = page.locator('#incidents li', { hasText: 'browser-hot' });
  await item.waitFor({ timeout: 10000 });
  await item.locator('button[data-action="ack"]').click();
  // The device's row says so, live (no reload): not "ok" while an incident is open.
  const state = page.locator('#dev-browser-hot .state');
  await page.waitForFunction(
    () => document.querySelector('#dev-browser-hot .state')?.textContent === 'incident open: temperature_max',
    null,
    { timeout: 5000 },
  );
  assert.ok(await page.locator('#dev-browser-hot.alert').count(), 'the row is marked as alerting');
  await page.waitForSelector('#tokenform:not([hidden])');
  await page.fill('#token', TOKEN);
  await page.click('#tokenform button[type="submit"]');
  await page.waitForFunction(
    () => /acknowledged/.test(document.querySelector('#actionmsg').textContent),
    null,
    { timeout: 5000 },
  );
  await page.locator('#incidents li', { hasText: 'browser-hot' })
    .locator('.pill.acknowledged').waitFor({ timeout: 5000 });
  await page.waitForFunction(
    () => document.querySelector('#dev-browser-hot .state')?.textContent
      === 'incident acknowledged: temperature_max',
    null,
    { timeout: 5000 },
  );
  assert.equal(await state.textContent(), 'incident acknowledged: temperature_max');
  const stored = await (await fetch(`${BASE_URL}/api/incidents?status=acknowledged`)).json();
  assert.ok(stored.incidents.some((i) => i.device_id === 'browser-hot'));
  assert.equal(await page.evaluate(() => sessionStorage.getItem('edgeAgentToken')), TOKEN);
});

test('an incident opened while the live stream was down is shown once it reconnects', async () => {
  await page.route('**/api/events*', (route) => route.abort());
  await page.reload();
  await page.waitForSelector('#live.bad', { timeout: 10000 });
  for (let i = 0; i < 3; i++) {
    await postReading({ device_id: 'browser-gap', temperature: 35 + i, humidity: 50 });
  }
  const deadline = Date.now() + 10000;
  for (;;) {
    const open = await (await fetch(`${BASE_URL}/api/incidents?status=open`)).json();
    if (open.incidents.some((i) => i.device_id === 'browser-gap')) break;
    assert.ok(Date.now() < deadline, 'the incident was not opened');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Its event went to nobody: the page learns of it only from the fetch when the stream opens.
  assert.equal(await page.locator('#incidents li', { hasText: 'browser-gap' }).count(), 0);
  await page.unroute('**/api/events*');
  await page.waitForSelector('#live.ok', { timeout: 15000 });
  await page.locator('#incidents li', { hasText: 'browser-gap' }).waitFor({ timeout: 5000 });
});

async function mosquittoPub(topic, payload) {
  const u = new URL(BROKER_URL.replace('tcp://', 'mqtt://'));
  await run('mosquitto_pub', [
    '-i', `status-page-test-${process.pid}`, '-h', u.hostname, '-p', u.port,
    '-t', topic, '-q', '1', '-r', '-m', payload,
  ]);
}

const cellText = (id, cls) => page.locator(`[id="dev-${id}"] .${cls}`).textContent();

test('a device without a status topic is "reporting" or "silent" by its age, never "?"', async () => {
  await page.reload();
  await page.waitForSelector('#dev-browser-dev');
  // browser-dev was published with bin/edge-agent publish: readings only, no status topic.
  assert.equal(await cellText('browser-dev', 'on'), 'reporting');
  // A device whose last reading is an hour old: stale, and silent.
  await postReading({
    device_id: 'browser-old', temperature: 20, humidity: 50,
    ts: new Date(Date.now() - 3600_000).toISOString(),
  });
  await page.waitForSelector('#dev-browser-old', { timeout: 10000 }); // the new row reloads the page
  await page.waitForFunction(
    () => document.querySelector('[id="dev-browser-old"] .on')?.textContent === 'silent',
    null,
    { timeout: 5000 },
  );
  assert.match(await cellText('browser-old', 'state'), /^stale\b/);
  // An ESP32 that sends its retained status: what it says.
  await mosquittoPub('dht11/status/browser-esp', JSON.stringify({ status: 'online', device_id: 'browser-esp' }));
  await postReading({ device_id: 'browser-esp', temperature: 21, humidity: 45 });
  await page.waitForSelector('#dev-browser-esp', { timeout: 10000 });
  await page.waitForFunction(
    () => document.querySelector('[id="dev-browser-esp"] .on')?.textContent === 'online',
    null,
    { timeout: 15000 },
  );
  assert.equal(await cellText('browser-esp', 'state'), 'ok');
  await mosquittoPub('dht11/status/browser-esp', JSON.stringify({ status: 'offline', device_id: 'browser-esp' }));
  await page.waitForFunction(
    () => document.querySelector('[id="dev-browser-esp"] .on')?.textContent === 'offline',
    null,
    { timeout: 15000 },
  );
  const all = await page.locator('#devices tbody td.on').allTextContents();
  assert.ok(all.length >= 4 && all.every((t) => !t.includes('?')), all.join(', '));
});

test('the 24 h chart of a device draws its 1-minute aggregates at the right minutes and extent', async () => {
  const now = Date.now();
  // 21 hourly readings, 23 h to 3 h ago, then a run of 30 one minute apart (90..61 min ago).
  const hourly = [];
  for (let k = 23; k >= 3; k--) hourly.push({ ago: k * 60, t: 16 + (k % 5), h: 40 + k });
  const run = [];
  for (let m = 90; m >= 61; m--) run.push({ ago: m, t: 23.5, h: 70 });
  for (const p of [...hourly, ...run]) {
    await postReading({
      device_id: 'browser-chart', temperature: p.t, humidity: p.h,
      ts: new Date(now - p.ago * 60_000 + 5_000).toISOString(),
    });
  }
  const deadline = Date.now() + 10000;
  for (;;) {
    const q = new URLSearchParams({ device: 'browser-chart', step: '1m', from: String(now - 86400_000) });
    const body = await (await fetch(`${BASE_URL}/api/readings?${q}`)).json();
    if (body.count === 51) break;
    assert.ok(Date.now() < deadline, `stored ${body.count} of 51 minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await page.reload();
  const fig = page.locator('figure.day[data-device="browser-chart"]');
  await fig.waitFor({ timeout: 10000 });
  assert.equal(await fig.getAttribute('data-points'), '51');
  const from = Number(await fig.getAttribute('data-from'));
  for (const [pane, lo, hi] of [['t', '16.0', '23.5'], ['h', '43.0', '70.0']]) {
    const d = await fig.locator(`.pane.${pane} path`).getAttribute('d');
    const points = [...d.matchAll(/(\d+),(-?\d+(?:\.\d)?)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(points.length, 51, `${pane}: ${d}`);
    // 21 lone hourly points and one line through the 30-minute run.
    assert.equal(d.split('M').length - 1, 22, `${pane} segments: ${d}`);
    // x is the minute since the window's start of the reading's minute bucket: 23 h ago is
    // minute 59 or 60 of 1440.
    const expectX = (ago) => {
      const bucket = Math.floor((now - ago * 60_000 + 5_000) / 60_000) * 60_000;
      return Math.floor((bucket - from) / 60_000);
    };
    assert.equal(points[0][0], expectX(23 * 60));
    assert.equal(points.at(-1)[0], expectX(61));
    assert.ok(points.every(([x, y]) => x >= 0 && x < 1440 && y >= 0 && y <= 100), d);
    // The extent: the lowest value at the bottom (y 100), the highest at the top (y 0).
    const ys = points.map((p) => p[1]);
    assert.equal(Math.max(...ys), 100);
    assert.equal(Math.min(...ys), 0);
    assert.equal(await fig.locator(`.pane.${pane} .min`).textContent(), lo);
    assert.equal(await fig.locator(`.pane.${pane} .max`).textContent(), hi);
  }
  // Drawn, not just present: the path has a size on screen, and the page loaded nothing else.
  const box = await fig.locator('.pane.t svg').boundingBox();
  assert.ok(box.width > 100 && box.height > 20, JSON.stringify(box));
});

test('at 390 px the devices fit the screen: no column cut off, nothing to scroll sideways', async () => {
  const p = await browser.newPage();
  const requests = [];
  const failed = [];
  p.on('request', (r) => requests.push(r.url()));
  p.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  try {
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto(BASE_URL);
    await p.waitForSelector('#dev-browser-hot');
    const cut = await p.evaluate(() => {
      const out = [];
      for (const td of document.querySelectorAll('#devices tbody td')) {
        // "reads ok" of a remote device is "–" and left out on a phone, on purpose.
        if (td.classList.contains('na') && getComputedStyle(td).display === 'none') continue;
        const r = td.getBoundingClientRect();
        if (r.width === 0 || r.right > window.innerWidth || r.left < 0) {
          out.push(`${td.dataset.label}: ${Math.round(r.left)}..${Math.round(r.right)}`);
        }
      }
      const s = document.querySelector('#devices').parentNode;
      return { out, overflow: s.scrollWidth - s.clientWidth, page: document.documentElement.scrollWidth - window.innerWidth };
    });
    assert.deepEqual(cut.out, [], 'cells outside the screen');
    assert.ok(cut.overflow <= 0 && cut.page <= 0, JSON.stringify(cut));
    // Each value is labelled, as the header row is not shown.
    const label = await p.evaluate(() => getComputedStyle(
      document.querySelector('#dev-browser-hot td.state'), '::before').content);
    assert.equal(label, '"state"');
    assert.equal(await p.locator('#scroll-hint').isVisible(), false);
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-phone.png'), fullPage: true });
    // Works offline: nothing but the page itself and its own API.
    assert.deepEqual(requests.filter((u) => !u.startsWith(BASE_URL)), []);
    // Its icon is inline: no /favicon.ico request, no 404.
    assert.deepEqual(failed, []);
    assert.equal(requests.filter((u) => u.endsWith('/favicon.ico')).length, 0);
  } finally {
    await p.close();
  }
});

test('where the table is wider than the screen, a hint says it scrolls', async () => {
  const id = `browser-${'w'.repeat(56)}`;
  await postReading({ device_id: id, temperature: 20, humidity: 50 });
  const p = await browser.newPage();
  try {
    await p.setViewportSize({ width: 640, height: 800 });
    await p.goto(BASE_URL);
    await p.waitForSelector(`[id="dev-${id}"]`, { timeout: 10000 });
    const s = await p.evaluate(() => {
      const el = document.querySelector('#devices').parentNode;
      return el.scrollWidth - el.clientWidth;
    });
    assert.ok(s > 0, 'the table overflows at 640 px with a 64-character device id');
    assert.equal(await p.locator('#scroll-hint').isVisible(), true);
  } finally {
    await p.close();
  }
});
