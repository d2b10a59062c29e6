/**
 * A route group's Lambda handler picks the operation's module by API Gateway's `routeKey`: an
 * unknown route key answers 404 NOT_FOUND_ERR, a route of the group whose module was not generated
 * into it answers 501 NOT_IMPLEMENTED_ERR, both as Key Protect error bodies; a known one reaches its module.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { dispatch } from '../../../../functions/api/groups/dispatch.ts';

function eventFor(routeKey: string): APIGatewayProxyEventV2 {
  return { routeKey } as APIGatewayProxyEventV2;
}

const context = {} as Context;

function reasonOf(result: unknown): { status: number; code: string | undefined } {
  const r = result as APIGatewayProxyStructuredResultV2;
  const body = JSON.parse(r.body ?? '{}') as { resources?: { reasons?: { code?: string }[] }[] };
  return { status: r.statusCode ?? 0, code: body.resources?.[0]?.reasons?.[0]?.code };
}

describe('route group dispatch', () => {
  const seen: string[] = [];
  const handler = dispatch('key-actions', {
    'wrap-key': {
      handler: (event) => {
        seen.push(event.routeKey);
        return Promise.resolve({ statusCode: 200, body: '{}' });
      },
    },
  });

  it('sends a route of the group to its module', async () => {
    const result = (await handler(
      eventFor('POST /api/v2/keys/{id}/actions/wrap'),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    assert.equal(result.statusCode, 200);
    assert.deepEqual(seen, ['POST /api/v2/keys/{id}/actions/wrap']);
  });

  it('answers 404 NOT_FOUND_ERR for a route key it does not know, or one of another group', async () => {
    for (const routeKey of ['GET /api/v2/nothing', 'POST /api/v2/keys', '$default']) {
      assert.deepEqual(reasonOf(await handler(eventFor(routeKey), context)), { status: 404, code: 'NOT_FOUND_ERR' });
    }
  });

  it('answers 501 NOT_IMPLEMENTED_ERR for a route of the group whose module it was not given', async () => {
    assert.deepEqual(reasonOf(await handler(eventFor('POST /api/v2/keys/{id}/actions/unwrap'), context)), {
      status: 501,
      code: 'NOT_IMPLEMENTED_ERR',
    });
  });
});
