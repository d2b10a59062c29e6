import { ck, type Cryptoki, type Handle } from './cryptoki.ts';
import { findObjects } from './find-objects.ts';
import { IMPORT_KEY_LABEL } from './templates.ts';

/** Import key pair ids: the hex of a 16-byte CKA_ID drawn from the HSM. */
const IMPORT_KEY_ID = /^[0-9a-f]{32}$/u;

/** The CKA_ID bytes of import key pair `id`, or undefined for an id this adapter never issues. */
export function importKeyIdBytes(id: string): Buffer | undefined {
  return IMPORT_KEY_ID.test(id) ? Buffer.from(id, 'hex') : undefined;
}

/** Every token object (private key, and a public key if some module kept one) of import key pair `id`. */
export function findImportKeyObjects(module: Cryptoki, session: Handle, id: Buffer, objectClass?: number): Handle[] {
  return findObjects(module, session, [
    ...(objectClass === undefined ? [] : [{ type: ck.CKA_CLASS, value: objectClass }]),
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_LABEL, value: IMPORT_KEY_LABEL },
    { type: ck.CKA_ID, value: id },
  ]);
}
