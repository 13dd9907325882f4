// Shared by the browser tests: serve dist/ on localhost and drive Debian's Chromium with
// playwright-core. Every request the page makes is recorded.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import zlibSync from 'node:zlib';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = path.join(root, 'dist');
export const artifacts = path.join(root, 'test-results');

export async function startServer(prefix = '/') {
  const server = await serve(dist, 0, '127.0.0.1', prefix);
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}${prefix}` };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A page with every request, console error and page error recorded. */
export async function open(browser, url, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const log = { requests: [], errors: [], console: [] };
  context.on('request', (r) => log.requests.push({ url: r.url(), at: Date.now() }));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') log.console.push(m.text()); });
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  log.readyMs = Date.now() - started;
  return { context, page, log };
}

/** Drops files on the page the way a user's drag and drop does (names may be anything). */
export async function dropFiles(page, files) {
  await page.evaluate(async (list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files.map((f) => ({ name: f.name, base64: Buffer.from(f.content).toString('base64') })));
}

export async function waitDone(page, timeout = 120000) {
  await page.waitForSelector('body[data-done="true"]', { timeout });
}

/** A zip built byte by byte (deflate), with optional per-entry tweaks for hostile cases:
 *  `encrypted` sets the encryption flag, `truncate` cuts the compressed bytes short. */
export function makeZip(entries) {
  const { deflateRawSync, crc32 } = zlibSync;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    // `truncate` (0–1) keeps that share of the compressed bytes: a damaged, cut-short entry.
    const full = deflateRawSync(e.content);
    const data = e.truncate ? full.subarray(0, Math.floor(full.length * e.truncate)) : full;
    const flags = e.encrypted ? 1 : 0;
    const crc = crc32(e.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8); local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.content.length, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8); central.writeUInt16LE(8, 10); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(e.content.length, 24);
    central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
