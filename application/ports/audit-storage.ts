/**
 * Storage of the audit trail: hash-chained records and signed checkpoints, one chain per instance
 * plus one service-wide chain. Adapters: `events/audit/sqlite/` (the local server, in keyledger.db) and
 * `events/audit/dynamodb/` (the stack's audit table); both pass `test/events/audit/audit-log.contract.ts`.
 * The chaining, signing and group commit live above this port (application/audit/).
 */

/**
 * The chain of records that name no (valid) instance, e.g. a bad token without an existing
 * instance. The audit API reads it under this reserved id, which no instance has (instance ids are UUIDs).
 */
export const SERVICE_CHAIN_ID = '_service';

/** The chain a record of `instanceId` belongs to. */
export function chainOf(instanceId: string): string {
  return instanceId === '' ? SERVICE_CHAIN_ID : instanceId;
}

/** A stored audit record (README "Audit trail"): the request's entry, its place in its chain, and the chain's hashes. */
export interface AuditRecord {
  /** 1, 2, 3... within the record's chain (its instance, or the service-wide chain). */
  readonly seq: number;
  readonly time: string;
  /** Empty when the request named no (valid) instance: the service-wide chain. */
  readonly instanceId: string;
  /** Empty when the caller was not authenticated. */
  readonly principalId: string;
  /** The Key Protect SDK operation name, `admin.<name>` or `identity.token` (README "Audit trail"). */
  readonly operation: string;
  readonly keyId: string;
  readonly keyVersionId: string;
  readonly outcome: 'success' | 'denied' | 'failed';
  /** The reason code of a refusal or failure; empty on success. */
  readonly reason: string;
  readonly requestId: string;
  readonly correlationId: string;
  readonly sourceIp: string;
  /** `hash` of the previous record of the chain; 64 zeros for the first. */
  readonly prevHash: string;
  /** Hex SHA-256 over `prevHash` and the record's fields (application/audit/audit-hash.ts). */
  readonly hash: string;
}

/** A chain head signed with an HSM key: everything up to `seq` is committed to by `hash`. */
export interface AuditCheckpoint {
  /** 1, 2, 3... within the chain (not `seq`: a tampered chain may reuse a seq). */
  readonly n: number;
  readonly seq: number;
  readonly hash: string;
  readonly time: string;
  /** Label of the HSM signing key. */
  readonly keyLabel: string;
  /** First seq of records the writer found it could not vouch for when it took the chain over; 0 if none. */
  readonly anomalySeq: number;
  readonly anomaly: string;
  /**
   * True: the writer left no record after this checkpoint unsealed and writes none without a new
   * checkpoint (every checkpoint of a writer that seals each commit, and the one a writer seals at
   * clean shutdown). False: records may follow it unsealed for up to the seal interval.
   */
  readonly final: boolean;
  /**
   * First seq of records this checkpoint seals that its writer did not write: the unsealed tail a
   * writer found after a checkpoint that was not final (the previous writer stopped without sealing,
   * i.e. crashed); 0 if none.
   */
  readonly adoptedFromSeq: number;
  /** ECDSA P-256 (r||s), base64, over `checkpointPayload`. */
  readonly signature: string;
}

export interface AuditChainTail {
  /** 0 for an empty chain. */
  readonly seq: number;
  readonly hash: string | null;
  readonly checkpoint: AuditCheckpoint | null;
}

/**
 * One chain's part of a commit: rows continuing after `afterSeq` (checked only when there are rows),
 * and maybe a checkpoint. A checkpoint seals any record up to the last row (or the stored tail when
 * there are none): that record must be stored, or written here, with the checkpoint's hash, and
 * the checkpoint's `n` must follow the chain's last checkpoint.
 */
export interface AuditChainWrite {
  readonly chain: string;
  readonly afterSeq: number;
  readonly rows: readonly AuditRecord[];
  readonly checkpoint?: AuditCheckpoint | undefined;
}

/** Where a record sits and which request it records: what the audit reconciler reads back. */
export interface AuditRequestRef {
  readonly seq: number;
  readonly time: string;
  readonly requestId: string;
}

export interface AuditRowFilter {
  readonly chain: string;
  readonly afterSeq: number;
  readonly limit: number;
  readonly keyId?: string | undefined;
  readonly principalId?: string | undefined;
  readonly operation?: string | undefined;
  readonly outcome?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export interface AuditStorage {
  /** The chain's last record and last checkpoint. */
  tail(chain: string): Promise<AuditChainTail>;
  /**
   * Writes every chain's rows and checkpoint durably, or nothing of a chain whose tail moved or whose
   * checkpoint does not fit ({@link AuditChainConflictError}). SQLite commits all chains in one transaction; DynamoDB one
   * transaction per chain (TransactWriteItems, at most {@link MAX_ROWS_PER_CHAIN_WRITE} rows).
   */
  commit(writes: readonly AuditChainWrite[]): Promise<void>;
  /** Matching rows after `afterSeq`, oldest first, at most `limit`; `more` when others may follow. */
  query(filter: AuditRowFilter): Promise<{ rows: AuditRecord[]; more: boolean }>;
  /** Every row after `afterSeq` in seq order, at most `limit` (verification). */
  scan(chain: string, afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /**
   * The chain's records before `beforeSeq` (null: from its last record), newest first, at most
   * `limit`: their seq, time and request id only (the audit reconciler's look-back).
   */
  readBack(chain: string, beforeSeq: number | null, limit: number): Promise<AuditRequestRef[]>;
  /** Every checkpoint of the chain, by `n`. */
  checkpoints(chain: string): Promise<AuditCheckpoint[]>;
  close(): Promise<void>;
}

/** DynamoDB transactions hold 100 items: a condition on the tail, 98 rows and a checkpoint. */
export const MAX_ROWS_PER_CHAIN_WRITE = 98;

/** Another writer extended the chain first: re-read its tail and chain again. */
export class AuditChainConflictError extends Error {
  constructor(
    readonly chain: string,
    options?: ErrorOptions,
  ) {
    super(`audit chain ${chain} moved`, options);
    this.name = 'AuditChainConflictError';
  }
}
