// Build without a bundler: copies the ES modules and the vendor files from node_modules into
// dist/, which any static web server can serve as is (no CDN, nothing fetched at run time).
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), dist, { recursive: true });
const vendor = {
  'mqtt.esm.js': 'node_modules/mqtt/dist/mqtt.esm.js',
  'uPlot.esm.js': 'node_modules/uplot/dist/uPlot.esm.js',
  'uPlot.min.css': 'node_modules/uplot/dist/uPlot.min.css',
};
for (const [name, from] of Object.entries(vendor)) cpSync(join(here, from), join(dist, 'vendor', name));
const lock = JSON.parse(readFileSync(join(here, 'package-lock.json'), 'utf8'));
const versions = ['mqtt', 'uplot'].map((p) => `${p} ${lock.packages[`node_modules/${p}`].version}`);
writeFileSync(join(dist, 'vendor', 'VERSIONS.txt'), `${versions.join('\n')}\n`);
console.log(`dist/ built (${versions.join(', ')})`);
