// The part worker: checks the second part of a large file while the validation worker
// (web/worker.js) checks the first, so that both cores work on one file. It is given the
// validation worker's session as bytes (the engine's `forkBytes`), reads the file's header,
// counts the lines up to the cut so that its line numbers are right, checks the rest, and
// sends the result back as bytes for the validation worker to `absorb`. Anything that goes
// wrong here sends back nothing, and the validation worker checks that part itself.
import { Validator } from './rostercheck_wasm.js';
import { load, warmUp, eachChunk } from './engine.js';

/** The file's first bytes, read for its header. */
const HEAD_BYTES = 64 << 10;
const PROGRESS_EVERY_MS = 100;

const ready = load().then(() => {
  postMessage({ type: 'ready' });
  return warmUp();
});

onmessage = async ({ data }) => {
  if (data.type !== 'part') return;
  let part = null;
  try {
    await ready;
    part = await checkPart(data);
  } catch {
    part = null;
  }
  postMessage({ type: 'part', id: data.id, part }, part ? [part.buffer] : []);
};

async function checkPart({ id, fork, index, file, cut, maxPerRule }) {
  const validator = Validator.fromFork(new Uint8Array(fork), maxPerRule);
  if (!validator) return null;
  try {
    validator.beginFile(index);
    validator.sizeHint(file.size - cut);
    const head = new Uint8Array(await file.slice(0, Math.min(HEAD_BYTES, cut)).arrayBuffer());
    const used = validator.readHead(head);
    if (used < 0) return null;
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
    return part.length ? part : null;
  } finally {
    validator.free();
  }
}
