// What the browser test needs around the page: free ports, a tiny static server for dist/, the
// real agent (bin/edge-agent demo), a private Mosquitto with a WebSocket listener, Chromium.
import { createServer } from 'node:http';
import * as net from 'node:net';
import { createServer as netServer } from 'node:net';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

/** Serves dir read-only on loopback, like any static host would. */
export async function staticServer(dir) {
  const server = createServer(async (req, res) => {
    try {
      let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (path.includes('..')) throw new Error('bad path');
      if (path.endsWith('/')) path += 'index.html';
      const file = join(dir, path);
      await stat(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

async function waitFor(what, fn, timeoutMs, proc, log) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode}):\n${log()}`);
    await sleep(200);
  }
  throw new Error(`${what} did not start in ${timeoutMs} ms:\n${log()}`);
}

/** bin/edge-agent demo with a fresh data dir; the dashboard's origin allowed by CORS. */
export async function startAgent(root, corsOrigin) {
  const dir = await mkdtemp(join(tmpdir(), 'dash-agent-'));
  const httpPort = await freePort();
  const config = join(dir, 'edge-agent.yml');
  await writeFile(config, `http:\n  bind: 127.0.0.1\n  cors_origins: ["${corsOrigin}"]\n`);
  let out = '';
  const proc = spawn(join(root, 'bin/edge-agent'),
    ['demo', '--config', config, '--data-dir', join(dir, 'data'), '--http-port', String(httpPort)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (b) => { out += b; });
  proc.stderr.on('data', (b) => { out += b; });
  const urls = await waitFor('the agent', async () => {
    const tcp = /MQTT \(TCP\):\s+(\S+)/.exec(out);
    const ws = /MQTT \(WS\):\s+(\S+)/.exec(out);
    if (!tcp || !ws) return null;
    try {
      const token = (await readFile(join(dir, 'data', 'http-token'), 'utf8')).trim();
      return token ? { tcp: tcp[1], ws: ws[1], token } : null;
    } catch {
      return null;
    }
  }, 180_000, proc, () => out);
  return {
    ...urls,
    api: `http://127.0.0.1:${httpPort}`,
    log: () => out,
    async stop() {
      proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(10_000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A private Mosquitto: TCP and WebSocket listeners on free loopback ports, as in the README. */
export async function startMosquitto({ tcp = 0, ws = 0, bin = '/usr/sbin/mosquitto' } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dash-mosq-'));
  tcp ||= await freePort();
  ws ||= await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, [
    'persistence false', 'allow_anonymous true', 'max_queued_messages 100000',
    `listener ${tcp} 127.0.0.1`,
    `listener ${ws} 127.0.0.1`, 'protocol websockets', '',
  ].join('\n'));
  let out = '';
  const proc = spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (b) => { out += b; });
  proc.stderr.on('data', (b) => { out += b; });
  await waitFor('mosquitto', async () => {
    const ok = await new Promise((r) => {
      const s = new net.Socket();
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
      s.connect(ws, '127.0.0.1');
    });
    return ok;
  }, 10_000, proc, () => out);
  return {
    tcp: `mqtt://127.0.0.1:${tcp}`,
    ws: `ws://127.0.0.1:${ws}/mqtt`,
    ports: { tcp, ws },
    async stop() {
      proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(5000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}


export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
