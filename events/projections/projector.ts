import type { KeyListReadModel } from '../../application/ports/key-list.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import { KEY_LIST_PROJECTION, projectKeyList } from './key-list-projection.ts';

const PAGE = 500;

/**
 * Feeds the read models from the change feed on one machine: woken after each local append and
 * by a fallback poll, one pass at a time. `catchUp()` resolves once everything appended before the
 * call is projected, which gives the local server read-your-writes listings.
 */
export class Projector {
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly keyList: KeyListReadModel,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(pollMs = 1000): void {
    this.unsubscribe = this.store.onAppended?.(() => void this.catchUp().catch(this.onError));
    this.timer = setInterval(() => void this.catchUp().catch(this.onError), pollMs);
    this.timer.unref();
  }

  /**
   * Runs a pass after any pass in progress (so it sees appends made before this call);
   * `onBatch` hears how many events each batch projected (a rebuild's progress).
   */
  catchUp(onBatch?: (events: number) => void): Promise<void> {
    const next = this.running.catch(() => undefined).then(() => this.pass(onBatch));
    this.running = next;
    return next;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  private async pass(onBatch?: (events: number) => void): Promise<void> {
    let checkpoint = await this.keyList.getCheckpoint(KEY_LIST_PROJECTION);
    for (;;) {
      const batch = await this.store.readChanges(checkpoint, PAGE);
      if (batch.events.length === 0 || batch.checkpoint === null) return;
      const { upserts, deletes } = await projectKeyList(this.store, batch.events);
      await this.keyList.applyBatch(KEY_LIST_PROJECTION, batch.checkpoint, upserts, deletes);
      checkpoint = batch.checkpoint;
      onBatch?.(batch.events.length);
    }
  }
}
