import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs, webhookHeaders } from '../../../server/webhooks/webhook-dispatcher.ts';

void describe('webhook delivery rules', () => {
  void it('signs id.timestamp.body the Standard Webhooks way (the scheme’s published example)', () => {
    // standard-webhooks/standard-webhooks, spec/standard-webhooks.md: secret, id, timestamp, payload, signature.
    const headers = webhookHeaders(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      '{"test": 2432232314}',
      new Date(1614265330 * 1000),
    );
    assert.deepEqual(headers, {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  void it('signs with every secret in force, space-separated', () => {
    const signature = webhookHeaders(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      '{"test": 2432232314}',
      new Date(1614265330 * 1000),
    )['webhook-signature'];
    assert.equal(
      signature,
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  void it('backs off exponentially from the base up to the cap, with up to half taken off at random', () => {
    const o = { retryBaseMs: 500, retryMaxMs: 3_600_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 20].map((n) => retryDelayMs(n, o, 0.999_999)),
      [500, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 2_048_000, 3_600_000, 3_600_000].map(
        (full) => full / 2 + (full / 2) * 0.999_999,
      ),
    );
    assert.deepEqual(
      [1, 2, 3, 12, 13, 14, 10_000].map((n) => retryDelayMs(n, o, 0)),
      [250, 500, 1000, 512_000, 1_024_000, 1_800_000, 1_800_000],
    );
    assert.equal(retryDelayMs(3, o, 0.5), 1500);
  });
});
