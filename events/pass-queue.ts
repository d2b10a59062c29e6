/**
 * How long a pass woken by an append waits for more appends to share it: the projector's and the
 * fan-out's commits then carry many keys' rows each (README, Performance). Reads that need what was just
 * appended (a listing after a create) ask for a pass at once instead.
 */
export const APPEND_WAKE_DELAY_MS = 20;

/**
 * Passes over a feed (the projector's, the webhook fan-out's, the streams poller's), or fsyncs of a log
 * (events/store/sqlite/wal-sync.ts), one at a time.
 * A pass asked for while one runs starts after it; every request made before that next pass starts
 * shares it, since a pass sees all that was appended before it began. However many appends wake it
 * meanwhile, one pass is in progress and at most one waits.
 */
export class PassQueue {
  private running: Promise<void> = Promise.resolve();
  private waiting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private unfinished = 0;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /**
   * Asks for a pass within `delayMs` (for a wake-up after an append): the appends of that interval share
   * one pass, and so one read of the feed and one commit of what it derives. A request before then
   * starts it sooner.
   */
  soon(delayMs: number): void {
    if (this.timer || this.waiting) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.request().catch(this.onError);
    }, delayMs);
    this.timer.unref();
  }

  /** Whether a pass runs or waits to run. */
  get busy(): boolean {
    return this.unfinished > 0;
  }

  /** Resolves after a whole pass that starts after this call; rejects if that pass fails. */
  request(): Promise<void> {
    if (this.waiting) return this.waiting;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unfinished += 1;
    const next = this.running
      .catch(() => undefined)
      .then(() => {
        this.waiting = null;
        return this.pass();
      })
      .finally(() => {
        this.unfinished -= 1;
      });
    this.waiting = next;
    this.running = next;
    return next;
  }

  /** Drops a pass asked for {@link soon}; resolves once the passes requested so far have ended, whatever their outcome. */
  stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.running.catch(() => undefined);
  }
}
