// The part worker: checks the second part of a large file while the validation worker
// (web/worker.js) checks the first, so that both cores work on one file. It is given the
// validation worker's session as bytes (the engine's `forkBytes`), reads the file's header,
// counts the lines up to the cut so that its line numbers are right, checks the rest, and
// sends the result back as bytes for the validation worker to `absorb`. Anything that goes
// wrong here sends 'failed', and the validation worker checks that part itself.
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

onmessage = async ({ data }) => {
  if (data.type !== 'part') return;
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
    const used = validator.readHead(head);
    if (used < 0) throw new Error('no line break in the head');
    validator.countLines(head.subarray(used));
    await eachChunk(file.slice(head.length, cut), (chunk) => validator.countLines(chunk));
    validator.startPart();
    const rowsBefore = validator.rows();
    let bytes = 0;
    let last = 0;
    await eachChunk(file.slice(cut), (chunk) => {
      validator.feed(chunk);
      bytes += chunk.length;
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        postMessage({ type: 'progress', id, bytes, rows: validator.rows() - rowsBefore });
      }
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
