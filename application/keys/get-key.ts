import type { ExistingKey } from '../../domain/keys/state.ts';
import { currentVersion } from '../../domain/keys/state.ts';
import type { AppServices } from '../services.ts';
import { checkCanReadPayload } from '../../domain/keys/use-checks.ts';
import { findKey } from './find-key.ts';
import { toWrappedKey } from './material.ts';

/** A key with, for a standard key, its payload (Key Protect returns standard keys' payloads on GET). */
export async function getKey(
  services: AppServices,
  instanceId: string,
  id: string,
): Promise<{ key: ExistingKey; payload?: Buffer | undefined }> {
  const key = await findKey(services, instanceId, id);
  if (!checkCanReadPayload(key, services.now().toISOString()).allowed) return { key };
  const payload = Buffer.from(await services.hsm.exportSecret(toWrappedKey(currentVersion(key).material)));
  return { key, payload };
}
