/**
 * Attribute templates, one per kind of object the adapter makes. Keeping them side by side
 * makes the policy reviewable: which objects persist, which can ever be read or wrapped.
 */
import { ck, type Template } from './cryptoki.ts';

const secretKey = (keyType: number): Template => [
  { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
  { type: ck.CKA_KEY_TYPE, value: keyType },
];

/** A master key (key-encryption key): persistent, never readable or wrappable, wraps and unwraps only. */
export function masterKeyTemplate(label: string): Template {
  return [
    ...secretKey(ck.CKK_AES),
    { type: ck.CKA_VALUE_LEN, value: 32 },
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: false },
    { type: ck.CKA_MODIFIABLE, value: false },
    { type: ck.CKA_WRAP, value: true },
    { type: ck.CKA_UNWRAP, value: true },
    { type: ck.CKA_ENCRYPT, value: false },
    { type: ck.CKA_DECRYPT, value: false },
    { type: ck.CKA_SIGN, value: false },
    { type: ck.CKA_DERIVE, value: false },
    { type: ck.CKA_LABEL, value: label },
    { type: ck.CKA_ID, value: Buffer.from(label, 'utf8') },
  ];
}

/**
 * A root key on its way in (generated or imported): a session object, unreadable, extractable
 * only so that C_WrapKey can bring it under the master key; destroyed right after.
 */
export function rootKeyToWrapTemplate(): Template {
  return [
    ...secretKey(ck.CKK_AES),
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: true },
    { type: ck.CKA_ENCRYPT, value: false },
    { type: ck.CKA_DECRYPT, value: false },
    { type: ck.CKA_WRAP, value: false },
    { type: ck.CKA_UNWRAP, value: false },
  ];
}

/**
 * A root key unwrapped for use: a session object that encrypts and decrypts and can never be
 * read, wrapped or made extractable again (CKA_EXTRACTABLE false is one-way in PKCS#11).
 */
export function rootKeyInUseTemplate(): Template {
  return [
    ...secretKey(ck.CKK_AES),
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: false },
    { type: ck.CKA_ENCRYPT, value: true },
    { type: ck.CKA_DECRYPT, value: true },
    { type: ck.CKA_WRAP, value: false },
    { type: ck.CKA_UNWRAP, value: false },
  ];
}

/** A standard key payload on its way in: a generic secret, extractable only to be wrapped. */
export function secretToWrapTemplate(value: Buffer): Template {
  return [
    ...secretKey(ck.CKK_GENERIC_SECRET),
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: true },
    { type: ck.CKA_VALUE, value },
  ];
}

/**
 * A standard key payload unwrapped for export: readable because the API hands it back.
 * PKCS#11 reveals CKA_VALUE only when CKA_SENSITIVE is false *and* CKA_EXTRACTABLE is true, so
 * both are set; the object lives for one C_GetAttributeValue. Only the secrets master key ever
 * unwraps into this template, which is what keeps root keys out of it.
 */
export function secretToReadTemplate(): Template {
  return [
    ...secretKey(ck.CKK_GENERIC_SECRET),
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: false },
    { type: ck.CKA_EXTRACTABLE, value: true },
  ];
}

/** DER of the P-256 curve OID (1.2.840.10045.3.1.7), the CKA_EC_PARAMS of signing keys. */
export const P256_EC_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

/** The persistent ECDSA P-256 signing pair `label`; the private half never leaves the token. */
export function signingKeyPairTemplates(label: string): { publicKey: Template; privateKey: Template } {
  const common: Template = [
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_KEY_TYPE, value: ck.CKK_EC },
    { type: ck.CKA_LABEL, value: label },
    { type: ck.CKA_ID, value: Buffer.from(label, 'utf8') },
  ];
  return {
    publicKey: [
      ...common,
      { type: ck.CKA_PRIVATE, value: false },
      { type: ck.CKA_VERIFY, value: true },
      { type: ck.CKA_EC_PARAMS, value: P256_EC_PARAMS },
    ],
    privateKey: [
      ...common,
      { type: ck.CKA_PRIVATE, value: true },
      { type: ck.CKA_SENSITIVE, value: true },
      { type: ck.CKA_EXTRACTABLE, value: false },
      { type: ck.CKA_SIGN, value: true },
    ],
  };
}

/** Label shared by every import key pair; the CKA_ID tells them apart. */
export const IMPORT_KEY_LABEL = 'keyledger-import';

/**
 * An RSA-4096 import pair. The private key is a token object (import tokens outlive a restart,
 * up to 24 h) that only decrypts/unwraps; the public key is a session object, read once for its
 * SPKI and destroyed. CKA_DECRYPT is needed for the raw-RSA path of OAEP-SHA-256 (see
 * import-with-rsa-oaep.ts).
 */
export function importKeyPairTemplates(id: Buffer): { publicKey: Template; privateKey: Template } {
  return {
    publicKey: [
      { type: ck.CKA_TOKEN, value: false },
      { type: ck.CKA_MODULUS_BITS, value: 4096 },
      { type: ck.CKA_PUBLIC_EXPONENT, value: Buffer.from([0x01, 0x00, 0x01]) },
      { type: ck.CKA_ENCRYPT, value: true },
      { type: ck.CKA_WRAP, value: true },
    ],
    privateKey: [
      { type: ck.CKA_TOKEN, value: true },
      { type: ck.CKA_PRIVATE, value: true },
      { type: ck.CKA_SENSITIVE, value: true },
      { type: ck.CKA_EXTRACTABLE, value: false },
      { type: ck.CKA_DECRYPT, value: true },
      { type: ck.CKA_UNWRAP, value: true },
      { type: ck.CKA_SIGN, value: false },
      { type: ck.CKA_LABEL, value: IMPORT_KEY_LABEL },
      { type: ck.CKA_ID, value: id },
    ],
  };
}
