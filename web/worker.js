// The validation worker: owns the wasm engine, reads each file (or zip entry) as a stream and
// posts findings in batches, never one message per row. The page terminates it to cancel.
import init, { Validator, rules, version, panicForTest } from './rostercheck_wasm.js';
import wasmBase64 from './rostercheck_wasm_bytes.js';
import { listEntries, openEntry, refusal, ZipError } from './zip.js';

const PROGRESS_EVERY_MS = 100;
/** Bytes read at a time from a loose file (measured: 1 MiB reads are the fastest here). */
const CHUNK_BYTES = 1 << 20;

function decodeBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const ready = (async () => {
  // The wasm is embedded in a script, so loading it needs no connection at all.
  await init({ module_or_path: decodeBase64(wasmBase64) });
  postMessage({ type: 'ready', version: version(), rules: JSON.parse(rules()) });
  setTimeout(warmUp, 0);
})().catch((e) => postMessage({ type: 'error', message: `The checker could not start: ${e.message}` }));

/** Checks the built-in sample district once, silently, while the page waits for files: the
 *  browser compiles WebAssembly quickly first and optimises the functions that run hot, so the
 *  user's first package runs at full speed (measured: about twice as fast for a 10 MB one). */
async function warmUp() {
  try {
    const { files } = await sampleModule;
    for (let round = 0; round < 3; round++) {
      const validator = new Validator(files.map((f) => f.name), 1);
      const bytes = files.map((f) => decodeBase64(f.base64));
      for (const i of validator.plan()) {
        validator.beginFile(i);
        validator.feed(bytes[i]);
        validator.endFile();
      }
      validator.finish();
      validator.takeBatch();
      validator.free();
    }
  } catch {
    // Only a head start: a failure here changes nothing for the user's files.
  }
}

/** Reads a file in CHUNK_BYTES pieces into two buffers used in turn: the next read runs while
 *  the engine checks the current piece, and no garbage piles up (a city's files are 850 MB). */
function chunksOf(file) {
  let reader;
  try {
    reader = file.stream().getReader({ mode: 'byob' });
  } catch {
    return file.stream(); // no byte stream here: the browser's own chunks
  }
  const read = (buffer) => reader.read(new Uint8Array(buffer, 0, CHUNK_BYTES));
  let spare = new ArrayBuffer(CHUNK_BYTES);
  let next = read(new ArrayBuffer(CHUNK_BYTES));
  return {
    getReader: () => ({
      async read() {
        const result = await next;
        if (result.done) return result;
        const current = result.value;
        next = read(spare);
        // The caller is done with a piece when it asks for the one after it.
        spare = current.buffer;
        return result;
      },
    }),
  };
}

/** Zip entries are inflated by a second worker (web/inflate.js), so that decompressing runs
 *  beside the checks instead of before each piece; null where a worker cannot start one. */
const inflater = (() => {
  try {
    // A blob: bootstrap, like the page's for this worker: the policy is inherited.
    const url = new URL('./inflate.js', import.meta.url).href;
    const blob = new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' });
    const w = new Worker(URL.createObjectURL(blob), { type: 'module', name: 'rostercheck-inflate' });
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
        out.push({ name: e.name, size: e.size, zipEntry: e, open });
      }
    } else {
      out.push({ name: path || file.name, size: file.size, open: async () => chunksOf(file) });
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
  // A loose file's first read starts when it is opened: the next one is opened while this one
  // is checked, so small files do not each wait for the disk.
  const opened = new Map();
  const openLoose = (k) => {
    const next = planned[k] && entries[planned[k].index];
    if (next && !next.zipEntry && !opened.has(k)) opened.set(k, next.open());
  };
  for (const [k, f] of planned.entries()) {
    validator.beginFile(f.index);
    const entry = entries[f.index];
    openLoose(k);
    openLoose(k + 1);
    const refused = entry.zipEntry ? refusal(entry.zipEntry, inflated) : null;
    if (refused) {
      // Reported as a finding; the other files are still checked.
      validator.failFile(refused);
      flush(validator);
      continue;
    }
    inflated += entry.zipEntry ? entry.size : 0;
    validator.sizeHint(entry.size);
    let reader;
    let fileBytes = 0;
    let failure = null;
    try {
      reader = (await (opened.get(k) ?? entry.open())).getReader();
      opened.delete(k);
    } catch (e) {
      failure = e;
    }
    for (;;) {
      if (failure) break;
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        failure = e; // a damaged deflate stream, or more data than declared
        break;
      }
      const { done, value } = chunk;
      if (done) break;
      validator.feed(value);
      fileBytes += value.length;
      flush(validator);
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        postMessage({
          type: 'progress', name: f.name, fileBytes, fileSize: f.size,
          doneBytes: doneBytes + fileBytes, totalBytes, rows: validator.rows(),
          seconds: (now - started) / 1000,
        });
      }
    }
    if (failure) validator.failFile(failure instanceof ZipError ? failure.message : `the zip entry is damaged or cut short (${failure.message || failure})`);
    else validator.endFile();
    flush(validator);
    doneBytes += fileBytes;
    postMessage({ type: 'fileDone', name: f.name, bytes: fileBytes, doneBytes, totalBytes, rows: validator.rows() });
  }
  const report = validator.finish();
  const csv = validator.csv();
  flush(validator);
  validator.free();
  postMessage({ type: 'done', report, csv, seconds: (performance.now() - started) / 1000, totalBytes });
}

function flush(validator) {
  const batch = validator.takeBatch();
  if (batch !== '[]') postMessage({ type: 'diagnostics', batch });
}

// Loaded with the page, so that once it is open nothing more is fetched (it works offline).
const sampleModule = import('./sample.js');

async function sample() {
  const { files } = await sampleModule;
  return files.map(({ name, base64 }) => ({ file: new File([decodeBase64(base64)], name), path: name }));
}

onmessage = async ({ data }) => {
  try {
    if (data.type === 'validate') await validate(data.inputs, data.maxPerRule ?? 1000);
    else if (data.type === 'selftest-panic') { await ready; panicForTest(); }
    else if (data.type === 'sample') await validate(await sample(), 1000);
  } catch (e) {
    const message = e instanceof ZipError
      ? e.message
      : `The checker stopped unexpectedly (${e.message || e}). It has been restarted: choose your files again.`;
    postMessage({ type: 'error', message });
  }
};
