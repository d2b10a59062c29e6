// Fails when a tracked file points to a document that is not in the repository, so a clone can follow every
// reference it finds (`npm test` runs it; `node scripts/check-doc-references.mjs` alone takes a second):
// - a document named by its bare upper-case file name (`NOTES.md`) that is not in the repository, beside the
//   file that names it or at the top, or a `../shared` folder beside the checkout;
// - a relative link in Markdown, `[text](path)` or `[text]: path`, to a file or folder that does not exist;
// - a path under docs/ named anywhere (comments point there) that does not exist.
// "Exists" means tracked by git (git add a new document before running it).
// Plain JavaScript, so it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const BARE_DOCUMENT = /(?<![\w./-])([A-Z][A-Z0-9_-]*\.md)\b/g;
const SHARED_FOLDER = /(?:\.\.\/)+shared\b(?!\/[\w.-]+\.(?:ts|js|mjs)\b)/g;
const MARKDOWN_LINK = /\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|^\s*\[[^\]\n]+\]:\s*<?(\S+?)>?\s*$/gm;
const DOCS_PATH = /(?<![\w./-])docs\/[\w./-]*[\w/]/g;

/**
 * The broken references in `files` (repository-relative path -> text). `exists(path)` says whether a
 * repository-relative path is a file or folder of the repository. Returns one line per finding.
 */
export function findBrokenReferences(files, exists) {
  const findings = [];
  for (const [path, text] of files) {
    const report = (index, what) => {
      const line = text.slice(0, index).split('\n').length;
      findings.push(`${path}:${line}: ${what}`);
    };
    for (const match of text.matchAll(BARE_DOCUMENT)) {
      const name = match[1] ?? '';
      if (!exists(name) && !exists(normalize(join(dirname(path), name))))
        report(match.index, `names ${name}, which is not in the repository (point to docs/ instead)`);
    }
    for (const match of text.matchAll(SHARED_FOLDER)) {
      const target = normalize(join(dirname(path), match[0]));
      if (target.startsWith('..')) report(match.index, `points outside the repository: ${match[0]}`);
    }
    if (path.endsWith('.md')) {
      for (const match of text.matchAll(MARKDOWN_LINK)) {
        const link = match[1] ?? match[2] ?? '';
        if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(link)) continue; // URL, anchor, absolute path
        const target = normalize(join(dirname(path), decodeURI(link.split('#')[0] ?? ''))).replace(/\/$/, '');
        if (target.startsWith('..')) report(match.index, `links outside the repository: ${link}`);
        else if (!exists(target)) report(match.index, `links to ${link}, which is not in the repository`);
      }
    }
    for (const match of text.matchAll(DOCS_PATH)) {
      const target = normalize(match[0].replace(/[.]+$/, ''));
      if (!exists(target) && !exists(normalize(join(dirname(path), target))))
        report(match.index, `names ${target}, which is not in the repository`);
    }
  }
  return findings;
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const self = relative(root, fileURLToPath(import.meta.url))
    .split(sep)
    .join('/');
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  const paths = new Set(tracked);
  const folders = new Set(
    tracked.flatMap((p) =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  const exists = (p) => p === '.' || paths.has(p) || folders.has(p.replace(/\/$/, ''));
  const files = new Map();
  for (const path of tracked) {
    if (path === self || path === 'package-lock.json' || path === 'test/scripts/check-doc-references.unit.test.ts')
      continue;
    const buffer = readFileSync(join(root, path));
    if (buffer.includes(0)) continue; // binary
    files.set(path, buffer.toString('utf8'));
  }
  const findings = findBrokenReferences(files, exists);
  for (const finding of findings) console.error(finding);
  if (findings.length > 0) {
    console.error(`${findings.length} reference(s) to documents that are not in the repository`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) main();
