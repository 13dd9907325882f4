// Reads the entries of a .zip File without loading it: the central directory by random access
// (File.slice), each entry as a stream (deflate through the browser's DecompressionStream).
// Supports zip64. No third-party code.
import { streamOf } from './read.js';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipError extends Error {}

/** Limits, as in the CLI: a OneRoster export has at most 22 files and compresses 5–15 times. */
export const LIMITS = {
  entries: 10000,
  entryBytes: 8 * 2 ** 30,
  totalBytes: 32 * 2 ** 30,
  ratio: 1000,
  ratioFloor: 64 * 2 ** 20,
};

async function bytes(file, start, end) {
  return new DataView(await file.slice(start, end).arrayBuffer());
}

function u64(view, at) {
  return Number(view.getBigUint64(at, true));
}

/** Lists the entries of `file`: [{name, size, compressedSize, method, encrypted, offset}]. */
export async function listEntries(file) {
  const tailLength = Math.min(file.size, 22 + 65535);
  const tail = await bytes(file, file.size - tailLength, file.size);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) { at = i; break; }
  }
  if (at < 0) throw new ZipError(`${file.name} is not a readable zip archive (it may be damaged or only partly downloaded)`);
  let count = tail.getUint16(at + 10, true);
  let cdSize = tail.getUint32(at + 12, true);
  let cdOffset = tail.getUint32(at + 16, true);
  if (cdOffset === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) {
    const locatorAt = at - 20;
    if (locatorAt < 0 || tail.getUint32(locatorAt, true) !== ZIP64_LOCATOR) {
      throw new ZipError(`${file.name}: the zip64 directory is missing`);
    }
    const recordOffset = u64(tail, locatorAt + 8);
    const record = await bytes(file, recordOffset, recordOffset + 56);
    if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipError(`${file.name}: the zip64 directory is damaged`);
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (cdOffset + cdSize > file.size) throw new ZipError(`${file.name} is truncated: its directory points past the end of the file`);
  if (count > LIMITS.entries) throw new ZipError(`${file.name} holds ${count} entries; a OneRoster export holds at most 22 files`);
  const cd = await bytes(file, cdOffset, cdOffset + cdSize);
  const entries = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.byteLength || cd.getUint32(p, true) !== CENTRAL) {
      throw new ZipError(`${file.name}: the zip directory is damaged`);
    }
    const flags = cd.getUint16(p + 8, true);
    const method = cd.getUint16(p + 10, true);
    let compressedSize = cd.getUint32(p + 20, true);
    let size = cd.getUint32(p + 24, true);
    const nameLength = cd.getUint16(p + 28, true);
    const extraLength = cd.getUint16(p + 30, true);
    const commentLength = cd.getUint16(p + 32, true);
    let offset = cd.getUint32(p + 42, true);
    const nameBytes = new Uint8Array(cd.buffer, cd.byteOffset + p + 46, nameLength);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    // zip64 extra field: the sizes and offset that did not fit, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.getUint16(e, true);
      const len = cd.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) { size = u64(cd, q); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = u64(cd, q); q += 8; }
        if (offset === 0xffffffff) { offset = u64(cd, q); q += 8; }
      }
      e += 4 + len;
    }
    entries.push({ name, size, compressedSize, method, encrypted: (flags & 1) === 1, offset });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** Why an entry must not be read (encrypted, unknown method, a zip bomb), or null. */
export function refusal(entry, totalSoFar) {
  if (entry.encrypted) return 'it is encrypted (password-protected)';
  if (entry.method !== 0 && entry.method !== 8) return `it uses a compression method (${entry.method}) this page cannot read`;
  if (entry.size > LIMITS.entryBytes || totalSoFar + entry.size > LIMITS.totalBytes) {
    return `it would expand to ${entry.size} bytes, more than any roster file (a zip bomb?)`;
  }
  const ratio = Math.floor(entry.size / Math.max(entry.compressedSize, 1));
  if (entry.size > LIMITS.ratioFloor && ratio > LIMITS.ratio) return `it would expand ${ratio}-fold, to ${entry.size} bytes: this looks like a zip bomb`;
  return null;
}

/** Passes bytes through, failing once more than `limit` have come: the directory lied. */
function capped(limit) {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.length;
      if (seen > limit) controller.error(new ZipError('it holds more data than its size in the zip directory says'));
      else controller.enqueue(chunk);
    },
  });
}

/** A ReadableStream of the entry's uncompressed bytes. */
export async function openEntry(file, entry) {
  if (entry.encrypted) throw new ZipError(`${entry.name} is encrypted (password-protected) and cannot be read; zip the files without a password`);
  const local = await bytes(file, entry.offset, entry.offset + 30);
  if (local.getUint32(0, true) !== LOCAL) throw new ZipError(`${entry.name}: the zip entry is damaged`);
  const start = entry.offset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  if (start + entry.compressedSize > file.size) throw new ZipError(`${entry.name} is cut short: the zip is truncated`);
  const raw = streamOf(file.slice(start, start + entry.compressedSize));
  if (entry.method === 0) return raw;
  if (entry.method === 8) return raw.pipeThrough(new DecompressionStream('deflate-raw')).pipeThrough(capped(entry.size));
  throw new ZipError(`${entry.name} uses a compression method (${entry.method}) this page cannot read; re-create the zip with standard (deflate) compression`);
}
