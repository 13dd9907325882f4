// What the two checking workers share: loading the wasm engine, warming it up, and reading a
// file in pieces (the validation worker, web/worker.js, and the part worker, web/part.js).
import init, { Validator } from './rostercheck_wasm.js';
import wasmText from './rostercheck_wasm_bytes.js';

// Reading files in pieces lives in read.js (the inflating worker needs it without the engine).
export { CHUNK_BYTES, chunksOf, cutIn, eachChunk } from './read.js';

/** The bytes of a string of one character per byte. */
export function bytesOf(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export const decodeBase64 = (text) => bytesOf(atob(text));

/** The wasm is embedded in a script (one character per byte: scripts/build.mjs), so loading
 *  it needs no connection at all. */
export const load = () => init({ module_or_path: bytesOf(wasmText) });

// Loaded with the page, so that once it is open nothing more is fetched (it works offline).
export const sampleModule = import('./sample.js');

/** Rounds of the warm-up below. The browser optimises a function once it has run enough
 *  (V8 counts the code it has run), and a function already running keeps its first code until
 *  it returns: a function called once per row (a user's grade, the overview's school) was
 *  still unoptimised after three rounds of the sample, as were those that take a part in or
 *  sort a file's ids, called once a file. After ten, a 10 MB package's first check compiled 3
 *  functions instead of 8 (the browser's compiling threads used 20 ms of CPU instead of 34),
 *  and took 0.95 of the time (19 of 24 tight pairs faster; the district 0.97, the city 0.98).
 *  In a fresh Chromium the rehearsal (below) then ends 0.3–0.9 s after the page is ready
 *  instead of 0.15–0.45 s. */
const WARM_UP_ROUNDS = 10;

/** Checks the built-in sample district, silently, while the page waits for files: the
 *  browser compiles WebAssembly quickly first and optimises the functions that run hot, so the
 *  user's first package runs at full speed (measured: about twice as fast for a 10 MB one).
 *  From the third round on, its largest file is checked in two parts, as the two workers do
 *  with a large file, so that forking, checking a part and taking it in are optimised too:
 *  cold, the first split of a district cost 20–30 ms more in each worker. Returns the files
 *  the last round checked in two parts and took in (1 when all went well: for a test). */
export async function warmUp() {
  let parts = 0;
  try {
    const { files } = await sampleModule;
    const bytes = files.map((f) => decodeBase64(f.base64));
    const largest = bytes.reduce((at, b, i) => (b.length > bytes[at].length ? i : at), 0);
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      const validator = new Validator(files.map((f) => f.name), 1);
      for (const i of validator.plan()) {
        if (round >= 2 && i === largest && checkedInParts(validator, i, bytes[i])) continue;
        validator.beginFile(i);
        validator.feed(bytes[i]);
        validator.endFile();
      }
      validator.finish();
      validator.takeBatch();
      parts = validator.partsAbsorbed();
      validator.free();
    }
  } catch {
    // Only a head start: a failure here changes nothing for the user's files.
  }
  return parts;
}

/** Checks the file `index` in two parts within this worker, the way worker.js and part.js
 *  share one; false when it cannot be split (then nothing was fed). */
function checkedInParts(validator, index, file) {
  const cut = file.indexOf(10, file.length >> 1) + 1;
  const fork = cut > 0 && cut < file.length && validator.splits(index) ? validator.forkBytes(index) : null;
  const other = fork && Validator.fromFork(fork, 1);
  if (!other) return false;
  let part;
  let ids;
  try {
    other.beginFile(index);
    other.readHead(file.subarray(0, cut));
    other.startPart();
    other.feed(file.subarray(cut));
    part = other.takePart();
    ids = other.partIds(0, other.partIdCount());
  } finally {
    other.free();
  }
  validator.beginFile(index);
  validator.feed(file.subarray(0, cut));
  validator.endFirstPart();
  const taken = validator.receivePart(part) && validator.receivePartIds(ids) && validator.absorb();
  if (!taken) {
    validator.dropPart();
    validator.feed(file.subarray(cut));
  }
  validator.endFile();
  return true;
}
