// The validation worker: owns the validation session (the wasm engine), reads each file (or zip
// entry) as a stream and posts findings in batches, never one message per row. Large files
// and zip entries are checked in two halves at once: the second by the part worker
// (web/part.js), which it starts. The page terminates it to cancel (its workers end with it).
import { Validator, rules, version, panicForTest } from './rostercheck_wasm.js';
import { load, warmUp, chunksOf, decodeBase64, sampleModule, CHUNK_BYTES } from './engine.js';
import { listEntries, openEntry, refusal, ZipError } from './zip.js';

const PROGRESS_EVERY_MS = 100;

/** The engine's memory (WebAssembly memory only grows: the page replaces this worker to give
 *  it back, see main.js). */
let engineMemory = null;

const ready = (async () => {
  engineMemory = (await load()).memory;
  postMessage({ type: 'ready', version: version(), rules: JSON.parse(rules()) });
})().catch((e) => postMessage({ type: 'error', message: `The checker could not start: ${e.message}` }));

/** The page's messages are handled one at a time, in order, after the rehearsal below: a
 *  check posted meanwhile waits for it (it takes tens of milliseconds). Whatever happens
 *  before, the page's messages are then handled: a head start that failed must not leave a
 *  check waiting forever. */
let handled = ready.then(async () => {
  // After the 'ready' message has gone out, so that the page is ready as soon as before.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await warmUp();
  startPartWorker();
  await rehearse();
}).catch(() => {});

/** Checks the built-in sample once more, the way a user's files are checked, and posts its
 *  messages like any check's, then 'rehearsed': the JavaScript of a check (reading, posting
 *  findings) is compiled before the user's files arrive, and the page lays the sample's report
 *  out unseen, whose first layout costs 25–40 ms (cold font and style caches) where a later
 *  one costs 8–16. */
async function rehearse() {
  try {
    await validate(await sample(), 1000);
  } catch {
    // Only a head start, as the warm-up.
  }
  postMessage({ type: 'rehearsed' });
}

/** Starts a worker of the page's own from a blob: bootstrap, as the page starts this one: the
 *  Content-Security-Policy is inherited. */
function startWorker(file, name) {
  const url = new URL(file, import.meta.url).href;
  const blob = new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob), { type: 'module', name });
}

// ---------------------------------------------------------------- one file, two workers

/** A loose file from this size on is checked in two parts, one per worker, as in the CLI,
 *  when its part is asked for while the file before it is checked (`nextPartEarly`: the part
 *  worker's start is hidden behind that file). */
const SPLIT_FROM = 4 * 2 ** 20;
/** A file (or zip entry) whose part is asked for only as it begins waits for the part
 *  worker's start, 15–20 ms (the hand-over, its first read, its fork): it is split from this size
 *  on. (It was 8 MiB while the page painted its progress from a check's start: splitting the
 *  10 MB package's 6 MB enrollments then gained nothing, as the second core was busy painting.
 *  Since the progress shows from 500 ms on, 4 MiB took 0.94 of the time, 22 of 30 tight pairs
 *  faster, the district unchanged; 1 MiB, which splits its users.csv too, took 1.07 of 4 MiB's
 *  time.) A self-test lowers it. */
let SPLIT_NOW_FROM = SPLIT_FROM;
/** Where in the file the second part starts: the middle. Both workers check at the same
 *  speed (measured on a city's enrollments: 2.37 s for 51% here, 2.36 s for 49% there), so
 *  at 0.51 this worker finished 75–290 ms after the part worker; at 0.50, within 75 ms either
 *  way. */
const CUT_AT = 0.5;
/** Bytes of fork the part worker makes its session from in the time it checks one byte of
 *  CSV (measured on a city: a 19 MB fork in 20 ms; checking at about 100 MB/s). */
const FORK_BYTES_PER_CSV_BYTE = 10;
/** Bytes this worker checks before the part worker starts on a part asked now: the message,
 *  then its first read (1 MiB from about the cut) reach it 10–25 ms later (measured on the
 *  district, as checking about 1 MB here). */
const PART_START_BYTES = 1 << 20;
/** The same for a zip entry: later, because the part worker also inflates the first part to
 *  skip it (measured on a zipped city: 5.9–6.4 s at 0.56, 6.4 s at 0.51 and 0.61, 6.9 s at
 *  0.46). */
const ZIP_CUT_AT = 0.56;

/** The part worker (web/part.js): null until it has said it is running, and when it cannot
 *  run (then each file is checked whole here, as before). */
let partWorker = null;
/** Settles when the part worker is running or has failed to start. */
let partWorkerStarted;
const partWorkerSettled = new Promise((resolve) => { partWorkerStarted = resolve; });
/** How long a large file waits for the part worker to start (a package dropped at once). */
const PART_WORKER_WAIT_MS = 3000;
/** A part worker silent this long while its part is awaited is taken to have hung: it is
 *  replaced, and this worker checks the part itself (it reports progress ten times a second
 *  while it works). A self-test shortens it. */
let partSilenceMs = 10000;
/** Parts asked for and not yet back, by id: `take` handles the part worker's messages. */
const partsAsked = new Map();
let partsCount = 0;

/** Whether the part worker runs, waiting for it to start (a package dropped at once). */
async function partWorkerRunning() {
  await Promise.race([partWorkerSettled, new Promise((resolve) => setTimeout(resolve, PART_WORKER_WAIT_MS))]);
  return partWorker !== null;
}

/** Replaces a part worker that has hung: its parts are checked here. */
function restartPartWorker() {
  const hung = partWorker;
  partWorker = null;
  hung?.terminate();
  for (const asked of partsAsked.values()) asked.take({ type: 'failed' });
  startPartWorker();
}

function startPartWorker() {
  let w;
  try {
    w = startWorker('./part.js', 'rostercheck-part');
  } catch {
    partWorkerStarted();
    return;
  }
  w.onmessage = ({ data }) => {
    if (data.type === 'ready') {
      partWorker = w;
      partWorkerStarted();
    }
    if (data.type === 'unavailable') partWorkerStarted();
    // (It checks its parts one after the other: any word from it shows it is alive.)
    for (const asked of partsAsked.values()) asked.heard = performance.now();
    partsAsked.get(data.id)?.take(data);
    // An engine that failed may be left in any state (a wasm trap): the next part gets a
    // fresh one.
    if (data.type === 'failed' && partWorker === w) restartPartWorker();
  };
  w.onerror = (e) => {
    // A part worker that stops takes its parts with it: this worker checks them itself.
    e.preventDefault();
    partWorker = null;
    partWorkerStarted();
    for (const asked of partsAsked.values()) asked.take({ type: 'failed' });
  };
}

/** The file after a split one is checked by the part worker, after its part of that one,
 *  from a fork made before it (`forksAhead`), when it is at least this large (a smaller one is
 *  checked here sooner than forked). Then the part worker is busy while this worker ends the
 *  split file (it takes in the part and its ids: 0.1 s for a city's enrollments), and that
 *  file needs no fork of its own. Where the part worker starts it is decided once its part of
 *  the split file is done (`aheadCut`), from the speeds both workers showed. */
const AHEAD_FROM = 1 << 20;
/** Where the split file is cut then, as a share of both files' bytes: this worker is given
 *  less than half, so that it usually ends its part first and takes the start of the next
 *  file. A next file larger than AHEAD_AT_MOST of the split one (users.csv after a city's
 *  classes.csv, 150 MB after 16 MB) would leave the part worker none of the split one: that
 *  one is cut in its middle (CUT_AT) instead. */
const AHEAD_CUT_AT = 0.45;
const AHEAD_AT_MOST = 0.8;
/** Taking a part in costs this worker about this long per MB of the part: its ids arrive and
 *  are compared or merged, and the file ends (set from city runs: at 0.6, this worker ended
 *  demographics 80–170 ms after the part worker). */
const TAKE_IN_MS_PER_MB = 1;
/** The least of the next file the part worker is given: less is not worth its start. */
const AHEAD_LEAST_BYTES = 256 << 10;
/** The least of it this worker is given: it reads the file's start and takes a part in
 *  anyway. (With 512 KB on both sides, a 10 MB package's demographics.csv, 1.2 MB, was
 *  checked whole by one worker in 8 of 8 checks, mostly this one while the other was idle.) */
const AHEAD_LEAST_HERE_BYTES = 64 << 10;
/** Bytes this worker checks before the part worker starts on the file checked ahead: its
 *  session from the fork it kept, then its first read from the cut (3–8 ms in a 10 MB
 *  package's checks, where a part asked afresh waits for the fork's message too). */
const AHEAD_START_BYTES = 512 << 10;
/** The least second part a file is split for (its cut is looked for within 64 KiB of where it
 *  is asked, and must leave a part). */
const PART_LEAST_BYTES = 128 << 10;

/** The second part of a large file, asked for now: it starts after the first line break at or
 *  after `from` (about CUT_AT of the file), the cut, which both workers find the same way
 *  (`cut` is set once this worker has read through it); null: the file is checked whole. The
 *  part worker inflates a zip entry's first part too, to skip it. `next` is the file after it:
 *  with `ahead` set, the part worker checks that one too. */
async function secondPart(validator, index, entry, maxPerRule, next) {
  const zipped = entry.zipEntry && !entry.zipEntry.encrypted && [0, 8].includes(entry.zipEntry.method);
  if ((entry.zipEntry && !zipped) || entry.size < SPLIT_NOW_FROM || !validator.splits(index)) return null;
  if (!(await partWorkerRunning())) return null;
  // One fork serves both files when the next is checked ahead: the part worker keeps it.
  const ahead = !zipped && aheadAllowed(validator, index, entry, next);
  const fork = ahead ? validator.forkBytesAhead(index, next.index) : validator.forkBytes(index);
  if (!fork) return null;
  // The part worker starts by making its session(s) from the fork and reading: its share is
  // smaller by what that costs. With a smaller next file ahead, it has about half of both.
  const forkCost = (fork.length / FORK_BYTES_PER_CSV_BYTE) * (ahead ? 2 : 1);
  const both = ahead && next.entry.size <= entry.size * AHEAD_AT_MOST;
  const from = Math.floor(zipped
    ? entry.size * ZIP_CUT_AT
    : (entry.size + (both ? next.entry.size : 0) + forkCost + PART_START_BYTES) * (both ? AHEAD_CUT_AT : CUT_AT));
  if (entry.size - from < PART_LEAST_BYTES) return null;
  const second = { cut: null, from, asked: askPart(validator, index, entry, fork, { from, zipped, maxPerRule, keep: ahead }) };
  if (ahead) {
    // Where it starts is sent later (`aheadCut`); the part worker waits for it after this part.
    const asked = askPart(validator, next.index, next.entry, null, { from: null, zipped: false, maxPerRule, later: true });
    second.ahead = {
      index: next.index,
      second: { cut: null, from: null, asked },
      size: next.entry.size,
      forkBytes: fork.length / FORK_BYTES_PER_CSV_BYTE,
    };
  }
  return second;
}

/** Set by a self-test: the share of the file checked ahead that this worker takes. */
let aheadShareForTest = null;

/** Where the part worker starts the file checked ahead: the byte after which it checks it
 *  (0: all of it after the header; null: none, this worker checks it whole), so that both
 *  workers end together. Decided when the part worker's part of the split file arrives, from
 *  the speeds both workers showed on that file (bytes per ms; a worker may run slower than the
 *  other for a whole file), what is left of this worker's part, and what taking the part in
 *  costs; the bytes before the cut are this worker's. */
function aheadCut(ahead, { left, hereRate, partRate, partBytes }) {
  if (aheadShareForTest !== null) {
    const share = aheadShareForTest;
    return share >= 1 ? null : Math.floor(share * ahead.size);
  }
  const here = left / hereRate + (partBytes / 1e6) * TAKE_IN_MS_PER_MB;
  // (The part worker first makes its session from the fork and reads: about forkBytes and
  // AHEAD_START_BYTES of checking.)
  const there = (ahead.forkBytes + AHEAD_START_BYTES + ahead.size) / partRate;
  const mine = (there - here) / (1 / partRate + 1 / hereRate);
  if (mine < AHEAD_LEAST_HERE_BYTES) return 0;
  if (ahead.size - mine < AHEAD_LEAST_BYTES) return null;
  return Math.floor(mine);
}

/** The file checked whole while the part worker checks the next one's second part costs this
 *  many times as much per byte as the next one's rows (measured on a city, when its
 *  classes.csv was checked so: 16 MB took 225–245 ms, users.csv about 8 ns a byte; at 1, this
 *  worker finished users.csv 10–140 ms after the part worker). */
const BEFORE_WEIGHT = 1.5;

/** The second part of the file `next`, asked for now, before the file `index` (the one before
 *  it) begins, when `index` is not split (a file that is has `next` checked after its part:
 *  `secondPart`), and `next` is large enough to split (SPLIT_FROM), at least twice as large,
 *  and does not depend on it (`forksAhead`): the part worker checks it while this worker
 *  checks the file `index` whole and then the first part of `next` (the district's users.csv,
 *  6.7 MB, after classes.csv, 0.7 MB). Null otherwise. */
async function nextPartEarly(validator, index, entry, maxPerRule, next) {
  if (!next || entry.zipEntry || next.entry.zipEntry || next.entry.size < SPLIT_FROM
    || next.entry.size < 2 * entry.size || !validator.splits(next.index)
    || !validator.forksAhead(next.index, index)) return null;
  if (!(await partWorkerRunning())) return null;
  const fork = validator.forkBytes(next.index);
  if (!fork) return null;
  // This worker's share: the file before, then the first part of `next`.
  const share = (next.entry.size + fork.length / FORK_BYTES_PER_CSV_BYTE + PART_START_BYTES - entry.size * BEFORE_WEIGHT) * CUT_AT;
  const from = Math.floor(Math.max(0, Math.min(share, next.entry.size - 1)));
  const asked = askPart(validator, next.index, next.entry, fork, { from, zipped: false, maxPerRule });
  return { index: next.index, second: { cut: null, from, asked } };
}

/** Whether the part worker can check the file `next` whole (after its header), after its part
 *  of the file `index` (see AHEAD_FROM). */
function aheadAllowed(validator, index, entry, next) {
  return Boolean(next && !next.entry.zipEntry && next.entry.size >= AHEAD_FROM
    && validator.forksAhead(next.index, index));
}


/** Sends the part worker the part of file `index` from the cut on, with its fork (null: the
 *  fork of the part asked just before, which it was told to `keep`); returns what is asked:
 *  `done` settles true once all of the part is in the validator. */
function askPart(validator, index, entry, fork, { from, zipped, maxPerRule, keep = false, later = false }) {
  const id = ++partsCount;
  // The part arrives (as soon as it is ready, maybe while the first part is still being fed)
  // as bytes, then its ids in pieces. The validator holds one part, of the file it is in: a
  // part of a later file (checked ahead) is held here until that file begins (`open`).
  const asked = { progress: { bytes: 0, rows: 0 }, heard: performance.now() };
  asked.done = new Promise((resolve) => {
    let ok = false;
    let left = 0;
    let open = false;
    const held = [];
    const end = (result) => {
      partsAsked.delete(id);
      held.length = 0;
      resolve(result);
    };
    const receive = (data) => {
      if (data.type === 'part') {
        ok = validator.receivePart(data.part);
        left = data.ids;
        if (!ok || left === 0) end(ok);
      } else {
        ok = ok && validator.receivePartIds(data.chunk);
        left -= data.count;
        if (!ok || left <= 0) end(ok);
      }
    };
    asked.abandon = () => end(false);
    asked.open = () => {
      open = true;
      for (const data of held.splice(0)) receive(data);
    };
    asked.take = (data) => {
      if (data.type === 'progress') Object.assign(asked.progress, { bytes: data.bytes, rows: data.rows });
      else if (data.type === 'failed' || data.type === 'declined') end(false);
      else if (data.type === 'part' || data.type === 'ids') {
        if (data.type === 'part') {
          asked.cut = data.cut;
          asked.onPart?.(data);
        }
        if (open) receive(data);
        else held.push(data);
      }
    };
  });
  partsAsked.set(id, asked);
  partWorker.postMessage({
    type: 'part', id, fork: fork?.buffer ?? null, keep, index, file: entry.zipFile ?? entry.file,
    zipEntry: zipped ? entry.zipEntry : null, from, maxPerRule, later,
  }, fork ? [fork.buffer] : []);
  if (later) {
    /** Sends the part's cut (null: this worker checks that file whole), once. */
    asked.decide = (at) => {
      if (asked.decided) return;
      asked.decided = true;
      partWorker?.postMessage({ type: 'cut', id, from: at });
    };
  }
  return asked;
}

/** Whether the part arrived whole, waiting as long as the part worker keeps reporting;
 *  `onTick` is called every PROGRESS_EVERY_MS meanwhile. */
async function partArrived(asked, onTick) {
  for (;;) {
    const tick = new Promise((resolve) => setTimeout(() => resolve('tick'), Math.min(PROGRESS_EVERY_MS, partSilenceMs)));
    const arrived = await Promise.race([asked.done, tick]);
    if (arrived !== 'tick') return arrived;
    if (performance.now() - asked.heard > partSilenceMs) restartPartWorker();
    onTick?.();
  }
}

/** Gives way to the messages waiting for this worker (the part worker's parts, ids and
 *  progress): a loop of reads that are ready at once would otherwise take them in only once
 *  it ends (seen: a part sent 0.6 s before this worker's part of the file ended waited for
 *  it). A message to itself is queued behind them. */
const turn = new MessageChannel();
let turnTaken = null;
turn.port1.onmessage = () => turnTaken?.();
function letMessagesIn() {
  return new Promise((resolve) => {
    turnTaken = resolve;
    turn.port2.postMessage(null);
  });
}

/** Zip entries are inflated by a second worker (web/inflate.js), so that decompressing runs
 *  beside the checks instead of before each piece; null where a worker cannot start one. */
const inflater = (() => {
  try {
    const w = startWorker('./inflate.js', 'rostercheck-inflate');
    // Used once it has said it is running: a worker that never starts must not hang a check.
    w.onmessage = ({ data }) => { if (data.type === 'ready') inflaterReady = true; };
    return w;
  } catch {
    return null;
  }
})();
let inflaterReady = false;
let inflating = 0;
/** Buffers lent to the inflating worker per entry (1 MiB each). */
const INFLATE_BUFFERS = 3;

/** The entry's bytes in pieces from the inflating worker, read like `chunksOf`. */
function inflated(file, entry) {
  const id = ++inflating;
  const queue = [];
  let waiting = null;
  const deliver = (m) => {
    if (m.id !== undefined && m.id !== id) return; // an earlier entry's leftovers
    if (waiting) { const w = waiting; waiting = null; w(m); } else queue.push(m);
  };
  inflater.onmessage = ({ data }) => deliver(data);
  inflater.onerror = (e) => { e.preventDefault(); deliver({ type: 'error', message: e.message || 'the inflating worker stopped' }); };
  const buffers = Array.from({ length: INFLATE_BUFFERS }, () => new ArrayBuffer(CHUNK_BYTES));
  inflater.postMessage({ type: 'open', id, file, entry, buffers }, buffers);
  let lent = null;
  let ended = false;
  return {
    getReader: () => ({
      async read() {
        if (ended) return { done: true, value: undefined };
        // The caller is done with a piece when it asks for the one after it.
        if (lent) inflater.postMessage({ type: 'credit', id, buffer: lent }, [lent]);
        lent = null;
        const m = queue.length ? queue.shift() : await new Promise((resolve) => { waiting = resolve; });
        if (m.type === 'chunk') {
          lent = m.buffer;
          return { done: false, value: new Uint8Array(m.buffer, 0, m.length) };
        }
        ended = true;
        if (m.type === 'end') return { done: true, value: undefined };
        throw m.zip ? new ZipError(m.message) : new Error(m.message);
      },
      // The rest of the entry is not needed: the inflating worker stops.
      cancel: () => {
        if (!ended) inflater.postMessage({ type: 'close', id });
        ended = true;
      },
    }),
  };
}

/** A reader that gives `bytes` (a promise of an ArrayBuffer) as one piece. */
function whole(bytes) {
  let given = false;
  return {
    getReader: () => ({
      async read() {
        if (given) return { done: true, value: undefined };
        given = true;
        const value = new Uint8Array(await bytes);
        return value.length ? { done: false, value } : { done: true, value: undefined };
      },
      cancel: () => {},
    }),
  };
}

/** A reader that gives `head` (the file's first bytes, read ahead) and then the rest of
 *  `file` as `chunksOf` reads it. */
function headFirst(head, file) {
  let rest = null;
  return {
    getReader: () => ({
      async read() {
        if (!rest) {
          rest = chunksOf(file, head.byteLength).getReader();
          if (head.byteLength) return { done: false, value: new Uint8Array(head) };
        }
        return rest.read();
      },
      cancel: () => rest?.cancel(),
    }),
  };
}

/** Expands dropped files into package entries: loose files, and the entries of .zip files. */
async function entriesOf(inputs) {
  const out = [];
  for (const { file, path } of inputs) {
    if (/\.zip$/i.test(file.name)) {
      const listed = await listEntries(file);
      for (const e of listed) {
        if (e.name.endsWith('/')) continue; // a folder
        const open = async () => (inflaterReady ? inflated(file, e) : openEntry(file, e));
        out.push({ name: e.name, size: e.size, zipEntry: e, zipFile: file, open });
      }
    } else {
      // A small file is read in one piece (no stream to set up); a larger one may have its
      // first piece read ahead (`readHead`), the rest as a stream.
      const entry = { name: path || file.name, size: file.size, file };
      if (file.size < CHUNK_BYTES) {
        entry.open = async () => whole(file.arrayBuffer());
      } else {
        entry.readHead = () => { entry.head ??= file.slice(0, CHUNK_BYTES).arrayBuffer(); };
        entry.streamAhead = () => { entry.stream ??= chunksOf(file); };
        entry.open = async () => entry.stream ?? (entry.head ? headFirst(await entry.head, file) : chunksOf(file));
      }
      out.push(entry);
    }
  }
  return out;
}

async function validate(inputs, maxPerRule) {
  await ready;
  const started = performance.now();
  const entries = await entriesOf(inputs);
  const validator = new Validator(entries.map((e) => e.name), maxPerRule);
  const order = Array.from(validator.plan());
  const planned = order.map((i) => ({ index: i, name: entries[i].name, size: entries[i].size }));
  const totalBytes = planned.reduce((sum, f) => sum + f.size, 0);
  postMessage({ type: 'plan', files: planned, totalBytes });
  flush(validator);
  let doneBytes = 0;
  let last = 0;
  let inflated = 0;
  // A small loose file is read in one piece, started while the files before it are checked,
  // so that the manifest, orgs, sessions and courses do not each wait for the disk. (A larger
  // file is opened ahead only while the part worker reads nothing: a stream left waiting can
  // stall the reading of the others in Chromium, seen as a part worker that never finished.)
  const opened = new Map();
  const SMALL_AHEAD = 8;
  /** The next file's part, asked for along with this one's (see AHEAD_FROM). */
  let ahead = null;
  for (const [k, f] of planned.entries()) {
    const entry = entries[f.index];
    for (let j = k + 1; j < k + SMALL_AHEAD && planned[j]?.size < CHUNK_BYTES; j++) {
      const next = entries[planned[j].index];
      if (!next.zipEntry && !opened.has(j)) opened.set(j, next.open());
    }
    const refused = entry.zipEntry ? refusal(entry.zipEntry, inflated) : null;
    // Asked for before the file begins here: the other worker starts from this session (or
    // was asked along with the file before: see AHEAD_FROM and nextPartEarly).
    let second = null;
    let early = ahead?.index === f.index ? ahead.second : null;
    if (early) {
      ahead = null;
      if (early.asked.decide && !early.asked.decided) {
        // The part of the file before never came, so where this one's starts was never
        // decided: the part worker lets it go, and this file may be split at its own turn.
        early.asked.decide(null);
        early = null;
      } else {
        second = early.from === null ? null : early;
      }
    }
    if (!early && !refused) {
      const next = planned[k + 1] && { index: planned[k + 1].index, entry: entries[planned[k + 1].index] };
      // A file large enough is split, and the next checked after its part (`aheadCut`); a
      // smaller one may be checked whole while a much larger next file's part is checked.
      second = await secondPart(validator, f.index, entry, maxPerRule, next);
      ahead = second?.ahead ?? (second ? null : await nextPartEarly(validator, f.index, entry, maxPerRule, next));
    }
    // The next larger file's first piece is read while this one is checked, so that its check
    // does not start by waiting for the disk: as the stream it is then read through when the
    // part worker reads nothing meanwhile, nor that file later (slicing a file and
    // `arrayBuffer` cost this worker 1–3 ms each in Chromium), otherwise as a single read of
    // its first MiB (see above).
    const following = entries[planned[k + 1]?.index];
    const neverSplit = Math.min(SPLIT_FROM, SPLIT_NOW_FROM);
    if (following && !second && !ahead && following.size < neverSplit) following.streamAhead?.();
    else following?.readHead?.();
    validator.beginFile(f.index);
    second?.asked.open();
    if (refused) {
      // Reported as a finding; the other files are still checked.
      validator.failFile(refused);
      flush(validator);
      continue;
    }
    inflated += entry.zipEntry ? entry.size : 0;
    // A file checked in two parts: this worker reads only the first.
    validator.sizeHint(second ? second.from : entry.size);
    let reader;
    let fileBytes = 0;
    const fileStarted = performance.now();
    let failure = null;
    // The next file's cut, once the part worker's part of this one is done (see aheadCut).
    const later = second?.ahead?.second.asked.decide ? second.ahead : null;
    if (later) {
      second.asked.onPart = ({ bytes, ms }) => {
        const partRate = bytes / Math.max(1, ms);
        // (Until it has checked a few MB, this worker's speed is taken to be the other's.)
        const hereRate = fileBytes < 8 * CHUNK_BYTES ? partRate : fileBytes / Math.max(1, performance.now() - fileStarted);
        const at = aheadCut(later, { left: Math.max(0, (second.cut ?? second.from) - fileBytes), hereRate, partRate, partBytes: bytes });
        later.second.from = at;
        later.second.asked.decide(at);
      };
    }
    try {
      reader = (await (opened.get(k) ?? entry.open())).getReader();
      opened.delete(k);
    } catch (e) {
      failure = e;
    }
    const progress = (partBytes = 0, partRows = 0) => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      postMessage({
        type: 'progress', name: f.name, fileBytes: fileBytes + partBytes, fileSize: f.size,
        doneBytes: doneBytes + fileBytes + partBytes, totalBytes, rows: validator.rows() + partRows,
        seconds: (now - started) / 1000,
      });
    };
    /** Feeds the file until `endIn(piece)` says where in a piece the bytes to feed end (-1:
     *  not in this one); what was read past that is kept in `over`. False at the end of the
     *  file, or on a failure. */
    let over = null;
    const feedThrough = async (endIn, partProgress) => {
      while (!failure) {
        let value = over;
        over = null;
        if (!value) {
          let chunk;
          try {
            chunk = await reader.read();
          } catch (e) {
            failure = e; // a damaged deflate stream, or more data than declared
            break;
          }
          if (chunk.done) break;
          value = chunk.value;
        }
        const end = endIn(value);
        const piece = end < 0 ? value : value.subarray(0, end);
        if (end >= 0 && end < value.length) over = value.slice(end);
        validator.feed(piece);
        fileBytes += piece.length;
        flush(validator);
        progress(partProgress?.bytes, partProgress?.rows);
        if (partsAsked.size) await letMessagesIn();
        if (end >= 0) return true;
      }
      return false;
    };
    /** Feeds the file up to byte `end`. */
    const feedUntil = (end, partProgress) =>
      feedThrough((value) => (fileBytes + value.length >= end ? Math.max(0, end - fileBytes) : -1), partProgress);
    /** Feeds on through the next line break (where a second part starts). */
    const throughLineBreak = (value) => {
      const at = value.indexOf(10);
      return at < 0 ? -1 : at + 1;
    };
    if (second) {
      // The part starts just after the first line break from `from` on: this worker comes to
      // it in its own reading, while the part worker looks for it in the file (or its own
      // inflated bytes), so that neither waits for a read before it starts.
      await feedUntil(second.from, second.asked.progress);
      if (!failure && (await feedThrough(throughLineBreak, second.asked.progress))) second.cut = fileBytes;
      validator.endFirstPart();
      flush(validator);
      if (failure) {
        // The part worker would go on with a part nobody waits for: it is replaced.
        second.asked.abandon();
        restartPartWorker();
      }
      // (The part worker says where its part started: the same byte, or it is not taken in.)
      const waiting = () => progress(second.asked.progress.bytes, second.asked.progress.rows);
      if ((await partArrived(second.asked, waiting)) && second.asked.cut === second.cut && validator.absorb()) {
        fileBytes = f.size;
        reader.cancel?.()?.catch?.(() => {});
      } else {
        validator.dropPart();
      }
      flush(validator);
    }
    if (fileBytes < f.size || !second) await feedUntil(Infinity);
    if (failure) validator.failFile(failure instanceof ZipError ? failure.message : `the zip entry is damaged or cut short (${failure.message || failure})`);
    else validator.endFile();
    flush(validator);
    doneBytes += fileBytes;
    postMessage({ type: 'fileDone', name: f.name, bytes: fileBytes, doneBytes, totalBytes, rows: validator.rows() });
  }
  const report = validator.finish();
  const csv = validator.csv();
  const parts = validator.partsAbsorbed();
  flush(validator);
  validator.free();
  postMessage({
    type: 'done', report, csv, parts, seconds: (performance.now() - started) / 1000, totalBytes,
    memoryBytes: engineMemory?.buffer.byteLength ?? 0,
  });
}

function flush(validator) {
  const batch = validator.takeBatch();
  if (batch !== '[]') postMessage({ type: 'diagnostics', batch });
}

async function sample() {
  const { files } = await sampleModule;
  return files.map(({ name, base64 }) => ({ file: new File([decodeBase64(base64)], name), path: name }));
}

onmessage = ({ data }) => {
  handled = handled.then(() => handle(data));
};

async function handle(data) {
  try {
    if (data.type === 'validate') await validate(data.inputs, data.maxPerRule ?? 1000);
    else if (data.type === 'selftest-panic') { await ready; panicForTest(); }
    else if (data.type === 'selftest-stall-parts') {
      await partWorkerSettled;
      partSilenceMs = data.silenceMs;
      partWorker?.postMessage({ type: 'selftest-stall' });
    }
    else if (data.type === 'selftest-ahead-share') aheadShareForTest = data.share;
    else if (data.type === 'selftest-split-from') SPLIT_NOW_FROM = data.bytes;
    else if (data.type === 'sample') await validate(await sample(), 1000);
  } catch (e) {
    const message = e instanceof ZipError
      ? e.message
      : `The checker stopped unexpectedly (${e.message || e}). It has been restarted: choose your files again.`;
    postMessage({ type: 'error', message });
  }
}
