import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs, webhookSignature } from '../../../server/webhooks/webhook-dispatcher.ts';

void describe('webhook delivery rules', () => {
  void it('signs the raw body with HMAC-SHA256 of the secret (RFC 4231 test case 2)', () => {
    assert.equal(
      webhookSignature('Jefe', 'what do ya want for nothing?'),
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
  void it('backs off exponentially from the base, then stays at the cap', () => {
    const o = { retryBaseMs: 500, retryMaxMs: 60_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, o)),
      [500, 1000, 2000, 4000, 8000, 16000, 32000, 60000],
    );
    assert.equal(retryDelayMs(10_000, o), 60_000);
  });
});
