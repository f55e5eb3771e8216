// README.md's "With the demo" section, run as written: its build commands, `bin/edge-agent demo`
// (from a scratch directory, like tests/readme-quickstart.sh, with a fresh demo-data/), the
// banner's dashboard URL in headless Chromium; then the same dist/ on `python3 -m http.server`
// with the README's link. Either way the page must work with no settings and no config: live
// readings, the banner's publish line opening an incident that shows, history and incidents from
// the API, and never "Failed to fetch" / "unavailable" (issue 18 item 1). Run by test/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, freePort } from './harness.mjs';

const sh = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const DASH = join(HERE, '..');
const ROOT = process.env.ROOT || join(DASH, '..');

/** The section's sh blocks and the link it tells the reader to open. */
function readmeSteps() {
  const md = readFileSync(join(DASH, 'README.md'), 'utf8');
  const start = md.indexOf('\n## With the demo\n');
  assert.ok(start >= 0, 'README has a "With the demo" section');
  const end = md.indexOf('\n## ', start + 5);
  const section = md.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim().split('\n'));
  const link = /`(http:\/\/localhost:8000\/\?[^`]+)`/.exec(section)?.[1];
  assert.equal(blocks.length, 2, 'two command blocks: the demo, a static server');
  assert.ok(link, 'the static-server link');
  return { demo: blocks[0], staticServer: blocks[1], link };
}

const steps = readmeSteps();
const procs = [];
let work;
let browser;
let profile;
let banner = '';

function spawnLogged(cmd, args, opts) {
  const p = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  p.log = '';
  p.stdout.on('data', (b) => { p.log += b; });
  p.stderr.on('data', (b) => { p.log += b; });
  procs.push(p);
  return p;
}

async function portFree(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'dash-readme-'));
  const [build, demo] = steps.demo;
  assert.equal(build, 'cd dashboard-static && npm ci && npm run build && cd ..');
  await sh('bash', ['-c', build], {
    cwd: ROOT, env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }, maxBuffer: 1 << 24,
  });
  assert.match(demo, /^bin\/edge-agent demo$/);
  const agent = spawnLogged(join(ROOT, 'bin/edge-agent'), demo.split(/\s+/).slice(1), { cwd: work });
  const end = Date.now() + 180_000;
  while (!/Ctrl-C stops it/.test(agent.log)) {
    if (agent.exitCode !== null) throw new Error(`the demo exited:\n${agent.log}`);
    if (Date.now() > end) throw new Error(`the demo did not start:\n${agent.log}`);
    await sleep(200);
  }
  banner = agent.log;
  profile = mkdtempSync(join(tmpdir(), 'dash-readme-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  for (const p of procs.reverse()) {
    if (p.exitCode === null) {
      try { process.kill(-p.pid, 'SIGINT'); } catch { /* gone */ }
      await Promise.race([new Promise((r) => p.once('exit', r)), sleep(10_000)]);
      if (p.exitCode === null) try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

const line = (label) => new RegExp(`^  ${label}\\s+(\\S+)`, 'm').exec(banner)?.[1];
let published = false;

/** Waits until the page has the API's devices, or says why not; fails on "Failed to fetch". */
async function apiAnswered(page) {
  await page.waitForFunction(() => window.__dash.perf.apiDevicesAt !== null || /unavailable/.test(document.body.innerText), null, { timeout: 15_000 });
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /Failed to fetch/);
  assert.doesNotMatch(text, /unavailable/);
}

/** Opens url in a fresh tab and checks the page works with the demo as it stands. */
async function checkPage(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForSelector('#conn[data-state="connected"]', { timeout: 15_000 });
    await page.waitForSelector('#devices .card', { timeout: 15_000 });
    await apiAnswered(page);
    if (!published) {
      // The banner's Try: line, exactly as printed, once: it says it opens an incident.
      const tryLine = /^  (bin\/edge-agent publish .*# opens an incident)$/m.exec(banner)?.[1];
      assert.ok(tryLine, `banner has the publish line:\n${banner}`);
      await sh('bash', ['-c', tryLine], { cwd: ROOT });
      published = true;
    }
    const incident = page.locator('#incidents li[data-device="esp32-test"][data-status="open"]');
    await incident.first().waitFor({ timeout: 15_000 });
    // History from the API for the simulated sensor.
    await page.click('.tabs button[data-range="24h"]');
    await page.waitForFunction(() => /averages per|unavailable/.test(document.querySelector('#chart-note').textContent), null, { timeout: 15_000 });
    assert.match(await page.textContent('#chart-note'), /averages per minute \(\d+ points\)/);
    // Reloaded: the incident now comes from GET /api/incidents (MQTT's was live only).
    await page.reload();
    await apiAnswered(page);
    await incident.first().waitFor({ timeout: 15_000 });
    await sleep(500);
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /Failed to fetch/);
    assert.doesNotMatch(text, /unavailable/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
}

test('served by the demo at the banner\'s dashboard URL, with no settings', async () => {
  const url = line('dashboard:');
  assert.ok(url, `the banner prints the dashboard URL:\n${banner}`);
  assert.match(url, /^http:\/\/localhost:\d+\/dashboard\/$/);
  await checkPage(url);
});

test('the same dist/ on python3 -m http.server with the README\'s link (CORS by default)', async () => {
  const [cmd] = steps.staticServer;
  assert.equal(cmd, 'cd dashboard-static/dist && python3 -m http.server 8000');
  // The README's port when it is free; on a shared machine another one, said in the output.
  let port = 8000;
  if (!(await portFree(port))) {
    port = await freePort();
    console.log(`# port 8000 is taken here: the static server uses ${port}`);
  }
  const server = spawnLogged('bash', ['-c', cmd.replace(/ 8000$/, ` ${port}`)], { cwd: ROOT });
  const end = Date.now() + 10_000;
  while (!(await fetch(`http://localhost:${port}/`).then((r) => r.ok, () => false))) {
    if (server.exitCode !== null || Date.now() > end) throw new Error(`http.server did not start:\n${server.log}`);
    await sleep(200);
  }
  const ws = line('MQTT \\(WS\\):');
  const api = line('status page:').replace(/\/$/, '');
  const url = steps.link
    .replace('localhost:8000', `localhost:${port}`)
    .replace('ws://127.0.0.1:8083/mqtt', ws)
    .replace('http://localhost:8080', api);
  await checkPage(url);
});
