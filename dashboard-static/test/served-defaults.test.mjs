// servedDefaults (src/model.js): what the page takes from an agent's /dashboard/defaults.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedDefaults, resolveSettings } from '../src/model.js';

const PAGE = 'http://localhost:8080/dashboard/?x=1';

test('the agent\'s defaults: its own origin as the API, its broker and prefix', () => {
  assert.deepEqual(
    servedDefaults({ api: '/', broker: 'ws://127.0.0.1:8083/mqtt', prefix: 'dht11' }, PAGE),
    { api: 'http://localhost:8080', broker: 'ws://127.0.0.1:8083/mqtt', prefix: 'dht11' });
  assert.deepEqual(servedDefaults({ api: 'https://pi.example.org:8443/' }, PAGE), { api: 'https://pi.example.org:8443' });
});

test('anything that is not a broker URL, an http(s) API or a plain prefix is ignored', () => {
  for (const bad of [null, 'x', [], 42]) assert.deepEqual(servedDefaults(bad, PAGE), {});
  assert.deepEqual(servedDefaults({
    api: 'javascript:alert(1)', broker: 'http://not-a-ws/', prefix: 'a/#',
  }, PAGE), {});
  assert.deepEqual(servedDefaults({ broker: 7, api: {}, prefix: '' }, PAGE), {});
});

test('the query string and stored settings still win over served defaults', () => {
  const defaults = { broker: 'ws://built-in:8083/mqtt', api: '', prefix: 'dht11',
    ...servedDefaults({ api: '/', broker: 'ws://127.0.0.1:8084/mqtt' }, PAGE) };
  assert.equal(resolveSettings('', {}, defaults).broker, 'ws://127.0.0.1:8084/mqtt');
  assert.equal(resolveSettings('', {}, defaults).api, 'http://localhost:8080');
  assert.equal(resolveSettings('?broker=ws://q:1/mqtt', {}, defaults).broker, 'ws://q:1/mqtt');
  assert.equal(resolveSettings('', { api: 'http://stored:1' }, defaults).api, 'http://stored:1');
});
