// The part worker: checks the second part of a large file while the validation worker
// (web/worker.js) checks the first, so that both cores work on one file. It is given the
// validation worker's session as bytes (the engine's `forkBytes`), reads the file's header,
// checks the file from the cut on, and sends the result back as bytes for the validation
// worker to `absorb`. Anything that goes wrong here sends 'failed', and the validation worker
// checks that part itself.
import { Validator } from './rostercheck_wasm.js';
import { load, warmUp, eachChunk } from './engine.js';

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

onmessage = async ({ data }) => {
  if (data.type === 'selftest-stall') stalled = true;
  if (data.type !== 'part' || stalled) return;
  try {
    await ready;
    await checkPart(data);
  } catch {
    postMessage({ type: 'failed', id: data.id });
  }
};

/** Checks the part and sends it: the part, then its ids in pieces. */
async function checkPart({ id, fork, index, file, cut, maxPerRule }) {
  const validator = Validator.fromFork(new Uint8Array(fork), maxPerRule);
  if (!validator) throw new Error('not a forked session');
  try {
    validator.beginFile(index);
    validator.sizeHint(file.size - cut);
    const head = new Uint8Array(await file.slice(0, Math.min(HEAD_BYTES, cut)).arrayBuffer());
    if (validator.readHead(head) < 0) throw new Error('no line break in the head');
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
    // (The bytes between the head and the cut are not read: the validation worker shifts
    // this part's line numbers when it takes the part in.)
    validator.startPart();
    const rowsBefore = validator.rows();
    await eachChunk(file.slice(cut), (chunk) => {
      validator.feed(chunk);
      bytes += chunk.length;
      rows = validator.rows() - rowsBefore;
      progress();
    });
    const part = validator.takePart();
    if (!part.length) throw new Error('no part');
    const count = validator.partIdCount();
    postMessage({ type: 'part', id, part, ids: count }, [part.buffer]);
    for (let from = 0; from < count; from += IDS_PER_MESSAGE) {
      const chunk = validator.partIds(from, from + IDS_PER_MESSAGE);
      postMessage({ type: 'ids', id, chunk, count: Math.min(IDS_PER_MESSAGE, count - from) }, [chunk.buffer]);
    }
  } finally {
    validator.free();
  }
}
