/**
 * Per-instance token buckets (`KEYLEDGER_RATE_LIMIT_RPS`): each instance may make `rps` requests a
 * second on average, with a burst of one second's worth. The buckets live in the process: on one
 * machine that is the whole service; on AWS it is one Lambda execution environment, so the
 * service-wide ceiling is `rps` times the function's concurrency (API Gateway's stage throttling is
 * the global guard there).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rps: number,
    private readonly maxInstances = 10_000,
  ) {}

  get enabled(): boolean {
    return this.rps > 0;
  }

  /** Takes one token for `instanceId`; 0 when the request may go, else the seconds to wait (Retry-After). */
  take(instanceId: string, nowMs: number): number {
    if (this.rps <= 0) return 0;
    const capacity = Math.max(1, this.rps);
    let bucket = this.buckets.get(instanceId);
    if (!bucket) {
      if (this.buckets.size >= this.maxInstances) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: capacity, at: nowMs };
      this.buckets.set(instanceId, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.rps);
    bucket.at = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rps));
  }
}
