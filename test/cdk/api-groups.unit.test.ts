import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupFileStatus, renderGroupModule } from '../../cdk/api-groups.ts';
import type { RouteDefinition } from '../../functions/api/routes.ts';

void describe('API group entries', () => {
  void it('exist for every route group and match routes.ts (run `npx tsx cdk/api-groups.ts` when not)', () => {
    for (const status of groupFileStatus()) {
      assert.notEqual(status.state, 'missing', `${status.path} is missing`);
      assert.notEqual(status.state, 'stale', `${status.path} is stale: run npx tsx cdk/api-groups.ts`);
    }
  });

  void it('import only the handler modules that exist', () => {
    const routes: RouteDefinition[] = [
      { method: 'GET', path: '/a', operation: 'a', handler: 'get-a', group: 'keys' },
      { method: 'GET', path: '/b', operation: 'b', handler: 'get-b', group: 'keys' },
    ];
    const source = renderGroupModule('keys', routes, (handler) => handler === 'get-a');
    assert.match(source, /import \* as getA from '\.\.\/get-a\.ts';/);
    assert.doesNotMatch(source, /import .* from '\.\.\/get-b\.ts'/);
    assert.match(source, /missing when generated \(answer 501\): get-b/);
  });
});
