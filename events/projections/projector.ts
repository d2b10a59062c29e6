import type { KeyListReadModel } from '../../application/ports/key-list.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import { APPEND_WAKE_DELAY_MS, PassQueue } from '../pass-queue.ts';
import { KEY_LIST_PROJECTION, projectKeyList } from './key-list-projection.ts';

const PAGE = 500;

/**
 * Feeds the read models from the change feed on one machine: woken by local appends (the appends of
 * APPEND_WAKE_DELAY_MS sharing a pass) and by a fallback poll, one pass at a time.
 * `catchUp()` resolves once everything appended before the call is projected, which gives the local
 * server read-your-writes listings.
 */
export class Projector {
  private readonly passes = new PassQueue(
    () => this.pass(),
    (error) => this.onError(error),
  );
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly keyList: KeyListReadModel,
    private readonly onError: (error: unknown) => void,
    /** Hears how many events each batch projected (a rebuild's progress). */
    private readonly onBatch?: (events: number) => void,
  ) {}

  start(pollMs = 1000): void {
    this.unsubscribe = this.store.onAppended?.(() => this.passes.soon(APPEND_WAKE_DELAY_MS));
    this.timer = setInterval(() => void this.catchUp().catch(this.onError), pollMs);
    this.timer.unref();
  }

  /** Resolves after a pass that starts after this call: everything appended before it is then projected. */
  catchUp(): Promise<void> {
    return this.passes.request();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.passes.stop();
  }

  private async pass(): Promise<void> {
    let checkpoint = await this.keyList.getCheckpoint(KEY_LIST_PROJECTION);
    for (;;) {
      const batch = await this.store.readChanges(checkpoint, PAGE);
      if (batch.events.length === 0 || batch.checkpoint === null) return;
      const { upserts, deletes } = await projectKeyList(this.store, batch.events);
      await this.keyList.applyBatch(KEY_LIST_PROJECTION, batch.checkpoint, upserts, deletes);
      checkpoint = batch.checkpoint;
      this.onBatch?.(batch.events.length);
    }
  }
}
