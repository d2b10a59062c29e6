import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../application/access/rate-limiter.ts';

describe('per-instance token bucket', () => {
  it('lets a second of burst through, then refills at the rate, per instance', () => {
    const limiter = new RateLimiter(2);
    assert.equal(limiter.take('a', 0), 0);
    assert.equal(limiter.take('a', 0), 0);
    assert.equal(limiter.take('a', 0), 1, 'third request in the same instant waits a second');
    assert.equal(limiter.take('b', 0), 0, 'another instance has its own bucket');
    assert.equal(limiter.take('a', 500), 0, 'half a second refills one token at 2 rps');
    assert.equal(limiter.take('a', 500), 1);
  });
  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 100; i++) assert.equal(limiter.take('a', 0), 0);
  });
  it('asks slow limits to wait longer', () => {
    const limiter = new RateLimiter(0.2);
    assert.equal(limiter.take('a', 0), 0);
    assert.equal(limiter.take('a', 0), 5);
  });
});
