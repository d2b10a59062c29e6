import { DomainError } from '../../domain/errors.ts';
import type { KeyType } from '../../domain/keys/events.ts';
import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';
import { toWrappedMaterial } from './material.ts';

export interface CreateKeyInput {
  readonly keyType: KeyType;
  readonly name: string;
  readonly description?: string | undefined;
  readonly expirationDate?: string | undefined;
  readonly keyRingId: string;
  /** Caller-supplied material (an import); absent = generated in the HSM. */
  readonly payload?: Buffer | undefined;
}

/** AES key sizes Key Protect accepts for imported root keys. */
const ROOT_KEY_LENGTHS = new Set([16, 24, 32]);
const GENERATED_STANDARD_KEY_BYTES = 32;

/** Creates (generates or imports) a root or standard key and its first version. */
export async function createKey(services: AppServices, scope: RequestScope, principalId: string, input: CreateKeyInput): Promise<ExistingKey> {
  const { hsm } = services;
  let wrapped;
  if (input.payload === undefined) {
    wrapped = input.keyType === 'root'
      ? await hsm.generateAesKey()
      : await hsm.importSecret(await hsm.random(GENERATED_STANDARD_KEY_BYTES));
  } else {
    if (input.keyType === 'root' && !ROOT_KEY_LENGTHS.has(input.payload.length)) {
      throw new DomainError('BAD_BODY_ERR', 'a root key payload must be a base64-encoded 128, 192 or 256-bit key');
    }
    wrapped = input.keyType === 'root' ? await hsm.importRootKey(input.payload) : await hsm.importSecret(input.payload);
  }
  const keyId = services.newId();
  const { state } = await handleCommand(services.store, keyAggregate, keyStreamId(keyId), {
    type: 'CreateKey',
    keyId,
    instanceId: scope.instanceId,
    keyType: input.keyType,
    name: input.name,
    description: input.description,
    extractable: input.keyType === 'standard',
    keyRingId: input.keyRingId,
    expirationDate: input.expirationDate,
    imported: input.payload !== undefined,
    versionId: services.newId(),
    material: toWrappedMaterial(wrapped),
    now: services.now().toISOString(),
    principalId,
  }, scope);
  if (!isExisting(state)) throw new Error('invariant: a created key exists');
  return state;
}
