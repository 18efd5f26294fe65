// Merges the main module's data segments after wasm-split-cli (scripts/build-demo).
//
//   node scripts/merge-data-segments.mjs IN.wasm OUT.wasm
//
// The split build links with --no-merge-data-segments, so that wasm-split-cli can move each
// chunk's read-only data out with its code. That leaves the main module with hundreds of
// small active segments (887 in the first split build against 31 unsplit), each with its own
// header, and wasm-opt does not merge segments. This script does: active segments of memory
// 0 at constant offsets whose gap is under GAP bytes become one, the gap filled with zeros.
// That is safe because the main module is instantiated first: its segments are written once,
// before any code runs, into memory that is still zero; a chunk writes its own data into the
// gaps later, when it is instantiated. wasm-opt, run after this, drops long runs of zeros
// again where a header costs less (its memory packing).
//
// Leaves the module as it is (and says so) if its memory is imported, or it has a passive
// segment, an offset that is not an i32.const, overlapping segments or a data count section
// that does not match: nothing here then is understood. Fails on a file that is not wasm.
import { readFileSync, writeFileSync } from 'node:fs';

const GAP = 64;
const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/merge-data-segments.mjs IN.wasm OUT.wasm');
  process.exit(2);
}
const bytes = readFileSync(input);

function readU32(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

function readS32(buf, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) value |= -1 << shift;
  return [value, at];
}

function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

function s32(value) {
  const out = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) {
      out.push(byte);
      return Buffer.from(out);
    }
    out.push(byte | 0x80);
  }
}

if (bytes.readUInt32BE(0) !== 0x0061736d || bytes.readUInt32LE(4) !== 1) {
  console.error(`merge-data-segments: ${input} is not a wasm module (version 1)`);
  process.exit(1);
}

// The sections, as [id, payload].
const sections = [];
for (let at = 8; at < bytes.length;) {
  const id = bytes[at];
  const [size, start] = readU32(bytes, at + 1);
  sections.push([id, bytes.subarray(start, start + size)]);
  at = start + size;
}

const unchanged = (why) => {
  console.error(`merge-data-segments: ${why}; the module is left as it is`);
  writeFileSync(output, bytes);
  process.exit(0);
};

// Zero-filling is safe only in a memory that this module defines (and so is zero before
// its segments are written); an imported memory may already hold another module's data.
const imports = sections.find(([id]) => id === 2);
if (imports) {
  const payload = imports[1];
  let [count, at] = readU32(payload, 0);
  const skipName = () => {
    const [length, start] = readU32(payload, at);
    at = start + length;
  };
  const skipLimits = () => {
    const flags = payload[at++];
    at = readU32(payload, at)[1];
    if (flags & 1) at = readU32(payload, at)[1];
  };
  while (count--) {
    skipName();
    skipName();
    const kind = payload[at++];
    if (kind === 0x02) unchanged('an imported memory');
    if (kind === 0x00) at = readU32(payload, at)[1];
    else if (kind === 0x01) {
      at += 1;
      skipLimits();
    } else if (kind === 0x03) at += 2;
    else if (kind === 0x04) at = readU32(payload, at + 1)[1];
    else unchanged(`an import of unknown kind ${kind}`);
  }
}

const data = sections.find(([id]) => id === 11);
if (!data) unchanged('no data section');
const segments = [];
{
  const payload = data[1];
  let [count, at] = readU32(payload, 0);
  while (count--) {
    const [flags, next] = readU32(payload, at);
    if (flags !== 0) unchanged(`a segment with flags ${flags}`);
    if (payload[next] !== 0x41) unchanged('an offset that is not an i32.const');
    const [offset, afterConst] = readS32(payload, next + 1);
    if (payload[afterConst] !== 0x0b) unchanged('an offset expression longer than one i32.const');
    const [length, start] = readU32(payload, afterConst + 1);
    segments.push({ offset: offset >>> 0, bytes: payload.subarray(start, start + length) });
    at = start + length;
  }
}
const dataCount = sections.find(([id]) => id === 12);
if (dataCount && readU32(dataCount[1], 0)[0] !== segments.length) unchanged('a data count that does not match');

segments.sort((a, b) => a.offset - b.offset);
const merged = [];
for (const segment of segments) {
  const last = merged.at(-1);
  const end = last ? last.offset + last.length : 0;
  if (last && segment.offset < end) unchanged('overlapping segments');
  if (last && segment.offset - end < GAP) {
    last.parts.push(Buffer.alloc(segment.offset - end), segment.bytes);
    last.length = segment.offset + segment.bytes.length - last.offset;
  } else {
    merged.push({ offset: segment.offset, length: segment.bytes.length, parts: [segment.bytes] });
  }
}

const payload = [u32(merged.length)];
for (const m of merged) {
  payload.push(Buffer.from([0, 0x41]), s32(m.offset | 0), Buffer.from([0x0b]), u32(m.length), ...m.parts);
}
const out = [bytes.subarray(0, 8)];
for (const [id, body] of sections) {
  const replaced = id === 11 ? Buffer.concat(payload) : id === 12 ? u32(merged.length) : body;
  out.push(Buffer.from([id]), u32(replaced.length), replaced);
}
writeFileSync(output, Buffer.concat(out));
console.error(`merge-data-segments: ${segments.length} data segments → ${merged.length}`);
