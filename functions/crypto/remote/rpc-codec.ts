/**
 * The wire format between the crypto function (functions/crypto/handler.ts) and its client
 * (./lambda-hsm.ts), shared by both so they cannot drift apart. One request is one operation of the
 * {@link Hsm} port; byte strings travel as base64; a failure travels as an error with the port's
 * stable `code`, so the client rethrows the same typed {@link HsmError} the adapter threw.
 *
 * Nothing here logs, and no message carries key material: port errors never hold any.
 */
import { z } from 'zod';
import {
  type GcmCiphertext,
  HsmDecryptError,
  HsmError,
  HsmInvalidInputError,
  HsmUnavailableError,
  HsmUnknownKeyError,
  type ImportKeyPair,
  type WrappedKey,
} from '../../../application/ports/hsm.ts';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const label = z.string().min(1).max(256);
const wrappedKey = z.object({ masterKeyId: label, wrapped: base64 });

/** Every request the crypto function accepts: one per method of the port (close excepted: it is the client's). */
export const rpcRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('generateAesKey') }),
  z.object({ op: z.literal('importRootKey'), material: base64 }),
  z.object({ op: z.literal('importSecret'), material: base64 }),
  z.object({ op: z.literal('exportSecret'), key: wrappedKey }),
  z.object({ op: z.literal('encrypt'), key: wrappedKey, plaintext: base64, aad: base64 }),
  z.object({ op: z.literal('decrypt'), key: wrappedKey, iv: base64, ciphertext: base64, aad: base64 }),
  z.object({ op: z.literal('random'), length: z.number() }),
  z.object({ op: z.literal('ensureSigningKey'), label }),
  z.object({ op: z.literal('sign'), label, data: base64 }),
  z.object({ op: z.literal('generateImportKeyPair') }),
  z.object({ op: z.literal('importWithRsaOaep'), id: label, encrypted: base64, hash: z.enum(['sha1', 'sha256']) }),
  z.object({ op: z.literal('destroyImportKeyPair'), id: z.string().max(256) }),
]);
export type RpcRequest = z.infer<typeof rpcRequestSchema>;
export type RpcOperation = RpcRequest['op'];

/** What each operation answers with. */
export const rpcResultSchemas = {
  generateAesKey: wrappedKey,
  importRootKey: wrappedKey,
  importSecret: wrappedKey,
  exportSecret: z.object({ material: base64 }),
  encrypt: z.object({ iv: base64, ciphertext: base64 }),
  decrypt: z.object({ plaintext: base64 }),
  random: z.object({ bytes: base64 }),
  ensureSigningKey: z.object({ publicKeyDer: base64 }),
  sign: z.object({ signature: base64 }),
  generateImportKeyPair: z.object({ id: label, publicKeyDer: base64 }),
  importWithRsaOaep: wrappedKey,
  destroyImportKeyPair: z.object({}),
} as const satisfies Record<RpcOperation, z.ZodType>;
export type RpcResult<Op extends RpcOperation> = z.infer<(typeof rpcResultSchemas)[Op]>;

/** The port's error codes (application/ports/hsm.ts); anything else is reported as HSM_UNAVAILABLE. */
const errorCode = z.enum(['HSM_DECRYPT_FAILED', 'HSM_UNKNOWN_KEY', 'HSM_INVALID_INPUT', 'HSM_UNAVAILABLE']);
export type RpcErrorCode = z.infer<typeof errorCode>;

export const rpcResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: errorCode, message: z.string().max(1000) }) }),
]);
export type RpcResponse = z.infer<typeof rpcResponseSchema>;

export const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

export const wrappedKeyToWire = (key: WrappedKey): z.infer<typeof wrappedKey> => ({
  masterKeyId: key.masterKeyId,
  wrapped: toBase64(key.wrapped),
});
export const wrappedKeyFromWire = (key: z.infer<typeof wrappedKey>): WrappedKey => ({
  masterKeyId: key.masterKeyId,
  wrapped: fromBase64(key.wrapped),
});
export const gcmFromWire = (sealed: { iv: string; ciphertext: string }): GcmCiphertext => ({
  iv: fromBase64(sealed.iv),
  ciphertext: fromBase64(sealed.ciphertext),
});
export const importKeyPairFromWire = (pair: { id: string; publicKeyDer: string }): ImportKeyPair => ({
  id: pair.id,
  publicKeyDer: fromBase64(pair.publicKeyDer),
});

/** The success answer of `op`, checked against its schema so the server cannot send what the client would refuse. */
export function okResponse<Op extends RpcOperation>(op: Op, result: RpcResult<Op>): RpcResponse {
  return { ok: true, result: rpcResultSchemas[op].parse(result) };
}

/**
 * The failure answer for anything an operation threw. Port errors keep their code and message
 * (which never hold key material); anything else becomes HSM_UNAVAILABLE with a fixed message, so
 * no unexpected internal detail crosses the wire.
 */
export function errorResponse(error: unknown): RpcResponse & { ok: false } {
  if (error instanceof HsmError) {
    const code = errorCode.safeParse(error.code);
    if (code.success) return { ok: false, error: { code: code.data, message: error.message.slice(0, 1000) } };
  }
  return { ok: false, error: { code: 'HSM_UNAVAILABLE', message: 'crypto function failed' } };
}

/** The typed port error a failure answer stands for. */
export function errorFromWire(error: { code: RpcErrorCode; message: string }): HsmError {
  switch (error.code) {
    case 'HSM_DECRYPT_FAILED':
      return new HsmDecryptError();
    case 'HSM_UNKNOWN_KEY':
      return new HsmUnknownKeyError(error.message.replace(/^unknown key: /, ''));
    case 'HSM_INVALID_INPUT':
      return new HsmInvalidInputError(error.message);
    case 'HSM_UNAVAILABLE':
      return new HsmUnavailableError(error.message);
  }
}

/**
 * Reads an answer: the result of `op`, or throws the typed port error it carries. A malformed
 * answer (a different version of the function, a Lambda-level failure) is HSM_UNAVAILABLE.
 */
export function readResponse<Op extends RpcOperation>(op: Op, payload: unknown): RpcResult<Op> {
  const response = rpcResponseSchema.safeParse(payload);
  if (!response.success) throw new HsmUnavailableError(`crypto function sent a malformed answer to ${op}`);
  if (!response.data.ok) throw errorFromWire(response.data.error);
  const result = rpcResultSchemas[op].safeParse(response.data.result);
  if (!result.success) throw new HsmUnavailableError(`crypto function sent a malformed result for ${op}`);
  return result.data as RpcResult<Op>;
}
