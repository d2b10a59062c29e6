/**
 * Dependency hygiene that no type check sees: the AWS SDK clients share one version (one copy of the SDK
 * core in every Lambda bundle), so do the Powertools packages, and the Node.js version keyledger declares is
 * the one its Lambda functions run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const all = { ...manifest.dependencies, ...manifest.devDependencies };

function versionsOf(scope: string): Set<string> {
  return new Set(
    Object.entries(all)
      .filter(([name]) => name.startsWith(scope))
      .map(([, version]) => version),
  );
}

test('the AWS SDK clients share one version, and so do the Powertools packages', () => {
  assert.equal(versionsOf('@aws-sdk/').size, 1, [...versionsOf('@aws-sdk/')].join(', '));
  assert.equal(versionsOf('@aws-lambda-powertools/').size, 1, [...versionsOf('@aws-lambda-powertools/')].join(', '));
});

// test/cdk/keyledger-stack.int.test.ts checks that every function runs on nodejs22.x.
test('engines and @types/node name Node.js 22, the Lambda runtime', () => {
  assert.equal(manifest.engines.node, '>=22');
  assert.match(all['@types/node'] ?? '', /^22\./);
});
