/**
 * Attacks on the bearer token, over HTTP against the real server: every variant an attacker can make of a
 * valid token without the signing key (altered, re-encoded, its high-S twin, `alg: none`, cut short),
 * a token of another keyledger (another signing key), and a valid token of instance A used on instance B.
 * Each is refused with 401 UNAUTHORIZED_ERR and audited once as denied; the valid token still works after
 * them. (The rules that need a signing key to attack, such as expiry, issuer, audience and `typ`, are proven
 * against real ES256 keys in test/application/identity/token-verifier.unit.test.ts.)
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Admin, call, reasonOf } from '../support/access-helpers.ts';
import { auditRecordsSince } from '../support/audit-records.ts';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';

/** The order of P-256 (SEC 2, section 2.4.2). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function highSTwin(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const high = P256_N - BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const twin = Buffer.concat([sig.subarray(0, 32), Buffer.from(high.toString(16).padStart(64, '0'), 'hex')]);
  return `${h}.${p}.${twin.toString('base64url')}`;
}

const json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

void describe('attack suite: bearer tokens over HTTP', () => {
  let server: ServerProcess;
  let other: ServerProcess;
  let admin: Admin;
  let instanceA: string;
  let instanceB: string;
  let tokenOfA: string;

  before(async () => {
    [server, other] = await Promise.all([startServer(), startServer()]);
    admin = await Admin.connect(server);
    instanceA = await admin.createInstance('attack-a');
    instanceB = await admin.createInstance('attack-b');
    const principal = await admin.createPrincipal('manager-of-a');
    await admin.grant(instanceA, { principalId: principal.id, role: 'Manager' });
    tokenOfA = await tokenFor(server.url, principal.apiKey);
  });
  after(async () => {
    await Promise.all([server.dispose(), other.dispose()]);
  });

  const list = (token: string, instanceId: string, correlationId: string) =>
    call(server, token, 'GET', '/api/v2/keys', { instanceId, headers: { 'correlation-id': correlationId } });

  it('refuses every variant of a valid token with 401, each audited once as denied', async () => {
    const from = new Date().toISOString();
    const valid = tokenOfA;
    const [h, p, s] = valid.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const otherToken = await tokenFor(other.url, other.adminApiKey);
    const variants: readonly (readonly [string, string])[] = [
      ['claims altered: sub', `${h}.${json({ ...claims, sub: 'admin' })}.${s}`],
      ['claims altered: exp a day later', `${h}.${json({ ...claims, exp: Number(claims.exp) + 86_400 })}.${s}`],
      ['header altered: kid', `${json({ ...header, kid: 'another' })}.${p}.${s}`],
      ['re-encoded: `*` inserted', `${h}.${p}.${s.slice(0, 9)}*${s.slice(9)}`],
      ['re-encoded: `!` inserted', `${h}.${p}.${s.slice(0, 9)}!${s.slice(9)}`],
      ['re-encoded: `=` padding', `${h}.${p}.${s}==`],
      ['re-encoded: standard alphabet', `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`],
      ['re-encoded: padded header', `${h}=.${p}.${s}`],
      ['high-S twin', highSTwin(valid)],
      ['alg none, no signature', `${json({ ...header, alg: 'none' })}.${p}.`],
      ['signature cut short', `${h}.${p}.${s.slice(0, -8)}`],
      ['signature of another keyledger (its own signing key)', otherToken],
      [
        'another keyledger, same claims relabelled',
        `${otherToken.split('.')[0] ?? ''}.${p}.${otherToken.split('.')[2] ?? ''}`,
      ],
      ['not a JWT', 'not-a-token'],
    ];
    const sent = new Map<string, string>();
    for (const [what, token] of variants) {
      assert.notEqual(token, valid, what);
      const correlationId = randomUUID();
      const res = await list(token, instanceA, correlationId);
      assert.equal(res.status, 401, `${what}: ${res.status}`);
      assert.equal(reasonOf(res), 'UNAUTHORIZED_ERR', what);
      sent.set(correlationId, what);
    }
    const ok = await list(valid, instanceA, randomUUID());
    assert.equal(ok.status, 200, 'the valid token still works');

    const records = await auditRecordsSince(server, admin.token, [instanceA, instanceB, '_service'], from);
    for (const [correlationId, what] of sent) {
      const mine = records.filter((r) => r.correlationId === correlationId);
      assert.equal(mine.length, 1, `${what}: one audit record`);
      assert.equal(mine[0]?.outcome, 'denied', `${what}: audited as denied`);
    }
  });

  it("refuses instance A's valid token on instance B with 401, audited as denied", async () => {
    const from = new Date().toISOString();
    const correlationId = randomUUID();
    const res = await list(tokenOfA, instanceB, correlationId);
    assert.equal(res.status, 401);
    assert.equal(reasonOf(res), 'UNAUTHORIZED_ERR');
    const records = await auditRecordsSince(server, admin.token, [instanceB, '_service'], from);
    const mine = records.filter((r) => r.correlationId === correlationId);
    assert.deepEqual(
      mine.map((r) => [r.instanceId, r.outcome]),
      [[instanceB, 'denied']],
    );
  });
});
