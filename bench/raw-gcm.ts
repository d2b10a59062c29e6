import { ck, type Handle } from '../functions/crypto/pkcs11/cryptoki.ts';
import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmMechanism } from '../functions/crypto/pkcs11/gcm.ts';
import { acquireLibrary, releaseLibrary } from '../functions/crypto/pkcs11/library.ts';
import { prepareSoftHsmToken } from '../functions/crypto/pkcs11/softhsm.ts';
import { findTokenSlot, initialiseToken } from '../functions/crypto/pkcs11/token.ts';
import { rootKeyInUseTemplate } from '../functions/crypto/pkcs11/templates.ts';

/**
 * The fastest AES-256-GCM a SoftHSM token can do from Node, built from the adapter's own
 * primitives (no second pkcs11js binding): one logged-in token, one non-extractable AES-256
 * session key, and a set of sessions. `encryptSync` runs C_Encrypt on the event loop;
 * `encryptAsync` runs C_EncryptAsync on libuv's thread pool, as the adapter does. Both draw a
 * fresh 96-bit IV from the HSM, like keyledger's wrap.
 */
interface RawGcm {
  encryptSync(plaintext: Buffer, aad: Buffer): { iv: Buffer; sealed: Buffer };
  encryptAsync(plaintext: Buffer, aad: Buffer): Promise<{ iv: Buffer; sealed: Buffer }>;
  close(): void;
}

export async function openRawGcm(dataDir: string, sessions: number): Promise<RawGcm> {
  const prepared = await prepareSoftHsmToken(dataDir, { tokenLabel: 'bench' });
  const library = acquireLibrary(prepared.modulePath);
  const module = library.module;
  let slot = findTokenSlot(module, prepared.tokenLabel);
  if (slot === undefined) {
    initialiseToken(module, prepared.tokenLabel, prepared.soPin ?? '', prepared.pin);
    slot = findTokenSlot(module, prepared.tokenLabel);
  }
  if (slot === undefined) throw new Error('bench token not found');
  const flags = ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION;
  const owner = module.C_OpenSession(slot, flags);
  module.C_Login(owner, ck.CKU_USER, prepared.pin);
  const key = module.C_GenerateKey(owner, { mechanism: ck.CKM_AES_KEY_GEN }, [
    ...rootKeyInUseTemplate(),
    { type: ck.CKA_VALUE_LEN, value: 32 },
  ]);
  const idle: Handle[] = [];
  for (let i = 0; i < sessions; i += 1) idle.push(module.C_OpenSession(slot, flags));
  const waiters: Array<(s: Handle) => void> = [];
  const acquire = (): Promise<Handle> => {
    const s = idle.pop();
    return s ? Promise.resolve(s) : new Promise((resolve) => waiters.push(resolve));
  };
  const release = (s: Handle) => {
    const w = waiters.shift();
    if (w) w(s);
    else idle.push(s);
  };
  const syncSession = idle[0] ?? owner;

  const begin = (session: Handle, aad: Buffer): Buffer => {
    const iv = module.C_GenerateRandom(session, Buffer.alloc(GCM_IV_BYTES));
    module.C_EncryptInit(session, gcmMechanism(iv, aad), key);
    return iv;
  };
  return {
    encryptSync(plaintext, aad) {
      const iv = begin(syncSession, aad);
      const sealed = module.C_Encrypt(syncSession, plaintext, Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
      return { iv, sealed };
    },
    async encryptAsync(plaintext, aad) {
      const session = await acquire();
      try {
        const iv = begin(session, aad);
        const sealed = await module.C_EncryptAsync(session, plaintext, Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
        return { iv, sealed };
      } finally {
        release(session);
      }
    },
    close() {
      for (const s of idle) module.C_CloseSession(s);
      module.C_Logout(owner);
      module.C_CloseSession(owner);
      releaseLibrary(library);
    },
  };
}
