/** The check that keeps every reference inside the repository (scripts/check-doc-references.mjs). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findBrokenReferences } from '../../scripts/check-doc-references.mjs';

const repository = new Set(['README.md', 'docs', 'docs/architecture.md', 'docs/decisions', 'src', 'src/a.ts']);
const exists = (path: string) => repository.has(path);
const check = (files: Record<string, string>) => findBrokenReferences(new Map(Object.entries(files)), exists);

test('flags a document named by its bare file name that is not in the repository, wherever it appears', () => {
  assert.deepEqual(
    check({
      'src/a.ts': '/** see PLAN.md decision 4 */\nconst x = 1;\n// NOTES.md "The local server"',
      'README.md': 'As RULES.md says; README.md and docs/architecture.md are here.',
    }),
    [
      'src/a.ts:1: names PLAN.md, which is not in the repository (point to docs/ instead)',
      'src/a.ts:3: names NOTES.md, which is not in the repository (point to docs/ instead)',
      'README.md:1: names RULES.md, which is not in the repository (point to docs/ instead)',
    ],
  );
  assert.deepEqual(check({ 'src/a.ts': '// PLAN.mdx, plan.md and other/PLAN.md are not bare document names' }), []);
});

test('flags a ../shared folder outside the checkout, not a shared module inside it', () => {
  assert.deepEqual(check({ 'README.md': 'Read ../shared/ first.' }), [
    'README.md:1: points outside the repository: ../shared',
  ]);
  assert.deepEqual(check({ 'src/a.ts': "import { x } from '../shared/x.ts';" }), []);
  assert.deepEqual(check({ 'src/deep/b.ts': "import { y } from '../shared/y';" }), []);
});

test('checks relative Markdown links, not URLs or anchors', () => {
  assert.deepEqual(
    check({
      'docs/architecture.md': [
        '[decisions](decisions/) and [readme](../README.md#tests) and [web](https://example.com/x.md)',
        '[gone](decisions/0099-gone.md) [up](../../outside.md) [here](#layers)',
        '[ref]: ./missing.md',
      ].join('\n'),
    }),
    [
      'docs/architecture.md:2: links to decisions/0099-gone.md, which is not in the repository',
      'docs/architecture.md:2: links outside the repository: ../../outside.md',
      'docs/architecture.md:3: links to ./missing.md, which is not in the repository',
    ],
  );
});

test('checks paths under docs/ named in code', () => {
  assert.deepEqual(check({ 'src/a.ts': '// docs/architecture.md, "Layers"; docs/decisions/0042-nope.md.' }), [
    'src/a.ts:1: names docs/decisions/0042-nope.md, which is not in the repository',
  ]);
});
