import { ApplicationError } from '../errors.ts';
import type { RotateKey } from '../../domain/keys/commands.ts';
import { keyDecider } from '../../domain/keys/decider.ts';
import type { WrappedMaterial } from '../../domain/keys/events.ts';
import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import { markImportTokenUsed, openSecureImport } from '../import-tokens/secure-import.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';
import { existingAfter, runKeyCommand, type KeyCommandContext } from './key-command.ts';
import { toWrappedMaterial, type SuppliedMaterial } from './material.ts';

/** AES key sizes Key Protect accepts as root key material. */
const ROOT_KEY_LENGTHS = new Set([16, 24, 32]);
const NO_MATERIAL: WrappedMaterial = { masterKeyId: '', wrapped: '' };

/**
 * Rotates a root key: a new version from the HSM for a generated key, from the caller's material for
 * an imported one: `payload` in the clear, or `secureImport` under the instance's import token (the Go
 * client's `RotateV2` with a KeyPayload), which the rotation then counts as a use of. Wrap uses the new version at once; every older version still unwraps and rewraps.
 * The decider is asked first on the loaded state, so a refused rotation (state, key type, interval,
 * missing or unexpected material) costs no HSM work; the command handler then decides again on
 * the state it appends to.
 */
export async function rotateKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  supplied: SuppliedMaterial = {},
): Promise<ExistingKey> {
  const { payload, secureImport } = supplied;
  if (payload !== undefined && !ROOT_KEY_LENGTHS.has(payload.length)) {
    throw new ApplicationError('BAD_BODY_ERR', 'a root key payload must be a base64-encoded 128, 192 or 256-bit key');
  }
  const versionId = services.newId();
  const command = (c: KeyCommandContext, material: WrappedMaterial): RotateKey => ({
    type: 'RotateKey',
    ...c,
    versionId,
    material,
    suppliedByCaller: payload !== undefined || secureImport !== undefined,
  });
  const key = await findKey(services, scope.instanceId, id);
  keyDecider.decide(
    command(
      { keyId: key.keyId, now: services.now().toISOString(), principalId, settings: services.settings },
      NO_MATERIAL,
    ),
    key,
  );
  const material = toWrappedMaterial(
    secureImport
      ? await openSecureImport(services, scope, secureImport)
      : payload === undefined
        ? await services.hsm.generateAesKey()
        : await services.hsm.importRootKey(payload),
  );
  const rotated = existingAfter(await runKeyCommand(services, scope, principalId, id, (c) => command(c, material)));
  if (secureImport) await markImportTokenUsed(services, scope, principalId);
  return rotated;
}
