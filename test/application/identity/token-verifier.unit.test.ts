/**
 * The one token verifier (application/identity/tokens.ts), with keys of its own making: every rule a
 * token must pass, each broken once, and the one canonical text a token has. The expected answers are
 * written out here, not derived from the verifier.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CLOCK_TOLERANCE_S,
  TOKEN_AUDIENCE,
  TokenRejectedError,
  TokenVerifier,
  type VerificationKey,
} from '../../../application/identity/tokens.ts';

const NOW_S = 1_750_000_000;
const NOW = NOW_S * 1000;
const ISSUER = 'https://keyledger.example';
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const current = pair();
const retired = pair();

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = {
  sub: 'principal-1',
  akh: 'a'.repeat(64),
  iat: NOW_S - 10,
  nbf: NOW_S - 10,
  exp: NOW_S + 3590,
  iss: ISSUER,
  aud: TOKEN_AUDIENCE,
  jti: 'jti-1',
};
const header = { alg: 'ES256', typ: 'JWT', kid: 'k1' };

/** ES256 over the header and claims given, low-S (as the service issues), or high-S when asked. */
function es256(
  key: KeyObject,
  h: Record<string, unknown> = header,
  c: Record<string, unknown> = claims,
  highS = false,
): string {
  const input = `${b64(h)}.${b64(c)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  const wanted = highS === s > N / 2n ? s : N - s;
  Buffer.from(wanted.toString(16).padStart(64, '0'), 'hex').copy(signature, 32);
  return `${input}.${signature.toString('base64url')}`;
}

function verifier(keys: VerificationKey[] = []): TokenVerifier & { reads: () => number } {
  let reads = 0;
  const v = new TokenVerifier(
    () => {
      reads += 1;
      return Promise.resolve([
        { kid: 'k1', publicKey: current.publicKey, untilMs: Number.POSITIVE_INFINITY },
        { kid: 'k0', publicKey: retired.publicKey, untilMs: NOW + 60_000 },
        ...keys,
      ]);
    },
    { issuer: ISSUER },
  );
  return Object.assign(v, { reads: () => reads });
}

async function refusal(v: TokenVerifier, token: string, at = NOW): Promise<string> {
  try {
    await v.verify(token, at);
  } catch (error) {
    if (error instanceof TokenRejectedError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('token verifier', () => {
  it('accepts a token that keeps every rule, and remembers it', async () => {
    const v = verifier();
    const token = es256(current.privateKey);
    assert.equal((await v.verify(token, NOW)).sub, 'principal-1');
    assert.equal((await v.verify(token, NOW + 1000)).sub, 'principal-1');
    assert.equal(v.reads(), 1);
  });

  const valid = es256(current.privateKey);
  const [h, p, s] = valid.split('.') as [string, string, string];
  const otherKey = pair();
  const hs256 = (): string => {
    const pem = current.publicKey.export({ format: 'pem', type: 'spki' });
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
  };
  const refused: readonly (readonly [string, () => string])[] = [
    ['forged: signed by another key under the same kid', () => es256(otherKey.privateKey)],
    ['altered claims', () => `${h}.${b64({ ...claims, sub: 'admin' })}.${s}`],
    ['altered header', () => `${b64({ ...header, typ: 'jwt' })}.${p}.${s}`],
    ['signature cut short', () => `${h}.${p}.${s.slice(0, -4)}`],
    ['re-encoded: `*` inserted', () => `${h}.${p}.${s.slice(0, 9)}*${s.slice(9)}`],
    ['re-encoded: `!` inserted', () => `${h}.${p}.${s.slice(0, 9)}!${s.slice(9)}`],
    ['re-encoded: a space inserted', () => `${h}.${p}.${s.slice(0, 9)} ${s.slice(9)}`],
    ['re-encoded: padding added', () => `${h}.${p}.${s}==`],
    ['re-encoded: padding on the header', () => `${h}=.${p}.${s}`],
    [
      're-encoded: other unused bits in the last character',
      () => `${h}.${p}.${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`,
    ],
    ['re-encoded: standard base64 alphabet', () => `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`],
    ['high-S twin of a valid signature', () => es256(current.privateKey, header, claims, true)],
    ['expired beyond the clock tolerance', () => es256(current.privateKey, header, { ...claims, exp: NOW_S - 31 })],
    ['not yet valid (nbf)', () => es256(current.privateKey, header, { ...claims, nbf: NOW_S + 31 })],
    ['issued in the future (iat)', () => es256(current.privateKey, header, { ...claims, iat: NOW_S + 31 })],
    [
      'older than a token lifetime (iat)',
      () => es256(current.privateKey, header, { ...claims, iat: NOW_S - 3600 - 31, nbf: NOW_S - 3700 }),
    ],
    ['wrong issuer', () => es256(current.privateKey, header, { ...claims, iss: 'keyledger' })],
    ['no issuer', () => es256(current.privateKey, header, { ...claims, iss: undefined })],
    ['wrong audience', () => es256(current.privateKey, header, { ...claims, aud: 'another-api' })],
    ['no audience', () => es256(current.privateKey, header, { ...claims, aud: undefined })],
    ['no exp', () => es256(current.privateKey, header, { ...claims, exp: undefined })],
    ['no nbf', () => es256(current.privateKey, header, { ...claims, nbf: undefined })],
    ['no jti', () => es256(current.privateKey, header, { ...claims, jti: undefined })],
    ['no akh', () => es256(current.privateKey, header, { ...claims, akh: undefined })],
    ['empty sub', () => es256(current.privateKey, header, { ...claims, sub: '' })],
    ['typ other than JWT', () => es256(current.privateKey, { ...header, typ: 'at+jwt' })],
    ['no typ', () => es256(current.privateKey, { alg: 'ES256', kid: 'k1' })],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid: 'k1' })}.${p}.`],
    ['alg ES512 with an ES256 signature', () => es256(current.privateKey, { ...header, alg: 'ES512' })],
    ['HS256 keyed with the public key', hs256],
    ['unknown kid', () => es256(current.privateKey, { ...header, kid: 'k9' })],
    ['no kid', () => es256(current.privateKey, { alg: 'ES256', typ: 'JWT' })],
    ['not a JWS', () => 'not-a-token'],
    ['two segments', () => `${h}.${p}`],
    ['four segments', () => `${valid}.${s}`],
    ['header not JSON', () => `${Buffer.from('{').toString('base64url')}.${p}.${s}`],
  ];
  for (const [what, make] of refused) {
    it(`refuses: ${what}`, async () => {
      assert.notEqual(await refusal(verifier(), make()), 'accepted');
    });
  }

  it(`tolerates ${CLOCK_TOLERANCE_S} s of clock skew on exp and nbf, no more`, async () => {
    const v = verifier();
    assert.equal(await refusal(v, es256(current.privateKey, header, { ...claims, exp: NOW_S - 29 })), 'accepted');
    assert.equal(await refusal(v, es256(current.privateKey, header, { ...claims, nbf: NOW_S + 29 })), 'accepted');
    assert.equal(await refusal(v, es256(current.privateKey, header, { ...claims, exp: NOW_S - 31 })), 'expired');
  });

  it('a retired key verifies until its end, also for a remembered token, and then nothing', async () => {
    const v = verifier();
    const old = es256(retired.privateKey, { ...header, kid: 'k0' });
    assert.equal(await refusal(v, old), 'accepted');
    assert.equal(await refusal(v, old, NOW + 59_000), 'accepted');
    assert.equal(await refusal(v, old, NOW + 60_000), 'unknown or retired signing key');
    const late = es256(retired.privateKey, { ...header, kid: 'k0' }, { ...claims, iat: NOW_S + 100, nbf: NOW_S + 100 });
    assert.equal(await refusal(v, late, NOW + 120_000), 'unknown or retired signing key');
  });

  it('reads its keys again on an unknown kid (at most once a second) and at least every minute', async () => {
    const v = verifier();
    await v.verify(valid, NOW);
    await refusal(v, es256(current.privateKey, { ...header, kid: 'k9' }), NOW + 10);
    assert.equal(v.reads(), 2, 'within a second of the last read: read once the second has passed');
    await refusal(v, es256(current.privateKey, { ...header, kid: 'k9' }), NOW + 2500);
    assert.equal(v.reads(), 3, 'an unknown kid a second later');
    await v.verify(valid, NOW + 2600);
    assert.equal(v.reads(), 3, 'a remembered token needs no read');
    await v.verify(valid, NOW + 2500 + TokenVerifier.KEYS_TTL_MS);
    assert.equal(v.reads(), 4, 'keys older than a minute are read again');
  });

  it('a token has one text: no variant of a valid token is remembered or accepted', async () => {
    const v = verifier();
    await v.verify(valid, NOW);
    for (const [what, make] of refused.filter(([name]) => name.startsWith('re-encoded') || name.startsWith('high-S')))
      assert.notEqual(await refusal(v, make()), 'accepted', what);
  });
});
