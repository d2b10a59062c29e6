import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPENAPI_FILE, renderOpenApi } from '../../../scripts/openapi.ts';

describe('docs/openapi.json', () => {
  it('is current: npm run openapi writes what is committed', () => {
    assert.equal(
      readFileSync(OPENAPI_FILE, 'utf8'),
      renderOpenApi(),
      'docs/openapi.json is stale: run npm run openapi',
    );
  });

  it('validates as OpenAPI 3.1', async () => {
    const result = await new Validator().validate(JSON.parse(renderOpenApi()) as never);
    assert.deepEqual(result, { valid: true });
  });

  it('refuses what the validator must refuse (the check can fail)', async () => {
    const broken = JSON.parse(renderOpenApi()) as {
      paths: Record<string, Record<string, { parameters: { in: string }[] }>>;
    };
    const parameter = broken.paths['/api/v2/keys']?.get?.parameters[0];
    assert.ok(parameter);
    parameter.in = 'body'; // OpenAPI 2's body parameter: not in 3.1
    const result = await new Validator().validate(broken);
    assert.equal(result.valid, false);
  });
});
