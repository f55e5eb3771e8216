// The docs screenshots, refreshed on purpose (bin/screenshots), never by a test: the status page
// (desktop light, phone dark) and the dashboard (desktop light, phone dark) against the real demo
// (bin/edge-agent demo, fresh data dir) with a few devices: the simulated local sensor, an ESP32
// with a retained status and 24 h of history, and one above the demo's band (an open incident).
// Writes: docs/img/status-page.png, docs/img/status-page-phone.png,
// dashboard-static/docs/screenshot.png, dashboard-static/docs/screenshot-phone-dark.png.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import mqtt from 'mqtt';
import { staticServer, startAgent, CHROMIUM_ARGS } from './harness.mjs';

const DASH = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = process.env.ROOT || join(DASH, '..');
const out = {
  status: join(ROOT, 'docs', 'img', 'status-page.png'),
  statusPhone: join(ROOT, 'docs', 'img', 'status-page-phone.png'),
  dash: join(DASH, 'docs', 'screenshot.png'),
  dashPhone: join(DASH, 'docs', 'screenshot-phone-dark.png'),
};

const web = await staticServer(join(DASH, 'dist'));
const agent = await startAgent(ROOT, web.url);
let browser;
try {
  const c = mqtt.connect(agent.tcp.replace('tcp://', 'mqtt://'), { clientId: 'docs-screenshots', reconnectPeriod: 0 });
  await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
  const reading = (o) => c.publishAsync('dht11/sensor/data', JSON.stringify(o), { qos: 1 });
  const now = Date.now();
  await c.publishAsync('dht11/status/esp32-greenhouse',
    JSON.stringify({ status: 'online', device_id: 'esp32-greenhouse' }), { qos: 1, retain: true });
  // 24 h of a greenhouse, one reading every 5 minutes: warm afternoons, humid nights.
  for (let m = 24 * 60; m >= 5; m -= 5) {
    const day = Math.sin(((now - m * 60_000) / 86_400_000) * 2 * Math.PI);
    await reading({
      device_id: 'esp32-greenhouse', ts: new Date(now - m * 60_000).toISOString(),
      temperature: Math.round((19 + 4 * day) * 10) / 10, humidity: Math.round(62 - 12 * day),
    });
  }
  const dayNow = Math.sin((now / 86_400_000) * 2 * Math.PI);
  await reading({ device_id: 'esp32-greenhouse', temperature: Math.round((19 + 4 * dayNow) * 10) / 10, humidity: Math.round(62 - 12 * dayNow) });
  // An attic above the demo's 25 °C: three in a row open an incident.
  for (const t of [26.1, 26.4, 26.8]) await reading({ device_id: 'esp32-attic', temperature: t, humidity: 41 });
  await c.endAsync();
  await sleep(3000); // stored, the incident opened, the sensor has a few readings

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const shot = async (url, { width, height, dark = false, path, full = true, prepare }) => {
    const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? 'dark' : 'light' });
    const p = await ctx.newPage();
    await p.goto(url);
    if (prepare) await prepare(p);
    await sleep(1500);
    mkdirSync(dirname(path), { recursive: true });
    await p.screenshot({ path, fullPage: full });
    await ctx.close();
    console.log(`wrote ${path}`);
  };
  await shot(agent.api, { width: 900, height: 900, path: out.status,
    prepare: (p) => p.waitForSelector('#live.ok', { timeout: 15_000 }) });
  await shot(agent.api, { width: 390, height: 844, dark: true, path: out.statusPhone,
    prepare: (p) => p.waitForSelector('#live.ok', { timeout: 15_000 }) });
  const dashUrl = `${web.url}/?broker=${encodeURIComponent(agent.ws)}&prefix=dht11&api=${encodeURIComponent(agent.api)}`;
  await shot(dashUrl, { width: 1100, height: 900, path: out.dash, prepare: async (p) => {
    await p.waitForSelector('#conn[data-state="connected"]', { timeout: 15_000 });
    await p.selectOption('#chart-device', 'esp32-greenhouse');
    await p.click('.tabs button[data-range="24h"]');
    await p.waitForFunction(() => /points\)/.test(document.querySelector('#chart-note').textContent), null, { timeout: 10_000 });
  } });
  await shot(dashUrl, { width: 390, height: 844, dark: true, full: false, path: out.dashPhone,
    prepare: (p) => p.waitForSelector('#conn[data-state="connected"]', { timeout: 15_000 }) });
} finally {
  await browser?.close();
  await agent.stop();
  await web.close();
}
