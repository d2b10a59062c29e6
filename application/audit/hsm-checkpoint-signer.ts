import type { Hsm } from '../ports/hsm.ts';
import { AUDIT_SIGNING_KEY_LABEL, type CheckpointSigner } from './audit-hash.ts';

/** The checkpoint signer on an HSM: a persistent, non-extractable P-256 key of its own label. */
export async function hsmCheckpointSigner(
  hsm: Pick<Hsm, 'ensureSigningKey' | 'sign'>,
  keyLabel = AUDIT_SIGNING_KEY_LABEL,
): Promise<CheckpointSigner> {
  const publicKeyDer = await hsm.ensureSigningKey(keyLabel);
  return { keyLabel, publicKeyDer, sign: (data) => hsm.sign(keyLabel, data) };
}
