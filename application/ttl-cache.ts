import type { EventStore } from '../events/store/event-store.ts';

/**
 * A bounded cache whose entries expire after `ttlMs`: what access control may believe without
 * reading the store again. The bound on staleness is what makes a revocation take effect "within
 * ttlMs" in every process; the bound on size keeps memory flat under many ids (oldest entry evicted
 * first). Given the store, every append through this process empties it, so a grant, revocation or
 * policy change made here counts at once here; a load that overlapped an append is returned but
 * not kept.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly until: number }>();
  private generation = 0;

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000, emptiedBy?: Pick<EventStore, 'onAppended'>) {
    emptiedBy?.onAppended?.(() => {
      this.generation += 1;
      this.entries.clear();
    });
  }

  async get(key: string, nowMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > nowMs) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (generation !== this.generation) return value;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: nowMs + this.ttlMs });
    return value;
  }
}
