import { HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { ck, type Cryptoki, type Handle } from './cryptoki.ts';
import { findObjects } from './find-objects.ts';
import { masterKeyTemplate } from './templates.ts';

/** A master key: its stable id (the {@link WrappedKey.masterKeyId} it produces) and its handle. */
export interface MasterKey {
  readonly id: string;
  readonly handle: Handle;
}

/**
 * The two master keys. Root key versions and standard key payloads are wrapped under different
 * keys so that the HSM itself keeps them apart: the export path unwraps only under `secrets`,
 * so root key material (under `rootKeys`) fails RFC 5649 integrity there and can never be
 * unwrapped into a readable object. With one master key, nothing in the HSM could stop
 * exportSecret from being handed a root key's wrapped bytes.
 */
export interface MasterKeys {
  readonly rootKeys: MasterKey;
  readonly secrets: MasterKey;
}

/**
 * Finds the master keys under `baseLabel` on the token, creating any that is missing unless `create`
 * is false (a reopen: a token that lost its master keys must stay unusable, never get new ones).
 */
export function ensureMasterKeys(module: Cryptoki, session: Handle, baseLabel: string, create = true): MasterKeys {
  return {
    rootKeys: ensureMasterKey(module, session, `${baseLabel}/root-keys`, create),
    secrets: ensureMasterKey(module, session, `${baseLabel}/secrets`, create),
  };
}

function ensureMasterKey(module: Cryptoki, session: Handle, label: string, create: boolean): MasterKey {
  const found = findObjects(module, session, [
    { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_LABEL, value: label },
  ]);
  if (found.length > 1) throw new HsmUnavailableError(`more than one master key is labelled ${label}`);
  const existing = found[0];
  if (existing !== undefined) {
    assertMasterKeyPolicy(module, session, existing, label);
    return { id: label, handle: existing };
  }
  if (!create) throw new HsmUnavailableError(`master key ${label} not found on the token`);
  const handle = module.C_GenerateKey(session, { mechanism: ck.CKM_AES_KEY_GEN }, masterKeyTemplate(label));
  return { id: label, handle };
}

/** Fails closed if an object found under a master key label could leak what it wraps. */
function assertMasterKeyPolicy(module: Cryptoki, session: Handle, handle: Handle, label: string): void {
  const [keyType, extractable, sensitive, unwrap] = module.C_GetAttributeValue(session, handle, [
    { type: ck.CKA_KEY_TYPE },
    { type: ck.CKA_EXTRACTABLE },
    { type: ck.CKA_SENSITIVE },
    { type: ck.CKA_UNWRAP },
  ]);
  const isTrue = (value: Buffer | undefined) => value !== undefined && value.length > 0 && value[0] === 1;
  const ok =
    keyType !== undefined &&
    keyType.value.readUIntLE(0, Math.min(keyType.value.length, 6)) === ck.CKK_AES &&
    !isTrue(extractable?.value) &&
    isTrue(sensitive?.value) &&
    isTrue(unwrap?.value);
  if (!ok) throw new HsmUnavailableError(`master key ${label} is not a sensitive, non-extractable AES unwrapping key`);
}
