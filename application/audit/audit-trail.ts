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

export interface AuditTrail {
  /** Resolves once the record is durable; rejects otherwise (the caller then answers 500, fail closed). */
  record(entry: AuditEntry): Promise<void>;
}
