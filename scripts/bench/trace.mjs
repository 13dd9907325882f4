// One check of a package traced with Chromium's tracing, summed up: where its time went, by
// thread, from the file input's `change` to the report. For the rounds of
// docs/benchmarks-history.md, which each traced a check by hand before this.
//
//   npm run build   # dist/, the page traced unless another build is named
//   node scripts/bench/trace.mjs PACKAGE_DIR|ZIP [DIST] [--save TRACE.json]
//   (the trace is saved to target/bench/trace.json unless --save names a file)
//
// Prints the check's time (tracing slows it by 10–40%), then for every thread busy for more
// than 1 ms in that window: its busy time (its top-level tasks, the parts of them within the
// window) and when it was busy, in 10 ms steps (█ most of the step, ▄ some, · little, blank
// idle); then what the page's main thread, the checking workers and the thread pools (the
// browser's and the renderer's) spent it on (each event's own time, what it called left out),
// and the file reads the browser made. Open the saved trace in chrome://tracing or
// ui.perfetto.dev for the rest.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { serve } from '../serve.mjs';
import { launch, root } from '../../tests/browser/helpers.mjs';
import { FAIL_SELECTOR, MARKS_SCRIPT, checkTime } from './browser.mjs';

const args = process.argv.slice(2);
const usage = (problem) => {
  console.error(`${problem}\nusage: node scripts/bench/trace.mjs PACKAGE_DIR|ZIP [DIST] [--save TRACE.json]`);
  process.exit(2);
};
const saveAt = args.indexOf('--save');
const saveTo = saveAt < 0 ? null : args.splice(saveAt, 2)[1];
if (saveAt >= 0 && !saveTo) usage('--save needs a file name');
const save = saveTo ? path.resolve(saveTo) : path.join(root, 'target', 'bench', 'trace.json');
const [input, dist = path.join(root, 'dist')] = args.map((a) => path.resolve(a));
if (!input || !existsSync(input)) usage(input ? `${input} does not exist` : 'no package given');
if (!existsSync(path.join(dist, 'index.html'))) usage(`${dist} holds no built page (npm run build)`);
const files = statSync(input).isDirectory()
  ? readdirSync(input).filter((f) => /\.csv$/i.test(f)).map((f) => path.join(input, f))
  : [input];
if (!files.length) usage(`${input} holds no .csv file`);

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink',
  'loading', 'mojom', 'blink.user_timing'];

mkdirSync(path.dirname(save), { recursive: true });
const server = await serve(dist);
const browser = await launch();
let checkMs;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(MARKS_SCRIPT, FAIL_SELECTOR);
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  // (The page rehearses a check once it is ready: a user's drop comes later.)
  await page.waitForSelector('body[data-rehearsed="true"]', { state: 'attached', timeout: 30000 }).catch(() => {});
  await page.waitForTimeout(1000);
  await browser.startTracing(page, { path: save, categories: CATEGORIES });
  await page.setInputFiles('#file-input', files);
  checkMs = await checkTime(page);
  await page.waitForTimeout(100);
  await browser.stopTracing();
} finally {
  await browser.close();
  server.close();
}

const trace = JSON.parse(readFileSync(save, 'utf8'));
const events = trace.traceEvents ?? trace;
const threadNames = new Map();
const processNames = new Map();
for (const e of events) {
  if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, e.args.name);
  if (e.ph === 'M' && e.name === 'process_name') processNames.set(e.pid, e.args.name);
}
const change = events.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'change');
if (!change) throw new Error('no change event in the trace');
const from = change.ts;
const to = from + checkMs * 1000;

/** Complete events of each thread that overlap the check's window, in order. */
const byThread = new Map();
for (const e of events) {
  if (e.ph !== 'X' || e.dur === undefined || e.ts >= to || e.ts + e.dur <= from) continue;
  const key = `${e.pid}/${e.tid}`;
  if (!byThread.has(key)) byThread.set(key, []);
  byThread.get(key).push(e);
}
const STEP_MS = 10;
const STEP_US = STEP_MS * 1000; // (trace times are in microseconds)
const steps = Math.ceil(checkMs / STEP_MS);
/** A worker's thread is named by the page's script it runs (worker.js, part.js, inflate.js). */
const scripts = new Map();
for (const e of events) {
  const url = e.name === 'FunctionCall' ? String(e.args?.data?.url ?? '') : '';
  const script = url.match(/\/(worker|part|inflate)\.js$/)?.[1];
  const key = `${e.pid}/${e.tid}`;
  if (script && !scripts.has(key) && threadNames.get(key)?.startsWith('DedicatedWorker')) scripts.set(key, `${script}.js`);
}
const threadLabel = (key) => `${processNames.get(Number(key.split('/')[0])) ?? '?'}: ${threadNames.get(key) ?? key}${scripts.has(key) ? ` (${scripts.get(key)})` : ''}`;

/** An event's name, with the function or file it ran where the trace says. */
function label(e) {
  const data = e.args?.data;
  if (e.name === 'FunctionCall' && data) return `FunctionCall ${data.functionName || '(anonymous)'} ${String(data.url ?? '').split('/').pop()}`;
  if (e.name === 'EventDispatch') return `EventDispatch ${data?.type}`;
  if ((e.name === 'ThreadPool_RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.args?.src_func) return `${e.name} ${e.args.src_func}`;
  return e.name;
}

/** The microseconds of `start`–`end` within the check's window. */
const within = (start, end) => Math.max(0, Math.min(end, to) - Math.max(start, from));

const summaries = [];
for (const [key, list] of byThread) {
  list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const busy = new Array(steps).fill(0);
  const own = new Map();
  const stack = [];
  let end = -1;
  let total = 0;
  for (const e of list) {
    if (e.ts >= end) {
      // A top-level task: its time within the window, spread over the steps it covers.
      end = e.ts + e.dur;
      total += within(e.ts, end);
      for (let t = Math.max(e.ts, from); t < Math.min(end, to);) {
        const step = Math.floor((t - from) / STEP_US);
        const stepEnd = Math.min(from + (step + 1) * STEP_US, end, to);
        busy[step] += stepEnd - t;
        t = stepEnd;
      }
    }
    while (stack.length && stack.at(-1).end <= e.ts) stack.pop();
    const name = label(e);
    own.set(name, (own.get(name) ?? 0) + within(e.ts, e.ts + e.dur));
    if (stack.length) {
      const parent = stack.at(-1);
      own.set(parent.name, own.get(parent.name) - within(e.ts, Math.min(e.ts + e.dur, parent.end)));
    }
    stack.push({ name, end: e.ts + e.dur });
  }
  if (total < 1000) continue;
  summaries.push({ key, total, busy, own });
}
summaries.sort((a, b) => b.total - a.total);

const bar = (busy) => busy.map((us) => (us > STEP_US * 0.6 ? '█' : us > STEP_US * 0.2 ? '▄' : us > 100 ? '·' : ' ')).join('');
console.log(`${path.basename(input)}: ${files.length} file${files.length === 1 ? '' : 's'}, checked in ${checkMs.toFixed(1)} ms under tracing (trace: ${path.relative(process.cwd(), save)})\n`);
console.log(`busy ms  when (${STEP_MS} ms steps)  thread`);
for (const s of summaries) console.log(`${(s.total / 1000).toFixed(1).padStart(7)}  |${bar(s.busy)}|  ${threadLabel(s.key)}`);
const cpu = summaries.reduce((sum, s) => sum + s.total, 0) / 1000;
console.log(`${cpu.toFixed(1).padStart(7)}  in all: ${(cpu / checkMs).toFixed(2)} threads busy on average\n`);

const interesting = summaries.filter((s) => /CrRendererMain|DedicatedWorker|Chrome_IOThread|ThreadPoolForegroundWorker/.test(threadNames.get(s.key) ?? ''));
for (const s of interesting.slice(0, 8)) {
  const top = [...s.own].filter(([, us]) => us >= 300).sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(`${threadLabel(s.key)}, ${(s.total / 1000).toFixed(1)} ms:`);
  for (const [name, us] of top) console.log(`  ${(us / 1000).toFixed(1).padStart(6)}  ${name}`);
}
const reads = events.filter((e) => e.ph === 'X' && e.ts >= from && e.ts < to && e.name === 'ThreadPool_RunTask' && e.args?.src_func === 'Read');
console.log(`\nthe browser's file reads: ${reads.length}, ${(reads.reduce((sum, e) => sum + e.dur, 0) / 1000).toFixed(1)} ms on its pool`);
