// The wasm engine alone in Chromium, to compare builds: each `dist` folder's engine checks the
// package single-threaded in a dedicated worker, from bytes already in memory (no file reads,
// no second worker, no page), in alternating rounds. A full page run on this machine moves by
// ±5%; this moves by about 1%, so a change of a few percent in the engine shows.
//
//   npm run build && cp -r dist /tmp/dist-before   # then change the engine, build again
//   node scripts/bench/engine.mjs target/bench/packages/district /tmp/dist-before dist [--rounds 3]
//
// Prints each build's median and every run. Chromium is Debian's (tests/browser/helpers.mjs).
import http from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { launch } from '../../tests/browser/helpers.mjs';

const WORKER = `
self.onmessage = async ({ data: { dist, pkg, names, runs } }) => {
  const engine = await import(dist + '/rostercheck_wasm.js');
  // (One character per byte: scripts/build.mjs; base64 in a build from before 2026-11-30.)
  const text = (await import(dist + '/rostercheck_wasm_bytes.js')).default;
  const chars = /^[A-Za-z0-9+/=]*$/.test(text) ? atob(text) : text;
  engine.initSync({ module: Uint8Array.from(chars, (c) => c.charCodeAt(0)) });
  const files = [];
  for (const name of names) files.push(new Uint8Array(await (await fetch(pkg + '/' + name)).arrayBuffer()));
  const check = () => {
    const v = new engine.Validator(names, 1000);
    const started = performance.now();
    for (const i of v.plan()) {
      v.beginFile(i);
      const bytes = files[i];
      v.sizeHint(bytes.length); // as the page does: the id tables are sized once
      for (let at = 0; at < bytes.length; at += 1 << 20) {
        v.feed(bytes.subarray(at, Math.min(bytes.length, at + (1 << 20))));
        v.takeBatch();
      }
      v.endFile();
    }
    v.finish();
    v.takeBatch();
    const seconds = (performance.now() - started) / 1000;
    v.free();
    return seconds;
  };
  check(); // warm-up: the browser optimises the hot functions
  postMessage(Array.from({ length: runs }, check));
};`;

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 3;
const [packageDir, ...dists] = args.map((a) => path.resolve(a));
if (!packageDir || !dists.length) {
  console.error('usage: node scripts/bench/engine.mjs PACKAGE_DIR DIST [DIST...] [--rounds N]');
  process.exit(2);
}
const names = readdirSync(packageDir).filter((f) => /\.csv$/i.test(f)).sort();
const bytes = names.reduce((n, f) => n + statSync(path.join(packageDir, f)).size, 0);

// Serves /worker.js, the package as /pkg/… and each build as /dist<i>/… (nothing else).
const roots = [['/pkg/', packageDir], ...dists.map((d, i) => [`/dist${i}/`, d])];
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (url === '/') return res.end('<!doctype html><title>engine</title>');
  if (url === '/worker.js') {
    res.setHeader('content-type', 'text/javascript');
    return res.end(WORKER);
  }
  for (const [prefix, dir] of roots) {
    const file = path.join(dir, url.slice(prefix.length));
    if (url.startsWith(prefix) && file.startsWith(dir + path.sep)) {
      try {
        const body = readFileSync(file);
        res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream');
        return res.end(body);
      } catch {
        break;
      }
    }
  }
  res.statusCode = 404;
  res.end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await launch();
const times = dists.map(() => []);
try {
  for (let round = 0; round < rounds; round++) {
    for (const [i] of dists.entries()) {
      const page = await browser.newPage();
      await page.goto(origin + '/');
      const runs = await page.evaluate(({ dist, names }) => new Promise((resolve, reject) => {
        const worker = new Worker('/worker.js', { type: 'module' });
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message || 'the worker failed'));
        worker.postMessage({ dist, pkg: '/pkg', names, runs: 2 });
      }), { dist: `/dist${i}`, names });
      times[i].push(...runs);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${path.basename(packageDir)}: ${(bytes / 1e6).toFixed(1)} MB, ${rounds} rounds of 2 runs per build`);
for (const [i, dist] of dists.entries()) {
  const sorted = [...times[i]].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  console.log(`${dist}: median ${median.toFixed(3)} s (${(bytes / 1e6 / median).toFixed(0)} MB/s); runs ${times[i].map((t) => t.toFixed(3)).join(' ')}`);
}
