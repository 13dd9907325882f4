// The part worker: checks the second part of a large file while the validation worker
// (web/worker.js) checks the first, so that both cores work on one file. It is given the
// validation worker's session as bytes (the engine's `forkBytes`), reads the file's header,
// checks the file from the cut on, and sends the result back as bytes for the validation
// worker to `absorb`. A part may be asked for before the validation worker reaches its file,
// to be checked after the parts asked before it (see AHEAD_FROM and nextPartEarly in
// worker.js). Anything that goes wrong here sends 'failed', and the validation worker checks
// that part itself.
import { Validator } from './rostercheck_wasm.js';
import { load, warmUp, eachChunk, cutIn, CHUNK_BYTES } from './engine.js';
import { openEntry } from './zip.js';

/** The file's first bytes, read for its header. */
const HEAD_BYTES = 64 << 10;
/** Ids sent per message (15 bytes each): half a city's enrollments are 4.5 million, which
 *  neither worker should hold twice. */
const IDS_PER_MESSAGE = 1 << 19;
const PROGRESS_EVERY_MS = 100;

const ready = load().then(() => {
  postMessage({ type: 'ready' });
  return warmUp();
});
// (A worker that cannot load the engine says so, so that no file waits for it.)
ready.catch(() => postMessage({ type: 'unavailable' }));

/** Set by a self-test: parts are taken and never answered, as if this worker had hung. */
let stalled = false;

/** A part this worker does not take (no line break in the head or past the cut, a zip entry
 *  cut short): the validation worker checks it itself, and this worker stays as it is. */
class Declined extends Error {}

/** Parts are checked one after the other, in the order asked (the validation worker takes
 *  them in in that order): each waits for the one before. */
let queue = Promise.resolve();
/** The fork of the last part asked, when it also serves the next (`forkBytesAhead`). */
let kept = null;
/** Cuts of parts asked `later`, by part id: the validation worker sends each once this
 *  worker's part before it is done (see aheadCut in worker.js). */
const cuts = new Map();
const cutOf = (id) => {
  if (!cuts.has(id)) {
    let resolve;
    const decided = new Promise((ok) => { resolve = ok; });
    cuts.set(id, { decided, resolve });
  }
  return cuts.get(id);
};

onmessage = ({ data }) => {
  if (data.type === 'selftest-stall') stalled = true;
  if (data.type === 'cut') cutOf(data.id).resolve(data.from);
  if (data.type !== 'part' || stalled) return;
  // Where a loose file's part starts, and its first bytes, are read now, while the parts
  // before it are checked.
  let opening = data.zipEntry || data.later ? null : partStart(data.file, data.from);
  // A part without a fork uses the one kept from the part before it.
  if (data.fork) kept = data.keep ? data.fork : null;
  else [data.fork, kept] = [kept, null];
  queue = queue.then(async () => {
    try {
      await ready;
      if (data.later) {
        data.from = await cutOf(data.id).decided;
        cuts.delete(data.id);
        if (data.from === null) throw new Declined('checked whole by the validation worker');
        opening = partStart(data.file, data.from);
      }
      await checkPart(data, opening);
    } catch (e) {
      postMessage({ type: e instanceof Declined ? 'declined' : 'failed', id: data.id });
    }
  });
};

/** Where a loose file's part starts, the cut (`cutIn`: as the validation worker finds it in
 *  its own reading), with the part's first piece, from one read started at once: the file
 *  from `from` on (from its start when `from` is within its head, which then holds the head
 *  too; otherwise the head is read apart). Null when there is no cut. (Failures surface where
 *  they are awaited. Each slice of a file costs a round trip to the browser.) */
function partStart(file, from) {
  const settled = (promise) => {
    promise.catch(() => {});
    return promise;
  };
  const base = from < HEAD_BYTES ? 0 : from;
  const head = base ? settled(file.slice(0, HEAD_BYTES).arrayBuffer()) : null;
  return settled(file.slice(base, from + CHUNK_BYTES).arrayBuffer().then((buffer) => {
    const bytes = new Uint8Array(buffer);
    const cut = cutIn(bytes, base, from, file.size);
    return cut === null ? null : {
      cut,
      head: head ?? bytes.subarray(0, Math.min(HEAD_BYTES, cut)),
      first: bytes.subarray(cut - base),
      rest: base + bytes.length,
    };
  }));
}

/** Checks the part and sends it: the part, then its ids in pieces. `opening` is a loose
 *  file's `partStart`: the session is made from the fork while it is read. */
async function checkPart({ id, fork, index, file, zipEntry, from, maxPerRule }, opening) {
  const validator = Validator.fromFork(new Uint8Array(fork), maxPerRule);
  if (!validator) throw new Error('not a forked session');
  let cut;
  try {
    validator.beginFile(index);
    // Progress tells the validation worker this one is alive (it gives up on a silent one).
    let bytes = 0;
    let rows = 0;
    let last = 0;
    const progress = () => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      postMessage({ type: 'progress', id, bytes, rows });
    };
    let rowsBefore = 0;
    let started = 0;
    const start = () => {
      started = performance.now();
      // (The bytes between the head and the cut are not checked: the validation worker
      // shifts this part's line numbers when it takes the part in.)
      validator.startPart();
      rowsBefore = validator.rows();
    };
    const check = (chunk) => {
      validator.feed(chunk);
      // A part that can no longer be taken in (say, hundreds of thousands of distinct broken
      // references, more than the findings keep) is not checked further, nor sent: the
      // validation worker checks the rest itself, as after any refusal.
      if (validator.partRefused()) throw new Declined('the part cannot be taken in');
      bytes += chunk.length;
      rows = validator.rows() - rowsBefore;
      progress();
    };
    if (zipEntry) {
      validator.sizeHint(zipEntry.size - from);
      cut = await checkInflated(validator, file, zipEntry, from, { start, check, progress });
    } else {
      const reads = await opening;
      if (!reads) throw new Declined('no line break after the cut');
      cut = reads.cut;
      validator.sizeHint(file.size - cut);
      const head = new Uint8Array(await reads.head);
      if (validator.readHead(head) < 0) throw new Declined('no line break in the head');
      start();
      check(reads.first);
      if (reads.rest < file.size) await eachChunk(file, check, reads.rest);
    }
    // (How fast this worker checked it: the validation worker balances the next cut by it.)
    const ms = performance.now() - started;
    const part = validator.takePart();
    if (!part.length) throw new Error('no part');
    const count = validator.partIdCount();
    postMessage({ type: 'part', id, part, ids: count, cut, bytes, ms }, [part.buffer]);
    for (let from = 0; from < count; from += IDS_PER_MESSAGE) {
      const chunk = validator.partIds(from, from + IDS_PER_MESSAGE);
      postMessage({ type: 'ids', id, chunk, count: Math.min(IDS_PER_MESSAGE, count - from) }, [chunk.buffer]);
    }
  } finally {
    validator.free();
  }
}

/** A zip entry's second part: the entry is inflated from its start (a deflate stream cannot be
 *  entered in the middle); its head is read for the header, the bytes up to the first line
 *  break at or after `from` are skipped, and the rest is checked. Returns where the part
 *  started (the validation worker finds the same byte, or does not take the part in). */
async function checkInflated(validator, file, zipEntry, from, { start, check, progress }) {
  const reader = (await openEntry(file, zipEntry)).getReader();
  const headBytes = Math.min(HEAD_BYTES, from);
  const head = new Uint8Array(headBytes);
  let offset = 0; // bytes of the entry read so far
  let cut = null;
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        // A damaged entry: the validation worker reports it where it reads it.
        throw new Declined(e.message);
      }
      const { done, value } = chunk;
      if (done) break;
      if (cut !== null) {
        check(value);
      } else {
        if (offset < headBytes) {
          const piece = value.subarray(0, headBytes - offset);
          head.set(piece, offset);
          if (offset + piece.length === headBytes && validator.readHead(head) < 0) {
            throw new Declined('no line break in the head');
          }
        }
        const at = value.indexOf(10, Math.max(0, from - offset));
        if (at >= 0) {
          cut = offset + at + 1;
          start();
          if (at + 1 < value.length) check(value.subarray(at + 1));
        } else {
          progress();
        }
      }
      offset += value.length;
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
  if (cut === null || cut >= zipEntry.size) throw new Declined('no line break past the middle');
  return cut;
}
