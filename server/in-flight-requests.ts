/**
 * The requests the local server is serving. Stopping waits for them (README.md: SIGTERM finishes
 * in-flight requests), and the audit reconciler waits for those in flight when it starts a pass, so
 * it never writes the record of a request that is about to write its own.
 */
export class InFlightRequests {
  private readonly requests = new Set<Promise<unknown>>();

  /** How many requests are being served now. */
  get size(): number {
    return this.requests.size;
  }

  track(work: Promise<unknown>): void {
    this.requests.add(work);
    void work.finally(() => this.requests.delete(work)).catch(() => undefined);
  }

  /**
   * Resolves, once every request in flight at the call has finished, with the time of the call:
   * every event decided before that time belongs to a request that has finished.
   */
  async settled(): Promise<Date> {
    const at = new Date();
    await Promise.allSettled([...this.requests]);
    return at;
  }
}
