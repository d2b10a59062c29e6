import { ApplicationError } from '../errors.ts';
import type { KeyPolicyInput } from '../../domain/keys/commands.ts';
import type { KeyType } from '../../domain/keys/events.ts';
import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import type { WrappedKey } from '../ports/hsm.ts';
import { aliasClaimStreams, decideAliasClaims } from '../aliases/alias-claims.ts';
import { decideAppends, handleCommands, type RequestScope } from '../command-handler.ts';
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
  const versionId = services.newId();
  const keyStream = keyStreamId(keyId);
  const aliases = [...new Set(input.aliases ?? [])];
  // The key and its aliases commit together: a taken alias or a full alias quota refuses the
  // whole creation, so a client's retry cannot leave keys behind.
  const [created] = await handleCommands(
    services.store,
    [keyStream, ...aliasClaimStreams(scope.instanceId, aliases)],
    async () => {
      const now = services.now().toISOString();
      const key = decideAppends(
        keyAggregate,
        keyStream,
        { state: keyAggregate.decider.initialState(), version: 0 },
        [
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
            versionId,
            material: toWrappedMaterial(wrapped),
            dualAuthDelete: policies.dualAuthDelete.enabled,
            policies: input.policies,
            now,
            principalId,
          },
          ...aliases.map((alias) => ({
            type: 'AddAlias' as const,
            keyId,
            alias,
            now,
            principalId,
            settings: services.settings,
          })),
        ],
        scope,
      );
      return [
        key,
        ...(await decideAliasClaims(services, scope, { keyId, aliases, kind: 'add', now, principalId })),
      ] as const;
    },
  );
  if (!isExisting(created.state)) throw new Error('invariant: a created key exists');
  if (input.secureImport) await markImportTokenUsed(services, scope, principalId);
  return created.state;
}
