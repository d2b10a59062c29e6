/**
 * Events as the durable intent of their audit records.
 *
 * Every event carries the request (or service action) it was appended for in its meta: request id,
 * instance, principal, operation, correlation id and source address. A request's audit record is
 * written after its events commit; a crash (or an audit store failure) between the two leaves events
 * whose request has no record. The functions here find such requests: they group events by request
 * and look each request up in its chain, reading the chain back from its last record only as far as
 * the request's time (a record is stamped after its request's events were decided, on the same clock,
 * and queued at once, so a chain's records keep the order of their times up to `lookBackMs`).
 */
import { isUuid } from '../../domain/ids.ts';
import { BOOTSTRAP_OPERATION } from '../identity/bootstrap-identity.ts';
import { SERVICE_CHAIN_ID, type AuditStorage } from '../ports/audit-storage.ts';
import type { StoredEvent } from '../ports/event-store.ts';
import { SCHEDULER_OPERATION_PREFIX } from '../scheduler/scheduled-tasks.ts';
import type { AuditEntry } from './audit-log.ts';

/**
 * The reason of a record the reconciler wrote for a request that committed events but did not write
 * its own record (the process died in between, or the audit store refused it).
 */
export const RECONCILED_REASON = 'AUDIT_RECONCILED';

/** Records the look-back reads per storage call. */
const READ_BACK_PAGE = 1000;

/** The first event of a request, to name it in reports. */
export interface EventRef {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
}

/** A request (or service action) that appended events to one chain's instance, and the record it needs. */
export interface ChangeRequest {
  readonly chain: string;
  readonly requestId: string;
  /** Time of its earliest event (ms since the epoch). */
  readonly timeMs: number;
  /** The record's fields but its time, as the request would have written them. */
  readonly entry: Omit<AuditEntry, 'time'>;
  readonly firstEvent: EventRef;
}

export function requestKey(chain: string, requestId: string): string {
  return `${chain}\n${requestId}`;
}

/** Changes the service makes on its own: no request writes their records, the reconciler does (reason empty). */
export function isServiceAction(operation: string): boolean {
  return operation === BOOTSTRAP_OPERATION || operation.startsWith(SCHEDULER_OPERATION_PREFIX);
}

/** The chain a request's record goes to: its instance's, or the service-wide one for service-wide streams. */
export function chainOfEvent(event: StoredEvent): string {
  return isUuid(event.meta.instanceId) ? event.meta.instanceId : SERVICE_CHAIN_ID;
}

function keyIdOf(event: StoredEvent): string {
  return event.streamId.startsWith('key:') ? event.streamId.slice('key:'.length) : '';
}

function versionIdOf(event: StoredEvent): string {
  if (event.type !== 'KeyVersionRotated') return '';
  const version = (event.data as { version?: { id?: unknown } } | null)?.version;
  return typeof version?.id === 'string' ? version.id : '';
}

/**
 * Adds `events` to `into`, one entry per request and chain. Events without a request id (written
 * before events carried one) cannot be matched to a record: they are only counted.
 */
export function collectChangeRequests(
  events: readonly StoredEvent[],
  into: Map<string, ChangeRequest>,
): { unattributed: number } {
  let unattributed = 0;
  for (const event of events) {
    const requestId = event.meta.requestId;
    if (!requestId) {
      unattributed += 1;
      continue;
    }
    const chain = chainOfEvent(event);
    const key = requestKey(chain, requestId);
    const timeMs = Date.parse(event.meta.time);
    const known = into.get(key);
    if (known) {
      // The record names the key a request changed (an alias claim also touches the alias stream).
      const keyId = known.entry.keyId || keyIdOf(event);
      const keyVersionId = known.entry.keyVersionId || versionIdOf(event);
      into.set(key, {
        ...known,
        timeMs: Math.min(known.timeMs, timeMs),
        entry: { ...known.entry, keyId, keyVersionId },
      });
      continue;
    }
    const operation = event.meta.operation ?? event.type;
    into.set(key, {
      chain,
      requestId,
      timeMs,
      firstEvent: { streamId: event.streamId, version: event.version, type: event.type },
      entry: {
        instanceId: chain === SERVICE_CHAIN_ID ? '' : chain,
        principalId: event.meta.principalId,
        operation,
        keyId: keyIdOf(event),
        keyVersionId: versionIdOf(event),
        outcome: 'success',
        reason: isServiceAction(operation) ? '' : RECONCILED_REASON,
        requestId,
        correlationId: event.meta.correlationId ?? '',
        sourceIp: event.meta.sourceIp ?? '',
      },
    });
  }
  return { unattributed };
}

/**
 * Which of `wanted` (request ids by chain, each with the time of its earliest event) have a record:
 * each chain is read back from its last record until every wanted request is found, or the records
 * are more than `lookBackMs` older than the earliest wanted event (Infinity: the whole chain).
 * Returns the found {@link requestKey}s.
 */
export async function findRecordedRequests(
  storage: Pick<AuditStorage, 'readBack'>,
  wanted: ReadonlyMap<string, ReadonlyMap<string, number>>,
  lookBackMs: number,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const [chain, requests] of wanted) {
    if (requests.size === 0) continue;
    const missing = new Set(requests.keys());
    let earliestMs = Infinity;
    for (const timeMs of requests.values()) earliestMs = Math.min(earliestMs, timeMs);
    const stopBeforeMs = earliestMs - lookBackMs;
    let before: number | null = null;
    while (missing.size > 0) {
      const rows = await storage.readBack(chain, before, READ_BACK_PAGE);
      for (const row of rows) if (missing.delete(row.requestId)) found.add(requestKey(chain, row.requestId));
      const last = rows.at(-1);
      if (!last || rows.length < READ_BACK_PAGE || Date.parse(last.time) < stopBeforeMs) break;
      before = last.seq;
    }
  }
  return found;
}

/** `requests` as {@link findRecordedRequests} wants them. */
export function byChain(requests: Iterable<Pick<ChangeRequest, 'chain' | 'requestId' | 'timeMs'>>) {
  const chains = new Map<string, Map<string, number>>();
  for (const r of requests) {
    const chain = chains.get(r.chain) ?? new Map<string, number>();
    chain.set(r.requestId, Math.min(chain.get(r.requestId) ?? Infinity, r.timeMs));
    chains.set(r.chain, chain);
  }
  return chains;
}
