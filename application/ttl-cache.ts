import type { EventStore } from './ports/event-store.ts';

/**
 * A bounded cache of what the store said, whose entries expire after `ttlMs`: key states on the
 * wrap/unwrap path (docs/decisions/0001-event-sourcing.md), and what access control believes about callers,
 * instances, bindings and policies.
 *
 * Freshness. Every append through this process's store handle empties the cache before the append
 * resolves, so before its response is sent: a disable, revocation or policy change made here counts
 * at once here. Appends by other processes (other Lambda environments on AWS) are seen within
 * `ttlMs`. A load that overlapped an append is returned but not kept (the generation is taken before
 * the read), so a stale value is never cached. A store that announces no appends gets nothing cached.
 * Size: the oldest entry is evicted first.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly until: number }>();
  private generation = 0;
  private readonly enabled: boolean;

  constructor(
    store: Pick<EventStore, 'onAppended'>,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {
    const unsubscribe = store.onAppended?.(() => {
      this.generation += 1;
      this.entries.clear();
    });
    this.enabled = unsubscribe !== undefined;
  }

  /** The cached value of `key`, or `load()`'s, kept when `keep` says so (e.g. only existing keys). */
  async get(key: string, nowMs: number, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > nowMs) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (!this.enabled || generation !== this.generation || !keep(value)) return value;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: nowMs + this.ttlMs });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
