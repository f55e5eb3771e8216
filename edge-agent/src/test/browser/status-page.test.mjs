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
