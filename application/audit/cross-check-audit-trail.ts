/**
 * `GET /admin/v1/audit/reconciliation` and `keyledger audit reconcile`: cross-checks every event of
 * the store against the audit trail and names each request that committed events but has no record.
 * It only reports; the reconciler (reconcile-audit-trail.ts) writes the missing records. Cost: reads
 * every event twice at most and every chain that has events once, and holds one entry per request
 * in memory (a request id and a time).
 */
import type { AuditLog } from './audit-log.ts';
import type { EventStore } from '../ports/event-store.ts';
import {
  byChain,
  chainOfEvent,
  collectChangeRequests,
  findRecordedRequests,
  requestKey,
  type ChangeRequest,
  type EventRef,
} from './audited-changes.ts';

const PAGE = 1000;

/** A request whose events committed without an audit record. */
export interface UnrecordedRequest {
  readonly instanceId: string;
  readonly requestId: string;
  readonly operation: string;
  readonly principalId: string;
  /** Time of its first event. */
  readonly time: string;
  readonly event: EventRef;
}

export interface CrossCheckReport {
  readonly events: number;
  /** Requests (per chain) that appended events. */
  readonly requests: number;
  readonly recorded: number;
  /** Requests without a record whose events are older than `settledBefore`. */
  readonly missing: readonly UnrecordedRequest[];
  /** Requests without a record decided after `settledBefore`: they may still be writing it. */
  readonly unsettled: number;
  /** Events without a request id (written before events carried one): they cannot be matched. */
  readonly unattributed: number;
}

export async function crossCheckAuditTrail(
  deps: { readonly store: Pick<EventStore, 'readAll'>; readonly audit: Pick<AuditLog, 'readBack'> },
  options: { readonly settledBefore: Date },
): Promise<CrossCheckReport> {
  // 1. Every request of every event: its chain, id and earliest time.
  const times = new Map<string, Map<string, number>>();
  let events = 0;
  let unattributed = 0;
  for await (const page of deps.store.readAll(PAGE)) {
    events += page.length;
    const requests = new Map<string, ChangeRequest>();
    unattributed += collectChangeRequests(page, requests).unattributed;
    for (const [chain, ids] of byChain(requests.values())) {
      const known = times.get(chain) ?? new Map<string, number>();
      for (const [id, timeMs] of ids) known.set(id, Math.min(known.get(id) ?? Infinity, timeMs));
      times.set(chain, known);
    }
  }
  // 2. Each chain read back once, as far as it takes to find them all.
  const recorded = await findRecordedRequests(deps.audit, times, Infinity);
  const missingKeys = new Set<string>();
  let requests = 0;
  for (const [chain, ids] of times) {
    requests += ids.size;
    for (const id of ids.keys()) if (!recorded.has(requestKey(chain, id))) missingKeys.add(requestKey(chain, id));
  }
  // 3. What the unrecorded ones were, from their events.
  const details = new Map<string, ChangeRequest>();
  if (missingKeys.size > 0) {
    for await (const page of deps.store.readAll(PAGE)) {
      const mine = page.filter(
        (e) => e.meta.requestId && missingKeys.has(requestKey(chainOfEvent(e), e.meta.requestId)),
      );
      collectChangeRequests(mine, details);
    }
  }
  const settledMs = options.settledBefore.getTime();
  const missing: UnrecordedRequest[] = [];
  let unsettled = 0;
  for (const r of details.values()) {
    if (r.timeMs >= settledMs) {
      unsettled += 1;
      continue;
    }
    missing.push({
      instanceId: r.entry.instanceId,
      requestId: r.requestId,
      operation: r.entry.operation,
      principalId: r.entry.principalId,
      time: new Date(r.timeMs).toISOString(),
      event: r.firstEvent,
    });
  }
  missing.sort((a, b) => a.time.localeCompare(b.time));
  return { events, requests, recorded: requests - missingKeys.size, missing, unsettled, unattributed };
}
