import type { Handle } from './cryptoki.ts';

interface Entry {
  readonly handle: Promise<Handle>;
  /** The handle once the unwrap has finished: lets {@link UnwrappedKeyCache.leaseNow} skip a promise. */
  resolved?: Handle;
  /** Operations currently using the handle; an evicted entry is destroyed when this reaches 0. */
  pins: number;
  evicted: boolean;
}

/** A use of a cached handle; call {@link release} when the operation no longer needs it. */
export interface KeyLease {
  readonly handle: Handle;
  release(): void;
}

/**
 * A bounded LRU of unwrapped root keys (non-extractable session objects), so the hot path does
 * one C_Encrypt/C_Decrypt instead of a C_UnwrapKey per call.
 *
 * Correct under the session pool because PKCS#11 session objects belong to the application,
 * not the session: a handle created in the owner session works in every pooled session
 * (verified with SoftHSM 2.6.1). Eviction never destroys a key an operation is using: entries
 * are pinned per lease and destroyed on the last release. Concurrent misses for the same key
 * share one unwrap.
 */
export class UnwrappedKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity: number,
    private readonly destroy: (handle: Handle) => void,
  ) {}

  /** Returns the cached handle for `cacheKey`, unwrapping (once) on a miss. */
  async lease(cacheKey: string, unwrap: () => Promise<Handle>): Promise<KeyLease> {
    let entry = this.entries.get(cacheKey);
    if (entry !== undefined) {
      // Re-insert to mark as most recently used (Map iterates in insertion order).
      this.entries.delete(cacheKey);
      this.entries.set(cacheKey, entry);
    } else {
      const created: Entry = { handle: unwrap(), pins: 0, evicted: false };
      created.handle.then(
        (handle) => (created.resolved = handle),
        () => undefined,
      );
      entry = created;
      this.entries.set(cacheKey, entry);
      this.evictOverflow();
    }
    const current = entry;
    current.pins += 1;
    let handle: Handle;
    try {
      handle = await current.handle;
    } catch (error) {
      current.pins -= 1;
      if (this.entries.get(cacheKey) === current) this.entries.delete(cacheKey);
      throw error;
    }
    return this.leaseOf(current, handle);
  }

  /** A lease on `cacheKey` when it is cached and unwrapped already, without waiting; undefined otherwise (then use {@link lease}). */
  leaseNow(cacheKey: string): KeyLease | undefined {
    const entry = this.entries.get(cacheKey);
    const handle = entry?.resolved;
    if (entry === undefined || handle === undefined) return undefined;
    this.entries.delete(cacheKey);
    this.entries.set(cacheKey, entry);
    entry.pins += 1;
    return this.leaseOf(entry, handle);
  }

  /** The lease of a pin already taken on `entry`: released once, destroying an evicted entry's handle with its last pin. */
  private leaseOf(entry: Entry, handle: Handle): KeyLease {
    let released = false;
    return {
      handle,
      release: () => {
        if (released) return;
        released = true;
        entry.pins -= 1;
        if (entry.evicted && entry.pins === 0) this.destroy(handle);
      },
    };
  }

  /** Number of cached keys (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every entry without destroying: used at close, when closing the owner session destroys them. */
  clear(): void {
    this.entries.clear();
  }

  private evictOverflow(): void {
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) return;
      const [key, entry] = oldest.value;
      this.entries.delete(key);
      entry.evicted = true;
      if (entry.pins === 0) {
        entry.handle.then(
          (handle) => this.destroy(handle),
          () => undefined,
        );
      }
    }
  }
}
