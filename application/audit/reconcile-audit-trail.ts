/**
 * The audit reconciler: every committed event gets its request's audit record, even across a crash.
 *
 * A request appends its events, then writes its one record (fail closed: no response before it is
 * durable). A process killed between the two, or an audit store that refuses the record after the
 * events committed, leaves events whose request has no record. The events carry the request's id,
 * principal, operation and source (application/command-handler.ts), so they are the durable intent:
 * this pass reads the change feed after its last position, looks each request up in its chain
 * (audited-changes.ts) and writes the missing records, with reason `AUDIT_RECONCILED`. The service's
 * own changes (scheduler, bootstrap) have no request; their records are written here too, with an
 * empty reason.
 *
 * A request still in flight may not have written its record yet: only events decided before
 * `settledBefore` count as settled (the caller guarantees every request that decided an event before
 * then has finished: the local server waits for the requests in flight, on AWS it is the API
 * functions' timeout ago). Unsettled requests without a record are kept as pending and looked up
 * again by the next pass. Nothing is written twice: a pass that dies after writing records and
 * before saving its position finds those records on the next pass.
 */
import type { AuditReconcilerState } from '../ports/audit-reconciler-state.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { AuditLog } from './audit-log.ts';
import {
  byChain,
  collectChangeRequests,
  findRecordedRequests,
  requestKey,
  type ChangeRequest,
  type EventRef,
} from './audited-changes.ts';

export interface AuditReconcilerDeps {
  readonly store: Pick<EventStore, 'readChanges'>;
  readonly audit: Pick<AuditLog, 'record' | 'readBack'>;
  readonly state: AuditReconcilerState;
  readonly now: () => Date;
}

export interface ReconcileOptions {
  /** Events decided before this belong to requests that have finished (see the module comment). */
  readonly settledBefore: Date;
  /**
   * How much older than a request's first event the chain's records may be read back before the
   * request counts as unrecorded: the slack of clocks and commit order between records of one chain.
   */
  readonly lookBackMs: number;
  /** Events read from the change feed per step (default 500). */
  readonly batchSize?: number;
}

/** A request the pass wrote a record for. */
export interface ReconciledRequest {
  readonly instanceId: string;
  readonly requestId: string;
  readonly operation: string;
  readonly event: EventRef;
}

export interface ReconcileReport {
  /** Events read from the change feed. */
  readonly events: number;
  /** Requests (per chain) looked up, pending ones of the previous pass included. */
  readonly requests: number;
  /** Records written by this pass. */
  readonly reconciled: readonly ReconciledRequest[];
  /** Requests without a record that may still be in flight, left for the next pass. */
  readonly pending: number;
  /** Events without a request id (written before events carried one): they cannot be matched. */
  readonly unattributed: number;
}

interface SavedState {
  readonly feed: string | null;
  readonly pending: readonly ChangeRequest[];
}

function parseState(text: string | null): SavedState {
  if (text === null) return { feed: null, pending: [] };
  const parsed = JSON.parse(text) as Partial<SavedState>;
  return { feed: parsed.feed ?? null, pending: parsed.pending ?? [] };
}

/** One pass: from the saved position to the end of the change feed. */
export async function reconcileAuditTrail(
  deps: AuditReconcilerDeps,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const batchSize = options.batchSize ?? 500;
  const settledMs = options.settledBefore.getTime();
  const saved = parseState(await deps.state.load());
  let feed = saved.feed;
  let carried: readonly ChangeRequest[] = saved.pending;
  const pending = new Map<string, ChangeRequest>();
  const reconciled: ReconciledRequest[] = [];
  let events = 0;
  let requests = 0;
  let unattributed = 0;
  for (;;) {
    const batch = await deps.store.readChanges(feed, batchSize);
    events += batch.events.length;
    const candidates = new Map<string, ChangeRequest>();
    for (const r of carried) candidates.set(requestKey(r.chain, r.requestId), r);
    carried = [];
    unattributed += collectChangeRequests(batch.events, candidates).unattributed;
    requests += candidates.size;
    const recorded = await findRecordedRequests(deps.audit, byChain(candidates.values()), options.lookBackMs);
    const due: ChangeRequest[] = [];
    for (const [key, request] of candidates) {
      if (recorded.has(key)) pending.delete(key);
      else if (request.timeMs < settledMs) due.push(request);
      else pending.set(key, request);
    }
    await Promise.all(due.map((request) => deps.audit.record({ ...request.entry, time: deps.now().toISOString() })));
    for (const request of due) {
      pending.delete(requestKey(request.chain, request.requestId));
      reconciled.push({
        instanceId: request.entry.instanceId,
        requestId: request.requestId,
        operation: request.entry.operation,
        event: request.firstEvent,
      });
    }
    feed = batch.checkpoint;
    await deps.state.save(JSON.stringify({ feed, pending: [...pending.values()] } satisfies SavedState));
    if (batch.events.length < batchSize) break;
  }
  return { events, requests, reconciled, pending: pending.size, unattributed };
}
