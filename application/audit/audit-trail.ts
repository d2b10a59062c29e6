/**
 * The audit trail port (DESIGN.md decision 9): every request, denied and failed ones too, yields
 * exactly one record, and no response releases key material unless its record is durable.
 */
export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEntry {
  readonly time: string;
  /** Empty when the request named no (valid) instance. */
  readonly instanceId: string;
  /** Empty when the caller was not authenticated. */
  readonly principalId: string;
  /** The Key Protect SDK operation name, `admin.<name>` or `identity.token` (CONTRACT.md). */
  readonly operation: string;
  readonly keyId: string;
  readonly keyVersionId: string;
  readonly outcome: AuditOutcome;
  /** The reason code of a refusal or failure; empty on success. */
  readonly reason: string;
  readonly requestId: string;
  readonly correlationId: string;
  readonly sourceIp: string;
}

interface AuditTrail {
  /** Resolves once the record is durable; rejects otherwise (the caller then answers 500, fail closed). */
  record(entry: AuditEntry): Promise<void>;
}

/** A stored audit record: the entry, its place in its chain, and the chain's hashes (CONTRACT.md). */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3... within the record's chain (its instance, or the service-wide chain). */
  readonly seq: number;
  /** `hash` of the previous record of the chain; 64 zeros for the first. */
  readonly prevHash: string;
  /** Hex SHA-256 over `prevHash` and the record's fields (application/audit/audit-hash.ts). */
  readonly hash: string;
}

export interface AuditQuery {
  /** The instance whose chain to read; `SERVICE_CHAIN_ID` for the service-wide chain. */
  readonly instanceId: string;
  readonly keyId?: string | undefined;
  readonly principalId?: string | undefined;
  readonly operation?: string | undefined;
  readonly outcome?: AuditOutcome | undefined;
  /** RFC 3339, inclusive. */
  readonly from?: string | undefined;
  /** RFC 3339, inclusive. */
  readonly to?: string | undefined;
  readonly limit: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
}

export interface AuditPage {
  /** Oldest first. */
  readonly records: AuditRecord[];
  readonly nextCursor: string | null;
}

export type AuditVerification =
  | { readonly valid: true; readonly records: number }
  | { readonly valid: false; readonly firstBadSeq: number; readonly reason: string };

export { SERVICE_CHAIN_ID } from '../../events/audit/audit-storage.ts';

/** The audit trail with its read side: the query API and chain verification. */
export interface AuditLog extends AuditTrail {
  query(query: AuditQuery): Promise<AuditPage>;
  /** Walks the instance's whole chain and its signed checkpoints; names the first record that does not hold. */
  verify(instanceId: string): Promise<AuditVerification>;
  /** Commits what is queued, then releases the storage. */
  close(): Promise<void>;
}
