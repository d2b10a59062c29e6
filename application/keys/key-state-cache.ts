import type { EventStore } from '../../events/store/event-store.ts';

interface Entry<S> {
  readonly loaded: { readonly state: S; readonly version: number };
  readonly generation: number;
  readonly until: number;
}

/**
 * Stream states the hot path read recently (DESIGN.md decision 4): wrap, unwrap and rewrap load
 * their key on every request, and this lets them skip the store read and its snapshot parse.
 *
 * Freshness. Every append through this process's store handle (a disable, delete or rotation on
 * this machine) empties the cache before the append resolves, so before its response is sent: on
 * one machine a change takes effect at once. Appends by other processes (other Lambda instances
 * on AWS) are seen within `ttlMs`. A load that overlapped an append is returned but not kept
 * (the generation is taken before the read), so a stale state is never cached. Without an append
 * notification from the store nothing is cached.
 */
export class StreamStateCache<S> {
  private generation = 0;
  private readonly entries = new Map<string, Entry<S>>();
  private readonly enabled: boolean;

  constructor(store: EventStore, private readonly ttlMs: number, private readonly maxEntries: number) {
    const unsubscribe = store.onAppended?.(() => {
      this.generation += 1;
      this.entries.clear();
    });
    this.enabled = unsubscribe !== undefined;
  }

  /** The cached state of `streamId`, or `load()`'s, kept when `keep` says so (e.g. only existing keys). */
  async get(streamId: string, load: () => Promise<{ state: S; version: number }>, keep: (state: S) => boolean): Promise<{ state: S; version: number }> {
    const now = performance.now();
    const hit = this.entries.get(streamId);
    if (hit !== undefined && hit.generation === this.generation && hit.until > now) return hit.loaded;
    const generation = this.generation;
    const loaded = await load();
    if (this.enabled && generation === this.generation && keep(loaded.state)) {
      if (this.entries.size >= this.maxEntries && !this.entries.has(streamId)) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(streamId, { loaded, generation, until: now + this.ttlMs });
    }
    return loaded;
  }

  get size(): number {
    return this.entries.size;
  }
}
