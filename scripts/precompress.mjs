// Writes FILE.br (brotli, quality 11) and FILE.gz (gzip, level 9) beside every text and wasm
// file under a built directory, for `dataset-proxy --static` (and Caddy's `file_server
// precompressed`, nginx's `brotli_static` / `gzip_static`) to send by Accept-Encoding with
// no work per request. A form that is not smaller than the file is not written (the server
// then sends the file itself). The output is the same for the same input (no time stamps),
// so a release stays reproducible.
//
//   node scripts/precompress.mjs DIR
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// What a page loads (not a package's README or types, which npm would then ship as well).
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg']);

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs DIR');
  process.exit(2);
}

let files = 0;
let before = 0;
let after = 0;
function walk(path) {
  for (const name of readdirSync(path).sort()) {
    const file = join(path, name);
    if (statSync(file).isDirectory()) {
      walk(file);
      continue;
    }
    // A form whose file is gone (an earlier build's) would be served for nothing.
    if (/\.(br|gz)$/.test(name)) {
      if (!existsSync(file.slice(0, -3))) rmSync(file);
      continue;
    }
    if (!COMPRESSIBLE.has(extname(name))) continue;
    const bytes = readFileSync(file);
    const forms = {
      br: brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          [constants.BROTLI_PARAM_MODE]: extname(name) === '.wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        },
      }),
      gz: gzipSync(bytes, { level: 9 }),
    };
    files += 1;
    before += bytes.length;
    for (const [suffix, encoded] of Object.entries(forms)) {
      const target = `${file}.${suffix}`;
      if (encoded.length < bytes.length) {
        writeFileSync(target, encoded);
        if (suffix === 'br') after += encoded.length;
      } else {
        // A stale form from an earlier build would be served in its place.
        rmSync(target, { force: true });
        if (suffix === 'br') after += bytes.length;
      }
    }
  }
}
walk(dir);
console.log(`precompressed ${files} files in ${dir}: ${before} bytes, ${after} as brotli`);
