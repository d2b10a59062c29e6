/**
 * The audit trail port (docs/decisions/0004-fail-closed-audit.md): every request, denied and failed ones too, yields
 * exactly one record, and no response releases key material unless its record is durable.
 */
import type { AuditRecord, AuditStorage } from '../ports/audit-storage.ts';

export type { AuditRecord };
export type AuditOutcome = AuditRecord['outcome'];

/** What a request's record says; the log adds its place in the chain and the hashes. */
export type AuditEntry = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

interface AuditTrail {
  /** Resolves once the record is durable; rejects otherwise (the caller then answers 500, fail closed). */
  record(entry: AuditEntry): Promise<void>;
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
  | {
      readonly valid: true;
      readonly records: number;
      /** The seq the last HSM-signed checkpoint seals; every record up to it is sealed. */
      readonly sealedThrough: number;
      /** Records after `sealedThrough`: durable and hash-chained, sealed within the seal interval. */
      readonly unsealedRecords: number;
      /** Records a writer sealed without having written them (found unsealed after a crash). */
      readonly adoptedRecords: number;
    }
  | { readonly valid: false; readonly firstBadSeq: number; readonly reason: string };

export { SERVICE_CHAIN_ID } from '../ports/audit-storage.ts';

/** The audit trail with its read side: the query API and chain verification. */
export interface AuditLog extends AuditTrail {
  query(query: AuditQuery): Promise<AuditPage>;
  /** Walks the instance's whole chain and its signed checkpoints; names the first record that does not hold. */
  verify(instanceId: string): Promise<AuditVerification>;
  /** A chain read back from its last record (seq, time, request id): the audit reconciler's look-up. */
  readBack: AuditStorage['readBack'];
  /** Commits what is queued, seals every chain this writer holds (final checkpoints), then releases the storage. */
  close(): Promise<void>;
}
