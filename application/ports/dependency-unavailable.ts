/**
 * A dependency cannot serve right now: the disk is full or read-only, the database does not answer
 * or throttles after the adapter's bounded retries, the HSM session or token is lost. Adapters throw
 * it (events/store/sqlite/open-database.ts, events/dynamodb/dynamodb-client.ts; the HSM port's own
 * HsmUnavailableError means the same); the edge answers 503 SERVICE_UNAVAILABLE_ERR with Retry-After.
 * Whether a write that failed this way took effect is unknown (a timeout may follow a commit): the
 * audit reconciler records it if it did, and a retry carrying an idempotency key does not repeat it.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    /** What did not answer: `sqlite`, `dynamodb`. */
    readonly dependency: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}
