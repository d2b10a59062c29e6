import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupFileStatus, renderGroupModule } from '../../cdk/api-groups.ts';
import type { OperationDefinition } from '../../functions/api/operations.ts';

void describe('API group entries', () => {
  void it('exist for every route group and match operations.ts (run `npx tsx cdk/api-groups.ts` when not)', () => {
    for (const status of groupFileStatus()) {
      assert.notEqual(status.state, 'missing', `${status.path} is missing`);
      assert.notEqual(status.state, 'stale', `${status.path} is stale: run npx tsx cdk/api-groups.ts`);
    }
  });

  void it('import only the handler modules that exist', () => {
    const routes: OperationDefinition[] = [
      { name: 'a', method: 'GET', path: '/a', access: 'public', handler: 'get-a', group: 'keys' },
      { name: 'b', method: 'GET', path: '/b', access: 'public', handler: 'get-b', group: 'keys' },
    ];
    const source = renderGroupModule('keys', routes, (handler) => handler === 'get-a');
    assert.match(source, /import \* as getA from '\.\.\/get-a\.ts';/);
    assert.doesNotMatch(source, /import .* from '\.\.\/get-b\.ts'/);
    assert.match(source, /missing when generated \(answer 501\): get-b/);
  });
});
