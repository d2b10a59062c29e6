import { ApplicationError } from '../errors.ts';
import type { KeyPolicyInput } from '../../domain/keys/commands.ts';
import type { KeyType } from '../../domain/keys/events.ts';
import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import type { WrappedKey } from '../ports/hsm.ts';
import { changeAlias } from '../aliases/change-alias.ts';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import { markImportTokenUsed, openSecureImport } from '../import-tokens/secure-import.ts';
import { loadInstancePolicies } from '../instances/instance-policies.ts';
import { checkKeyCreateImportAccess } from '../instances/key-create-import-access.ts';
import { assertKeyRingExists } from '../key-rings/key-rings-aggregate.ts';
import type { AppServices } from '../services.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';
import { toWrappedMaterial, type SuppliedMaterial } from './material.ts';

interface CreateKeyInput extends SuppliedMaterial {
  readonly keyType: KeyType;
  readonly name: string;
  readonly description?: string | undefined;
  readonly expirationDate?: string | undefined;
  readonly keyRingId: string;
  /** Aliases to give the key at creation (each claimed in the instance's alias index). */
  readonly aliases?: readonly string[] | undefined;
  /** Key Protect's tags (checked at the edge: at most 30, each 0-30 characters without `<>,:&|`). */
  readonly tags?: readonly string[] | undefined;
  /** The key's own policies, in place of the instance's (POST /keys_with_policy_overrides). */
  readonly policies?: readonly KeyPolicyInput[] | undefined;
}

/** AES key sizes Key Protect accepts for imported root keys. */
const ROOT_KEY_LENGTHS = new Set([16, 24, 32]);
const GENERATED_STANDARD_KEY_BYTES = 32;

/**
 * Creates (generates, imports, or securely imports) a root or standard key and its first version,
 * in an existing key ring of the instance, under the instance's keyCreateImportAccess policy, and
 * with the instance's dualAuthDelete policy as the key's own unless `policies` gives the key its own.
 * Without `payload` or `secureImport` the HSM generates the material; `secureImport` is for root keys only.
 */
export async function createKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  input: CreateKeyInput,
): Promise<ExistingKey> {
  const { hsm } = services;
  await assertKeyRingExists(services, scope.instanceId, input.keyRingId);
  const policies = await loadInstancePolicies(services, scope.instanceId);
  const origin = input.secureImport ? 'securelyImported' : input.payload === undefined ? 'generated' : 'imported';
  checkKeyCreateImportAccess(policies, input.keyType, origin);
  let wrapped: WrappedKey;
  if (input.secureImport) {
    if (input.keyType !== 'root')
      throw new ApplicationError('BAD_BODY_ERR', 'Only root keys can be imported with an import token');
    wrapped = await openSecureImport(services, scope, input.secureImport);
  } else if (input.payload === undefined) {
    wrapped =
      input.keyType === 'root'
        ? await hsm.generateAesKey()
        : await hsm.importSecret(await hsm.random(GENERATED_STANDARD_KEY_BYTES));
  } else {
    if (input.keyType === 'root' && !ROOT_KEY_LENGTHS.has(input.payload.length)) {
      throw new ApplicationError('BAD_BODY_ERR', 'a root key payload must be a base64-encoded 128, 192 or 256-bit key');
    }
    wrapped = input.keyType === 'root' ? await hsm.importRootKey(input.payload) : await hsm.importSecret(input.payload);
  }
  const keyId = services.newId();
  const { state } = await handleCommand(
    services.store,
    keyAggregate,
    keyStreamId(keyId),
    {
      type: 'CreateKey',
      keyId,
      instanceId: scope.instanceId,
      keyType: input.keyType,
      name: input.name,
      description: input.description,
      extractable: input.keyType === 'standard',
      keyRingId: input.keyRingId,
      expirationDate: input.expirationDate,
      tags: input.tags,
      imported: origin !== 'generated',
      versionId: services.newId(),
      material: toWrappedMaterial(wrapped),
      dualAuthDelete: policies.dualAuthDelete.enabled,
      policies: input.policies,
      now: services.now().toISOString(),
      principalId,
    },
    scope,
  );
  if (!isExisting(state)) throw new Error('invariant: a created key exists');
  if (input.secureImport) await markImportTokenUsed(services, scope, principalId);
  let key: ExistingKey = state;
  for (const alias of input.aliases ?? []) key = await changeAlias(services, scope, principalId, keyId, alias, 'add');
  return key;
}
