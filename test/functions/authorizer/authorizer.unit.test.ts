/**
 * The Lambda authorizer: the bearer header, the shared verifier (application/identity/tokens.ts, whose
 * rules token-verifier.unit.test.ts walks one by one) and the allow/deny answer API Gateway reads.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { TOKEN_AUDIENCE, TokenVerifier } from '../../../application/identity/tokens.ts';
import { authorize } from '../../../functions/authorizer/handler.ts';
import { parseJwks } from '../../../functions/authorizer/jwks-source.ts';

const NOW_S = 1_750_000_000;
const NOW = NOW_S * 1000;
const ISSUER = 'https://abc.execute-api.eu-west-1.amazonaws.com';

function keyPair(kid: string): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

function token(privateKey: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  for (;;) {
    const signingInput = `${encode(header)}.${encode(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    // The verifier takes only low-S signatures (the service issues only those): sign again until it is one.
    if (signature[32] !== undefined && signature[32] < 0x7f)
      return `${signingInput}.${signature.toString('base64url')}`;
  }
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

const claims = {
  sub: 'principal-1',
  akh: 'h',
  iat: NOW_S - 10,
  nbf: NOW_S - 10,
  exp: NOW_S + 3600,
  iss: ISSUER,
  aud: TOKEN_AUDIENCE,
  jti: 'j',
};
const header = { alg: 'ES256', typ: 'JWT', kid: 'k1' };

void describe('authorizer', () => {
  const current = keyPair('k1');
  const verifier = () =>
    new TokenVerifier(() => Promise.resolve(parseJwks(JSON.stringify({ keys: [current.jwk] }))), { issuer: ISSUER });

  void it('allows a valid token and names its principal', async () => {
    const result = await authorize(event(`Bearer ${token(current.privateKey, header, claims)}`), verifier(), NOW);
    assert.deepEqual(result, { isAuthorized: true, context: { principalId: 'principal-1' } });
  });

  void it('denies expired, foreign, tampered, unsigned, malformed and missing tokens', async () => {
    const other = keyPair('k1');
    const cases = [
      `Bearer ${token(current.privateKey, header, { ...claims, exp: NOW_S - 60 })}`,
      `Bearer ${token(other.privateKey, header, claims)}`,
      `Bearer ${token(current.privateKey, { ...header, kid: 'unknown' }, claims)}`,
      `Bearer ${token(current.privateKey, header, claims).slice(0, -4)}AAAA`,
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`,
      'Bearer not-a-token',
      `Basic ${token(current.privateKey, header, claims)}`,
      `Bearer ${token(current.privateKey, header, claims)} extra`,
    ];
    for (const candidate of cases)
      assert.equal((await authorize(event(candidate), verifier(), NOW)).isAuthorized, false, candidate);
    assert.equal((await authorize(event(), verifier(), NOW)).isAuthorized, false);
  });

  void it('reads the JWKS ends of retired keys', () => {
    const [key] = parseJwks(JSON.stringify({ keys: [{ ...current.jwk, exp: NOW_S }] }));
    assert.equal(key?.untilMs, NOW);
    const [currentKey] = parseJwks(JSON.stringify({ keys: [current.jwk, { kty: 'RSA', n: 'x', e: 'AQAB' }] }));
    assert.equal(currentKey?.untilMs, Number.POSITIVE_INFINITY);
  });
});
