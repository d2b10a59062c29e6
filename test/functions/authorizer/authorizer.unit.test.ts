import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { authorize } from '../../../functions/authorizer/handler.ts';
import type { JwksSource } from '../../../functions/authorizer/jwks-source.ts';
import { parseJwks } from '../../../functions/authorizer/jwt.ts';

const NOW = 1_750_000_000;

function keyPair(kid: string): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

function token(privateKey: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function event(authorization?: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/$default/GET/api/v2/keys',
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: 'GET /api/v2/keys',
    headers: authorization === undefined ? {} : { authorization },
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

function staticSource(jwks: string): JwksSource & { reads: number } {
  const source = {
    reads: 0,
    keys: () => {
      source.reads += 1;
      return Promise.resolve(parseJwks(jwks));
    },
  };
  return source;
}

const claims = { sub: 'principal-1', iat: NOW - 10, exp: NOW + 3600 };

void describe('authorizer', () => {
  const current = keyPair('k1');
  const source = staticSource(JSON.stringify({ keys: [current.jwk] }));

  void it('accepts a valid ES256 token and names its principal', async () => {
    const result = await authorize(
      event(`Bearer ${token(current.privateKey, { alg: 'ES256', kid: 'k1' }, claims)}`),
      source,
      NOW,
    );
    assert.deepEqual(result, { isAuthorized: true, context: { principalId: 'principal-1' } });
  });

  void it('rejects expired, foreign, tampered, unsigned and missing tokens', async () => {
    const other = keyPair('k1');
    const cases = [
      token(current.privateKey, { alg: 'ES256', kid: 'k1' }, { ...claims, exp: NOW - 60 }),
      token(other.privateKey, { alg: 'ES256', kid: 'k1' }, claims),
      token(current.privateKey, { alg: 'ES256', kid: 'unknown' }, claims),
      `${token(current.privateKey, { alg: 'ES256', kid: 'k1' }, claims).slice(0, -4)}AAAA`,
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`,
      'not-a-token',
    ];
    for (const candidate of cases) {
      assert.equal((await authorize(event(`Bearer ${candidate}`), source, NOW)).isAuthorized, false, candidate);
    }
    assert.equal((await authorize(event(), source, NOW)).isAuthorized, false);
  });

  void it('refreshes the keys once when a token names an unknown kid', async () => {
    const counting = staticSource(JSON.stringify({ keys: [current.jwk] }));
    await authorize(event(`Bearer ${token(current.privateKey, { alg: 'ES256', kid: 'new' }, claims)}`), counting, NOW);
    assert.equal(counting.reads, 2);
  });
});
