// Browser measurements for the benchmark: rostercheck's page (dist/) and, as a baseline, Papa
// Parse merely parsing the same files in a dedicated Web Worker of the same Chromium.
//
//   import { benchRostercheck, benchPapa } from './bench/browser.mjs';
//   await benchRostercheck({ dist, packageDir, runs });  // { seconds, bytes, rows, mbps, readyMs, wasmMemoryBytes, ... }
//   await benchPapa({ packageDir, runs });               // { seconds, bytes, rows, mbps, ... }
//
//   node scripts/bench/browser.mjs PACKAGE_DIR [--runs N] [--only rostercheck|papa|read] [--chunk-size BYTES]
//
// The files reach the page the way a user's "Choose files…" does: Playwright's setInputFiles
// with local paths, which (with a locally launched browser) becomes CDP DOM.setFileInputFiles,
// so the page gets disk-backed File objects and no byte crosses the protocol.
//
// Time is measured inside the page (performance.now()): from the file input's `change` event to
// the page's final signal (rostercheck: body[data-done="true"], set after the report is
// rendered; Papa: the worker's message after the last file). Memory:
// - wasmMemoryBytes: byteLength of every WebAssembly.Memory in the workers' isolates at the end
//   (CDP Runtime.queryObjects on each worker target); wasm memory never shrinks, so it is the peak.
// - jsHeapBytes: peak over ~100 ms samples of V8 heap usedSize, page + workers (CDP
//   Runtime.getHeapUsage on each target). ArrayBuffer/wasm backing stores are not in it.
// - rendererPeakBytes: VmHWM (peak RSS) of the renderer process hosting the page and its worker.
// - busyWorkers: the CPU time the page's dedicated workers used during the check, over its time:
//   how many of them were checking on average (rostercheck's two checking workers: at most 2).
import http from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../serve.mjs';
import { launch } from '../../tests/browser/helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** Papa's chunk size for the baseline (bytes). 1 MiB was the fastest measured here (Chromium 156,
 *  district and city packages): 0.5–2 MiB are on a par, Papa's default 10 MiB is ~1.5x slower on
 *  city and 64 MiB ~2x slower (every chunk becomes one string and one array of row arrays). */
export const PAPA_CHUNK_SIZE = 1024 * 1024;
const SAMPLE_MS = 100;

// ---------------------------------------------------------------- shared

/** The package's CSV files (absolute paths, sorted) and their total size. */
function csvFiles(packageDir) {
  const dir = path.resolve(packageDir);
  const files = readdirSync(dir).filter((f) => /\.(csv|zip)$/i.test(f)).sort().map((f) => path.join(dir, f));
  if (!files.length) throw new Error(`no .csv file in ${dir}`);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  return { files, bytes };
}

/** Generous: a minute plus 4 MB/s (city, ~850 MB, gets ~4.5 minutes). */
const defaultTimeout = (bytes) => 60000 + Math.ceil(bytes / 4e6) * 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, ko) => { timer = setTimeout(() => ko(new Error(`${what}: timed out after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

/** Waits for the check of the files just handed to `page` (one evaluate of the promise
 *  MARKS_SCRIPT settles: nothing polls the page while it works); returns its milliseconds
 *  from the file input's change to the report. Throws when the page shows a failure, or after
 *  `timeoutMs`. For the scripts that compare or trace single checks (page.mjs, trace.mjs). */
export async function checkTime(page, timeoutMs = 600000) {
  const outcome = await withTimeout(page.evaluate(() => window.__benchDone), timeoutMs, 'the check');
  if (outcome !== 'done') throw new Error(`the page reported a failure: ${await page.textContent(FAIL_SELECTOR).catch(() => '')}`);
  const { changeAt, doneAt } = await page.evaluate(() => window.__benchMarks);
  return doneAt - changeAt;
}

function closeServer(server) {
  if (!server) return Promise.resolve();
  server.closeAllConnections?.();
  return new Promise((r) => server.close(() => r()));
}

async function closeBrowser(browser) {
  if (!browser) return;
  try {
    await withTimeout(browser.close(), 15000, 'closing Chromium');
  } catch {
    // A browser that does not close is killed with its process group by Playwright on exit.
  }
}

/** Where both pages (rostercheck's and Papa Parse's) show a failure. */
export const FAIL_SELECTOR = '#error:not([hidden])';

/** Records marks in the page (performance.now()): change of a file input, ready, done (also
 *  used by page.mjs). Added with FAIL_SELECTOR as its argument. */
export const MARKS_SCRIPT = (failSelector) => {
  const marks = { changeAt: null, readyAt: null, doneAt: null, frameAfterDoneAt: null };
  window.__benchMarks = marks;
  // Settles with 'done' at the report, or 'fail' when the page shows a failure: Node waits for
  // it with one evaluate. (Playwright's waits poll the page over the DevTools protocol while
  // it works: in a 10 MB package's check that cost the page's main thread 8–27 ms of CPU beside
  // the checking workers on two cores, and the check 1.03 times as long, 15 of 24 pairs.)
  let settle;
  window.__benchDone = new Promise((resolve) => { settle = resolve; });
  document.addEventListener('change', (e) => {
    if (marks.changeAt === null && e.target instanceof HTMLInputElement && e.target.type === 'file') marks.changeAt = performance.now();
  }, true);
  new MutationObserver(() => {
    const body = document.body;
    if (!body) return;
    if (marks.changeAt !== null && document.querySelector(failSelector)) settle('fail');
    if (marks.readyAt === null && body.dataset.ready === 'true') marks.readyAt = performance.now();
    if (marks.doneAt === null && marks.changeAt !== null && body.dataset.done === 'true') {
      marks.doneAt = performance.now();
      settle('done');
      // rAF callbacks run before style and layout; the task queued from one runs after the frame.
      requestAnimationFrame(() => setTimeout(() => { marks.frameAfterDoneAt = performance.now(); }, 0));
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready', 'data-done', 'hidden'] });
};

/** CDP channels to every dedicated worker of the page (rostercheck's validation worker and the
 *  worker it inflates zip entries with; Papa Parse's one worker). */
async function attachWorkers(browserSession, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let targets = [];
  for (;;) {
    const { targetInfos } = await browserSession.send('Target.getTargets');
    const found = targetInfos.filter((t) => t.type === 'worker');
    // A worker's own workers appear a moment after it: the list is taken once it is stable.
    if (found.length && found.length === targets.length) break;
    targets = found;
    if (Date.now() > deadline) throw new Error('no worker target appeared');
    await sleep(found.length ? 300 : 50);
  }
  return Promise.all(targets.map((t) => attachTarget(browserSession, t)));
}

/** A CDP channel to a worker target through the browser session (non-flat attach, because
 *  Playwright's CDPSession.send cannot address a child session id). */
async function attachTarget(browserSession, target) {
  const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let id = 0;
  const pending = new Map();
  browserSession.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.ko(new Error(`${p.method}: ${m.error.message}`));
    else p.ok(m.result);
  });
  const send = (method, params = {}) => new Promise((ok, ko) => {
    const i = ++id;
    pending.set(i, { ok, ko, method });
    browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) })
      .catch((e) => { pending.delete(i); ko(e); });
  });
  return { send, url: target.url };
}

/** Sum of the byte lengths of every WebAssembly.Memory alive in the workers' isolates. */
async function wasmMemoryOf(workers) {
  const each = await Promise.all(workers.map(workerWasmMemory));
  return { bytes: each.reduce((a, w) => a + w.bytes, 0), memories: each.reduce((a, w) => a + w.memories, 0), each: each.flatMap((w) => w.each) };
}

async function workerWasmMemory(worker) {
  const proto = await worker.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await worker.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
  const { result } = await worker.send('Runtime.callFunctionOn', {
    objectId: objects.objectId, returnByValue: true,
    functionDeclaration: 'function () { return this.map((m) => m.buffer.byteLength); }',
  });
  return { bytes: result.value.reduce((a, b) => a + b, 0), memories: result.value.length, each: result.value };
}

const statusKb = (pid, field) => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
};

/** CPU time (s) the dedicated workers of the given processes have used so far (Linux:
 *  /proc/PID/task/TID/schedstat, in ns), or null where it cannot be read or no thread is
 *  named as Chromium names a worker's. */
function workersCpuSeconds(pids) {
  let ns = 0;
  let threads = 0;
  try {
    for (const pid of pids) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== 'DedicatedWorker') continue;
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
          threads++;
        } catch {
          // A thread that ended meanwhile.
        }
      }
    }
  } catch {
    return null;
  }
  return threads ? ns / 1e9 : null;
}

/** The renderer processes that may host the page: Chromium's renderers minus the browser's own
 *  WebUI (headless still runs an omnibox popup renderer); the one with a DedicatedWorker
 *  thread is the page's (the worker runs as a thread of the page's renderer). */
async function findRenderers(browserSession) {
  const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
  const out = [];
  let browserPid = null;
  for (const p of processInfo) {
    if (p.type === 'browser') browserPid = p.id;
    if (p.type !== 'renderer') continue;
    let cmdline = '';
    let threads = [];
    try {
      cmdline = readFileSync(`/proc/${p.id}/cmdline`, 'utf8');
      threads = readdirSync(`/proc/${p.id}/task`).map((t) => { try { return readFileSync(`/proc/${p.id}/task/${t}/comm`, 'utf8').trim(); } catch { return ''; } });
    } catch {
      continue; // exited
    }
    if (cmdline.includes('--top-chrome-webui')) continue;
    out.push({ pid: p.id, hasWorker: threads.includes('DedicatedWorker') });
  }
  return { renderers: out, browserPid };
}

/** Samples the V8 heaps of the page and its workers every `every` ms until stopped (the
 *  workers' figures are summed). */
function startSampler(pageSession, workers, every) {
  const peaks = { page: 0, worker: 0, sum: 0, workerBackingStorage: 0, pageBackingStorage: 0, samples: 0, failures: 0 };
  let stopped = false;
  const once = async () => {
    const [p, ...ws] = await Promise.all([
      withTimeout(pageSession.send('Runtime.getHeapUsage'), 5000, 'page heap').catch(() => null),
      ...workers.map((worker) => withTimeout(worker.send('Runtime.getHeapUsage'), 5000, 'worker heap').catch(() => null)),
    ]);
    const w = ws.every(Boolean) && ws.length
      ? { usedSize: ws.reduce((a, x) => a + x.usedSize, 0), backingStorageSize: ws.reduce((a, x) => a + (x.backingStorageSize ?? 0), 0) }
      : null;
    if (!p || (workers.length && !w)) peaks.failures++;
    if (!p && !w) return;
    peaks.samples++;
    const pu = p?.usedSize ?? 0;
    const wu = w?.usedSize ?? 0;
    peaks.page = Math.max(peaks.page, pu);
    peaks.worker = Math.max(peaks.worker, wu);
    peaks.sum = Math.max(peaks.sum, pu + wu);
    peaks.pageBackingStorage = Math.max(peaks.pageBackingStorage, p?.backingStorageSize ?? 0);
    peaks.workerBackingStorage = Math.max(peaks.workerBackingStorage, w?.backingStorageSize ?? 0);
  };
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      await once();
      await sleep(Math.max(0, every - (Date.now() - t)));
    }
  })();
  return {
    peaks,
    async stop() {
      stopped = true;
      await loop;
      await once(); // the state at the end counts too
      return peaks;
    },
  };
}

/** Time between the page being ready and the files being handed over (a person choosing files). */
const SETTLE_MS = 1000;

/**
 * One measured run in a fresh Chromium: open `url`, wait for `readySelector`, attach the probes,
 * hand `files` to `inputSelector`, wait for the report (body[data-done="true"]) or a failure shown
 * (FAIL_SELECTOR), then `collect`.
 */
async function measuredRun({ url, files, bytes, inputSelector, readySelector, timeoutMs, sampleMs, wasm, collect, settleMs = SETTLE_MS }) {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(MARKS_SCRIPT, FAIL_SELECTOR);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    let crashed;
    const crash = new Promise((_, ko) => { crashed = ko; });
    crash.catch(() => {});
    page.on('crash', () => crashed(new Error('the page crashed (renderer gone: out of memory?)')));

    const started = Date.now();
    await page.goto(url, { timeout: 60000 });
    await page.waitForSelector(readySelector, { state: 'attached', timeout: 60000 });
    const readyMs = Date.now() - started;

    const browserSession = await browser.newBrowserCDPSession();
    const pageSession = await context.newCDPSession(page);
    let workers = [];
    let workerNote = null;
    try {
      workers = await attachWorkers(browserSession);
    } catch (e) {
      workerNote = `worker not measured: ${e.message}`;
    }
    const { renderers, browserPid } = await findRenderers(browserSession);
    const sampler = sampleMs > 0 ? startSampler(pageSession, workers, sampleMs) : null;
    // Nobody picks files within a second of the page opening; both tools get that second.
    await new Promise((resolve) => setTimeout(resolve, settleMs));

    let handoverMs;
    let wallSeconds;
    // The workers' CPU around the check (they are idle before and after it): divided by the
    // check's time, how many of them were busy on average.
    const workerPids = (renderers.some((r) => r.hasWorker) ? renderers.filter((r) => r.hasWorker) : renderers).map((r) => r.pid);
    const cpuBefore = workersCpuSeconds(workerPids);
    try {
      const t = Date.now();
      await page.setInputFiles(inputSelector, files, { timeout: 60000 });
      handoverMs = Date.now() - t;
      const which = await Promise.race([
        withTimeout(page.evaluate(() => window.__benchDone), timeoutMs, 'the check'),
        crash,
      ]);
      wallSeconds = (Date.now() - t) / 1000;
      if (which === 'fail') {
        const text = await page.textContent(FAIL_SELECTOR).catch(() => '?');
        throw new Error(`the page reported a failure: ${text}`);
      }
    } catch (e) {
      const shown = await page.evaluate(() => document.querySelector('#progress-text, #status')?.textContent ?? '').catch(() => '');
      if (errors.length) e.message += `\npage errors: ${errors.join(' | ')}`;
      if (shown) e.message += `\npage shows: ${shown}`;
      throw e;
    } finally {
      if (sampler) await sampler.stop();
    }
    // The first frame after the report, so a long first layout shows in frameAfterDoneMs.
    await page.waitForFunction(() => window.__benchMarks.frameAfterDoneAt !== null, null, { timeout: 30000 }).catch(() => {});
    const marks = await page.evaluate(() => window.__benchMarks);
    if (marks.changeAt === null || marks.doneAt === null) throw new Error(`the page's marks are missing: ${JSON.stringify(marks)}`);
    const seconds = (marks.doneAt - marks.changeAt) / 1000;
    const cpuAfter = workersCpuSeconds(workerPids);
    const busyWorkers = cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / seconds : null;

    let wasmMemoryBytes = null;
    let wasmNote = null;
    if (wasm) {
      if (!workers.length) wasmNote = workerNote;
      else {
        try {
          const w = await withTimeout(wasmMemoryOf(workers), 30000, 'reading wasm memory');
          wasmMemoryBytes = w.bytes;
          if (w.memories !== 1) wasmNote = `${w.memories} WebAssembly.Memory objects in the workers (summed: ${w.each.map((b) => `${(b / 2 ** 20).toFixed(0)} MiB`).join(' + ')})`;
        } catch (e) {
          wasmNote = `wasm memory not read: ${e.message}`;
        }
      }
    }

    // VmHWM is the peak RSS since the process started; read it before the browser closes.
    const withWorker = renderers.filter((r) => r.hasWorker);
    const chosen = withWorker.length === 1 ? withWorker : renderers;
    const hwm = chosen.map((r) => ({ pid: r.pid, peak: statusKb(r.pid, 'VmHWM') })).filter((r) => r.peak !== null);
    const renderer = hwm.reduce((a, b) => (b.peak > (a?.peak ?? -1) ? b : a), null);

    const collected = await collect(page);
    const peaks = sampler?.peaks;
    return {
      seconds,
      bytes,
      mbps: bytes / 1e6 / seconds,
      readyMs,
      ...collected.main,
      wasmMemoryBytes,
      jsHeapBytes: peaks ? peaks.sum : null,
      rendererPeakBytes: renderer?.peak ?? null,
      busyWorkers,
      detail: {
        handoverMs,
        frameAfterDoneMs: marks.frameAfterDoneAt !== null ? marks.frameAfterDoneAt - marks.doneAt : null,
        wallSeconds, // seen from Node: setInputFiles called → done selector found (polling included)
        jsHeap: peaks ? { pagePeakBytes: peaks.page, workerPeakBytes: peaks.worker, pageBackingStoragePeakBytes: peaks.pageBackingStorage,
          workerBackingStoragePeakBytes: peaks.workerBackingStorage, samples: peaks.samples, failedSamples: peaks.failures, everyMs: sampleMs } : null,
        renderer: { pid: renderer?.pid ?? null, candidates: renderers.map((r) => r.pid), identifiedByWorkerThread: withWorker.length === 1 },
        browserProcessPeakBytes: browserPid ? statusKb(browserPid, 'VmHWM') : null,
        notes: [workerNote, wasmNote].filter(Boolean),
        pageErrors: errors,
        ...collected.detail,
      },
    };
  } finally {
    await closeBrowser(browser);
  }
}

/** Fastest time, largest memory figures, over the runs (each run is kept in `runs`). */
export function combine(results) {
  const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const max = (k) => (results.some((r) => r[k] !== null) ? Math.max(...results.map((r) => r[k] ?? 0)) : null);
  const out = { ...best };
  for (const k of ['wasmMemoryBytes', 'jsHeapBytes', 'rendererPeakBytes']) if (k in best) out[k] = max(k);
  if ('readyMs' in best) out.readyMs = Math.min(...results.map((r) => r.readyMs));
  out.runs = results.map(({ detail, runs, ...r }) => r);
  return out;
}

// ---------------------------------------------------------------- rostercheck

const num = (s) => (s == null ? null : Number(String(s).replace(/[^\d.]/g, '')));

/** What the finished page shows: the summary's stats and the findings line. */
async function readReport(page) {
  const shown = await page.evaluate(() => {
    const stats = {};
    for (const s of document.querySelectorAll('#summary .stats .stat')) stats[s.querySelector('dt').textContent] = s.querySelector('dd').textContent;
    return {
      stats,
      summary: document.querySelector('#summary')?.textContent ?? '',
      verdict: document.querySelector('#summary .verdict')?.textContent ?? '',
      findingsLine: document.querySelector('#findings-count')?.textContent ?? '',
      files: [...document.querySelectorAll('#files-table tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    };
  });
  const line = shown.findingsLine;
  const listed = line.match(/^([\d,]+) findings? in ([\d,]+) groups?/);
  const omitted = line.match(/\(([\d,]+) more are counted but not listed\)/);
  const errors = num(shown.stats.Errors);
  const warnings = num(shown.stats.Warnings);
  const infos = num(shown.stats.Information);
  const engine = shown.summary.match(/Checked in ([\d.]+) s/);
  return {
    main: {
      rows: num(shown.stats.Rows),
      findings: { errors, warnings, infos, total: errors + warnings + infos,
        listed: listed ? num(listed[1]) : null, groups: listed ? num(listed[2]) : null, omitted: omitted ? num(omitted[1]) : 0 },
    },
    detail: {
      verdict: shown.verdict,
      engineSeconds: engine ? Number(engine[1]) : null, // the worker's own figure, as shown (0.1 s)
      oneRoster: shown.stats.OneRoster, mode: shown.stats.Mode,
      files: shown.files.map(([name, mode, rows, status]) => ({ name, mode, rows: num(rows), status })),
    },
  };
}

/**
 * rostercheck's page from `dist` checking every CSV file of `packageDir` (or the given `files`).
 * @returns {Promise<{seconds:number, bytes:number, rows:number, mbps:number, readyMs:number,
 *   wasmMemoryBytes:number|null, jsHeapBytes:number|null, rendererPeakBytes:number|null, busyWorkers:number|null,
 *   findings:{errors:number, warnings:number, infos:number, total:number, listed:number|null, groups:number|null, omitted:number},
 *   detail:object, runs:object[]}>}
 */
export async function benchRostercheck({ dist = path.join(root, 'dist'), packageDir, files: given, runs = 1, timeoutMs, sampleMs = SAMPLE_MS } = {}) {
  // Explicit files (e.g. one zip), or the package's CSV files.
  const { files, bytes } = given
    ? { files: given, bytes: given.reduce((n, f) => n + statSync(f).size, 0) }
    : csvFiles(packageDir);
  const dir = path.resolve(dist);
  statSync(path.join(dir, 'index.html'));
  const server = await serve(dir, 0, '127.0.0.1', '/');
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    const results = [];
    for (let i = 0; i < runs; i++) {
      results.push(await measuredRun({
        url, files, bytes, inputSelector: '#file-input', readySelector: 'body[data-ready="true"]',
        timeoutMs: timeoutMs ?? defaultTimeout(bytes), sampleMs, wasm: true, collect: readReport,
      }));
    }
    return combine(results);
  } finally {
    await closeServer(server);
  }
}

// ---------------------------------------------------------------- Papa Parse

const PAPA_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Papa Parse baseline</title><link rel="icon" href="data:,"><script src="bench.js"></script></head>
<body><input id="files" type="file" multiple><p id="status">loading</p><p id="error" hidden></p></body></html>`;

// The page hands the File objects to the worker (structured clone: a reference to the same
// disk-backed blob, not a copy of the bytes).
const PAPA_MAIN = `
const query = new URLSearchParams(location.search);
const chunkSize = Number(query.get('chunkSize')) || undefined;
const worker = query.get('worker') === 'read'
  ? new Worker('read-worker.js', { name: 'read' })
  : new Worker('papa-worker.js', { name: 'papaparse' });
worker.onmessage = ({ data }) => {
  if (data.type === 'ready') { document.body.dataset.ready = 'true'; document.getElementById('status').textContent = 'ready ' + data.version; }
  else if (data.type === 'done') { window.__papaResult = data; document.getElementById('status').textContent = 'done'; document.body.dataset.done = 'true'; }
  else if (data.type === 'error') { const e = document.getElementById('error'); e.textContent = data.message; e.hidden = false; }
};
worker.onerror = (e) => { const el = document.getElementById('error'); el.textContent = 'worker error: ' + e.message; el.hidden = false; };
addEventListener('DOMContentLoaded', () => {
  document.getElementById('files').addEventListener('change', (e) => {
    document.getElementById('status').textContent = 'parsing';
    worker.postMessage({ files: [...e.target.files], chunkSize });
  });
});
`;

// Parse only: header off, no typing, no per-row step; the chunk callback counts the records.
// Papa's FileStreamer reads each slice with FileReader.readAsText; fastMode is left to Papa
// (on for a chunk without any quote character), since forcing it would misparse quoted fields.
const PAPA_WORKER = `
importScripts('papaparse.min.js');
postMessage({ type: 'ready', version: Papa.PAPA_VERSION || '' });
function parseOne(file, chunkSize) {
  return new Promise((resolve, reject) => {
    let records = 0, last = null, errors = 0, chunks = 0;
    Papa.parse(file, {
      worker: false, header: false, dynamicTyping: false, skipEmptyLines: false, chunkSize,
      chunk(results) {
        const d = results.data;
        chunks++;
        records += d.length;
        errors += results.errors.length;
        if (d.length) last = d[d.length - 1];
      },
      complete() {
        // Data rows, as rostercheck counts them: without the header and the empty record
        // Papa yields after a final line break.
        let rows = records;
        if (last && last.length === 1 && last[0] === '') rows--;
        if (rows > 0) rows--;
        resolve({ name: file.name, bytes: file.size, records, rows, errors, chunks });
      },
      error(e) { reject(e); },
    });
  });
}
onmessage = async ({ data }) => {
  try {
    const started = performance.now();
    const files = [];
    for (const f of data.files) files.push(await parseOne(f, data.chunkSize));
    postMessage({ type: 'done', files, seconds: (performance.now() - started) / 1000 });
  } catch (e) {
    postMessage({ type: 'error', message: String(e && e.message || e) });
  }
};
`;

// The floor: only reading the bytes of each File with File.stream(), as rostercheck's worker does.
const READ_WORKER = `
postMessage({ type: 'ready', version: '' });
onmessage = async ({ data }) => {
  try {
    const started = performance.now();
    const files = [];
    for (const f of data.files) {
      const reader = f.stream().getReader();
      let bytes = 0, chunks = 0, largest = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length; chunks++; largest = Math.max(largest, value.length);
      }
      files.push({ name: f.name, bytes, chunks, largest });
    }
    postMessage({ type: 'done', files, seconds: (performance.now() - started) / 1000 });
  } catch (e) {
    postMessage({ type: 'error', message: String(e && e.message || e) });
  }
};
`;

function papaServer() {
  const papaPath = require.resolve('papaparse/papaparse.min.js');
  const version = JSON.parse(readFileSync(path.join(path.dirname(papaPath), 'package.json'), 'utf8')).version;
  const routes = {
    '/': ['text/html; charset=utf-8', PAPA_PAGE],
    '/bench.js': ['text/javascript; charset=utf-8', PAPA_MAIN],
    '/papa-worker.js': ['text/javascript; charset=utf-8', PAPA_WORKER],
    '/read-worker.js': ['text/javascript; charset=utf-8', READ_WORKER],
    '/papaparse.min.js': ['text/javascript; charset=utf-8', readFileSync(papaPath)],
  };
  const server = http.createServer((req, res) => {
    const route = routes[new URL(req.url, 'http://localhost').pathname];
    if (!route) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': route[0], 'Cache-Control': 'no-cache' }).end(route[1]);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, version })));
}

/**
 * Papa Parse (streaming, `chunk` callback, `chunkSize` bytes per read) parsing every CSV file of
 * `packageDir` one after another in a dedicated worker, counting rows.
 * @returns {Promise<{seconds:number, bytes:number, rows:number, mbps:number, jsHeapBytes:number|null,
 *   rendererPeakBytes:number|null, detail:object, runs:object[]}>}
 */
export async function benchPapa({ packageDir, runs = 1, chunkSize = PAPA_CHUNK_SIZE, timeoutMs, sampleMs = SAMPLE_MS } = {}) {
  return baselineRuns({ packageDir, runs, timeoutMs, sampleMs, query: `chunkSize=${chunkSize}`,
    collect: async (page, version) => {
      const res = await page.evaluate(() => window.__papaResult);
      return {
        main: { rows: res.files.reduce((n, f) => n + f.rows, 0) },
        detail: { papaparse: version, chunkSize, config: 'Papa.parse(file, { worker: false, chunk, chunkSize }) in a dedicated worker',
          workerSeconds: res.seconds, parseErrors: res.files.reduce((n, f) => n + f.errors, 0), files: res.files },
      };
    } });
}

/** Runs the baseline page (`query` picks Papa Parse or plain reading) `runs` times on every
 *  CSV file of `packageDir`; `collect(page, papaVersion)` reads what the page found. */
async function baselineRuns({ packageDir, runs, timeoutMs, sampleMs, query, collect }) {
  const { files, bytes } = csvFiles(packageDir);
  const { server, version } = await papaServer();
  try {
    const url = `http://127.0.0.1:${server.address().port}/?${query}`;
    const results = [];
    for (let i = 0; i < runs; i++) {
      const r = await measuredRun({
        url, files, bytes, inputSelector: '#files', readySelector: 'body[data-ready="true"]',
        timeoutMs: timeoutMs ?? defaultTimeout(bytes), sampleMs, wasm: false,
        collect: (page) => collect(page, version, bytes),
      });
      delete r.wasmMemoryBytes;
      delete r.readyMs;
      results.push(r);
    }
    return combine(results);
  } finally {
    await closeServer(server);
  }
}

/**
 * The floor for any in-browser checker: a dedicated worker reading every CSV file of
 * `packageDir` with File.stream() and doing nothing with the bytes.
 * @returns {Promise<{seconds:number, bytes:number, mbps:number, jsHeapBytes:number|null,
 *   rendererPeakBytes:number|null, detail:object, runs:object[]}>}
 */
export async function benchStreamRead({ packageDir, runs = 1, timeoutMs, sampleMs = SAMPLE_MS } = {}) {
  return baselineRuns({ packageDir, runs, timeoutMs, sampleMs, query: 'worker=read',
    collect: async (page, _version, bytes) => {
      const res = await page.evaluate(() => window.__papaResult);
      const read = res.files.reduce((n, f) => n + f.bytes, 0);
      if (read !== bytes) throw new Error(`read ${read} bytes of ${bytes}`);
      return { main: {}, detail: { workerSeconds: res.seconds, files: res.files } };
    } });
}

// ---------------------------------------------------------------- runner

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : fallback; };
  const runs = Number(opt('--runs', '1'));
  const only = opt('--only', null); // rostercheck, papa or read (File.stream() only)
  const chunkSize = Number(opt('--chunk-size', String(PAPA_CHUNK_SIZE)));
  const packageDir = args[0];
  if (!packageDir) {
    console.error('usage: node scripts/bench/browser.mjs PACKAGE_DIR [--runs N] [--only rostercheck|papa|read] [--chunk-size BYTES]');
    process.exit(2);
  }
  const out = {};
  if (!only || only === 'rostercheck') out.rostercheck = await benchRostercheck({ packageDir, runs });
  if (!only || only === 'papa') out.papa = await benchPapa({ packageDir, runs, chunkSize });
  if (only === 'read') out.read = await benchStreamRead({ packageDir, runs });
  console.log(JSON.stringify(out, null, 2));
}
