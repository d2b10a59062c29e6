/**
 * The hash chain of the audit trail. Each record's `hash` is the hex SHA-256 of its predecessor's
 * hash and its own fields in a fixed order (a JSON array, so no field can bleed into another), so
 * editing, removing, inserting or reordering any record breaks the chain at that point. Checkpoints
 * sign a chain head with an HSM key, so the chain cannot be recomputed wholesale either.
 */
import { hash, verify as verifySignature } from 'node:crypto';
import type { AuditCheckpoint, AuditRecord } from '../ports/audit-storage.ts';

export const GENESIS_HASH = '0'.repeat(64);
/** Label of the HSM signing key of audit checkpoints (not the token-signing key). */
export const AUDIT_SIGNING_KEY_LABEL = 'keyledger-audit-checkpoint';

type HashedFields = Omit<AuditRecord, 'hash'>;

export function recordHash(row: HashedFields): string {
  const fields = [
    'keyledger-audit-v1',
    row.seq,
    row.time,
    row.instanceId,
    row.principalId,
    row.operation,
    row.keyId,
    row.keyVersionId,
    row.outcome,
    row.reason,
    row.requestId,
    row.correlationId,
    row.sourceIp,
  ];
  return hash('sha256', `${row.prevHash}\n${JSON.stringify(fields)}`, 'hex');
}

/**
 * The bytes a checkpoint's signature covers. A final checkpoint that adopted nothing keeps the v1
 * form, which every checkpoint had while each commit was sealed (and which meant just that), so
 * stored v1 checkpoints still verify; any other is v2, which signs both fields too.
 */
export function checkpointPayload(chain: string, c: Omit<AuditCheckpoint, 'signature'>): Uint8Array {
  const v1 = [chain, c.n, c.seq, c.hash, c.time, c.keyLabel, c.anomalySeq, c.anomaly];
  return Buffer.from(
    JSON.stringify(
      c.final && c.adoptedFromSeq === 0
        ? ['keyledger-audit-checkpoint-v1', ...v1]
        : ['keyledger-audit-checkpoint-v2', ...v1, c.final, c.adoptedFromSeq],
    ),
  );
}

/** Signs checkpoints with a key the HSM holds. */
export interface CheckpointSigner {
  readonly keyLabel: string;
  /** SubjectPublicKeyInfo (DER) of the signing key, from the HSM. */
  readonly publicKeyDer: Uint8Array;
  /** ECDSA P-256 over SHA-256, raw r||s. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export function checkpointSignatureValid(
  chain: string,
  checkpoint: AuditCheckpoint,
  publicKeyDer: Uint8Array,
): boolean {
  try {
    return verifySignature(
      'sha256',
      checkpointPayload(chain, checkpoint),
      { key: Buffer.from(publicKeyDer), format: 'der', type: 'spki', dsaEncoding: 'ieee-p1363' },
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
