#!/usr/bin/env node
// Keeps the docs true (scripts/test runs it; Node 20, no dependencies):
//  1. every relative link and #anchor in README.md and docs/*.md resolves: the file exists,
//     and an anchor into a Markdown file matches one of its headings' GitHub slugs;
//  2. every long flag `dataset-proxy serve --help` prints has a row in docs/proxy.md's flags
//     table (the one headed `| flag | environment | default | meaning |`), and every flag in
//     that table is one `--help` prints (`--help`, `-h` and `--version` excepted);
//  3. the README stays a front door: at most 300 lines, linking every manual in docs/.
// Usage: node scripts/check-docs.mjs [PATH/TO/dataset-proxy]
// (default: $DATASET_PROXY_BIN, else target/debug/dataset-proxy). Exits 1 with a list of
// problems, each naming the file and line.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);
const rel = (path) => {
  const r = relative(ROOT, path);
  return r === '' ? '.' : r.startsWith('..') ? path : r;
};

// --- Markdown reading -----------------------------------------------------------------

/** The text with fenced code blocks blanked (line count kept), so that neither their
 * `# comments` count as headings nor their contents as links. */
function withoutFences(text) {
  const lines = text.split('\n');
  let fence = null;
  return lines
    .map((line) => {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence === null) {
        if (open) {
          fence = open[1];
          return '';
        }
        return line;
      }
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length && line.trim() === open[1]) {
        fence = null;
      }
      return '';
    })
    .join('\n');
}

/** Inline code spans replaced by spaces of the same length (so offsets and lines stay). */
function withoutCodeSpans(text) {
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => span.replace(/[^\n]/g, ' '));
}

/** GitHub's heading slug (github-slugger): lower-case, drop everything but letters,
 * digits, marks, `_`, `-` and spaces, then each space becomes a hyphen. */
function slug(heading) {
  const text = heading
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

const anchorCache = new Map();
/** Every anchor a Markdown file offers: its headings' slugs (a repeated slug gets -1, -2,
 * …, as on GitHub) and the `id`/`name` attributes of its HTML. */
function anchorsOf(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const text = withoutFences(readFileSync(file, 'utf8'));
  const anchors = new Set();
  const seen = new Map();
  const add = (base) => {
    let candidate = base;
    let n = seen.get(base) ?? 0;
    while (anchors.has(candidate)) candidate = `${base}-${++n}`;
    seen.set(base, n);
    anchors.add(candidate);
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) return add(slug(atx[1]));
    // Setext headings: a line of text underlined with === or ---.
    if (i > 0 && /^ {0,3}(=+|-+)[ \t]*$/.test(line) && lines[i - 1].trim() !== '' &&
        !/^ {0,3}([-*+]|\d+[.)])[ \t]|^ {0,3}\|/.test(lines[i - 1]) && !/^ {0,3}#/.test(lines[i - 1])) {
      add(slug(lines[i - 1]));
    }
  });
  for (const m of text.matchAll(/<[a-z][^>]*\s(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(m[1]);
  anchorCache.set(file, anchors);
  return anchors;
}

/** Every link target in a Markdown file, with its line: inline links and images,
 * reference definitions, and HTML `href`/`src` attributes. */
function linksOf(file) {
  const text = withoutCodeSpans(withoutFences(readFileSync(file, 'utf8')));
  const lineAt = (index) => text.slice(0, index).split('\n').length;
  const links = [];
  // [text](target "title") and ![alt](target); the target may be in <…>.
  for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) {
    links.push({ target: m[1].replace(/^<|>$/g, ''), line: lineAt(m.index) });
  }
  // [label]: target
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:[ \t]*(<[^>]*>|\S+)/gm)) {
    links.push({ target: m[1].replace(/^<|>$/g, ''), line: lineAt(m.index) });
  }
  // <a href="…">, <img src="…">
  for (const m of text.matchAll(/<[a-z][^>]*?\s(?:href|src)\s*=\s*["']([^"']*)["']/gi)) {
    links.push({ target: m[1], line: lineAt(m.index) });
  }
  return links;
}

// --- 1. Links and anchors -------------------------------------------------------------

const docsDir = join(ROOT, 'docs');
const pages = [join(ROOT, 'README.md')];
if (existsSync(docsDir)) {
  for (const name of readdirSync(docsDir).sort()) if (name.endsWith('.md')) pages.push(join(docsDir, name));
}
let linkCount = 0;
for (const page of pages) {
  if (!existsSync(page)) {
    problem(rel(page), 'missing');
    continue;
  }
  for (const { target, line } of linksOf(page)) {
    const where = `${rel(page)}:${line}`;
    if (target === '') {
      problem(where, 'an empty link');
      continue;
    }
    // Absolute URLs (https:, mailto:, …) and protocol-relative ones are not checked.
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
    linkCount += 1;
    const hash = target.indexOf('#');
    const pathPart = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    let path;
    try {
      path = decodeURIComponent(pathPart.split('?')[0]);
    } catch {
      problem(where, `\`${target}\`: a malformed link`);
      continue;
    }
    const file = path === '' ? page : path.startsWith('/') ? join(ROOT, path) : resolve(dirname(page), path);
    if (!existsSync(file)) {
      problem(where, `\`${target}\`: ${rel(file)} does not exist`);
      continue;
    }
    if (anchor === null) continue;
    if (statSync(file).isDirectory() || !/\.(md|markdown)$/i.test(file)) {
      problem(where, `\`${target}\`: an anchor into ${rel(file)}, which is not a Markdown file`);
      continue;
    }
    if (anchor === '') {
      problem(where, `\`${target}\`: an empty anchor`);
      continue;
    }
    if (!anchorsOf(file).has(anchor)) {
      problem(where, `\`${target}\`: ${rel(file)} has no heading whose slug is \`${anchor}\``);
    }
  }
}

// --- 2. serve's flags -----------------------------------------------------------------

const EXCEPTED = new Set(['--help', '--version']);
const bin = resolve(process.argv[2] ?? process.env.DATASET_PROXY_BIN ?? join(ROOT, 'target/debug/dataset-proxy'));
const proxyDoc = join(docsDir, 'proxy.md');
let helpFlags = null;
try {
  const help = execFileSync(bin, ['serve', '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  helpFlags = new Set();
  // clap prints each option on its own line: `  -h, --help` or `      --listen <LISTEN>`.
  for (const m of help.matchAll(/^\s+(?:-[A-Za-z0-9],\s+)?(--[a-z0-9][a-z0-9-]*)/gm)) {
    if (!EXCEPTED.has(m[1])) helpFlags.add(m[1]);
  }
  if (helpFlags.size === 0) problem(rel(bin), '`serve --help` printed no long flags');
} catch (error) {
  problem(rel(bin), `could not run \`serve --help\` (${error.code ?? error.message}); pass the binary's path or set DATASET_PROXY_BIN`);
}

let tableFlags = null;
if (existsSync(proxyDoc)) {
  const lines = withoutFences(readFileSync(proxyDoc, 'utf8')).split('\n');
  const header = lines.findIndex((l) => /^\|\s*flag\s*\|\s*environment\s*\|\s*default\s*\|\s*meaning\s*\|\s*$/i.test(l));
  if (header === -1) {
    problem(rel(proxyDoc), 'no serve flags table (a table headed `| flag | environment | default | meaning |`)');
  } else {
    tableFlags = new Map();
    for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++) {
      const first = lines[i].split('|')[1] ?? '';
      const flags = [...first.matchAll(/--[a-z0-9][a-z0-9-]*/g)].map((m) => m[0]);
      if (flags.length === 0) problem(`${rel(proxyDoc)}:${i + 1}`, 'a row of the serve flags table names no flag');
      for (const flag of flags) {
        if (tableFlags.has(flag)) problem(`${rel(proxyDoc)}:${i + 1}`, `\`${flag}\` has two rows in the serve flags table`);
        tableFlags.set(flag, i + 1);
      }
    }
  }
} else {
  problem(rel(proxyDoc), 'missing');
}

if (helpFlags && tableFlags) {
  for (const flag of helpFlags) {
    if (!tableFlags.has(flag)) problem(rel(proxyDoc), `\`${flag}\` is in \`dataset-proxy serve --help\` but not in the serve flags table`);
  }
  for (const [flag, line] of tableFlags) {
    if (EXCEPTED.has(flag)) continue;
    if (!helpFlags.has(flag)) problem(`${rel(proxyDoc)}:${line}`, `\`${flag}\` is in the serve flags table but not in \`dataset-proxy serve --help\``);
  }
}

// --- The front door ---------------------------------------------------------------------

const MAX_README_LINES = 300;
{
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
  if (lines > MAX_README_LINES) problem('README.md', `${lines} lines: the manuals belong in docs/ (at most ${MAX_README_LINES})`);
  for (const manual of readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'))) {
    if (!readme.includes(`](docs/${manual}`)) problem('README.md', `no link to docs/${manual}`);
  }
}

// --- Verdict --------------------------------------------------------------------------

if (problems.length > 0) {
  console.error(`check-docs: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(
  `check-docs: ${linkCount} relative links and anchors in ${pages.map(rel).join(', ')} resolve; ` +
    `the ${helpFlags.size} flags of \`dataset-proxy serve --help\` and docs/proxy.md's flags table agree`,
);
