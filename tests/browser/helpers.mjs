// Shared by the browser tests: serve dist/ on localhost and drive Debian's Chromium with
// playwright-core. Every request the page makes is recorded.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

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
