/**
 * The crypto function (container image, functions/crypto/Dockerfile): the only Lambda function that
 * reaches the HSM. Each invocation carries one operation of the HSM port (./remote/rpc-codec.ts);
 * the answer is its result or its typed error. Callers use ./remote/lambda-hsm.ts.
 *
 * Logs name the operation, its outcome and the error code, never inputs or outputs: those are key
 * material, plaintexts, ciphertexts or signatures.
 */
import { z } from 'zod';
import { type Hsm, HsmUnavailableError } from '../../application/ports/hsm.ts';
import { openPkcs11Hsm } from './pkcs11/open-pkcs11-hsm.ts';
import { openSoftHsm } from './pkcs11/open-softhsm.ts';
import {
  errorResponse,
  fromBase64,
  okResponse,
  rpcRequestSchema,
  type RpcRequest,
  type RpcResponse,
  toBase64,
  wrappedKeyFromWire,
  wrappedKeyToWire,
} from './remote/rpc-codec.ts';
import { logger } from '../shared/logger.ts';

/** Runs one decoded request against the port. */
async function execute(hsm: Hsm, request: RpcRequest): Promise<RpcResponse> {
  switch (request.op) {
    case 'generateAesKey':
      return okResponse(request.op, wrappedKeyToWire(await hsm.generateAesKey()));
    case 'importRootKey':
      return okResponse(request.op, wrappedKeyToWire(await hsm.importRootKey(fromBase64(request.material))));
    case 'importSecret':
      return okResponse(request.op, wrappedKeyToWire(await hsm.importSecret(fromBase64(request.material))));
    case 'exportSecret':
      return okResponse(request.op, { material: toBase64(await hsm.exportSecret(wrappedKeyFromWire(request.key))) });
    case 'encrypt': {
      const sealed = await hsm.encrypt(
        wrappedKeyFromWire(request.key),
        fromBase64(request.plaintext),
        fromBase64(request.aad),
      );
      return okResponse(request.op, { iv: toBase64(sealed.iv), ciphertext: toBase64(sealed.ciphertext) });
    }
    case 'decrypt': {
      const sealed = { iv: fromBase64(request.iv), ciphertext: fromBase64(request.ciphertext) };
      return okResponse(request.op, {
        plaintext: toBase64(await hsm.decrypt(wrappedKeyFromWire(request.key), sealed, fromBase64(request.aad))),
      });
    }
    case 'random':
      return okResponse(request.op, { bytes: toBase64(await hsm.random(request.length)) });
    case 'ensureSigningKey':
      return okResponse(request.op, { publicKeyDer: toBase64(await hsm.ensureSigningKey(request.label)) });
    case 'sign':
      return okResponse(request.op, { signature: toBase64(await hsm.sign(request.label, fromBase64(request.data))) });
    case 'generateImportKeyPair': {
      const pair = await hsm.generateImportKeyPair();
      return okResponse(request.op, { id: pair.id, publicKeyDer: toBase64(pair.publicKeyDer) });
    }
    case 'importWithRsaOaep':
      return okResponse(
        request.op,
        wrappedKeyToWire(await hsm.importWithRsaOaep(request.id, fromBase64(request.encrypted), request.hash)),
      );
    case 'destroyImportKeyPair':
      await hsm.destroyImportKeyPair(request.id);
      return okResponse(request.op, {});
  }
}

export interface CryptoFunction {
  /** One invocation: decode, run, answer. Never throws: every failure is an answer with a code. */
  handle(event: unknown): Promise<RpcResponse>;
  /** Closes the HSM if it was opened (tests; Lambda just freezes the instance). */
  close(): Promise<void>;
}

/**
 * The crypto function over an HSM opened on first use by `openHsm` (once per instance: one
 * C_Initialize per process). A failed open is retried on the next invocation.
 */
export function createCryptoFunction(openHsm: () => Promise<Hsm>): CryptoFunction {
  let hsm: Promise<Hsm> | undefined;
  const opened = (): Promise<Hsm> => {
    hsm ??= openHsm().catch((error: unknown) => {
      hsm = undefined;
      throw error;
    });
    return hsm;
  };
  return {
    async handle(event) {
      const parsed = rpcRequestSchema.safeParse(event);
      if (!parsed.success) {
        const op = z.object({ op: z.string().max(64) }).safeParse(event);
        logger.warn('crypto request refused', { op: op.success ? op.data.op : undefined, code: 'HSM_INVALID_INPUT' });
        return { ok: false, error: { code: 'HSM_INVALID_INPUT', message: 'malformed crypto request' } };
      }
      const { op } = parsed.data;
      try {
        const response = await execute(await opened(), parsed.data);
        logger.debug('crypto operation', { op, outcome: 'ok' });
        return response;
      } catch (error) {
        const response = errorResponse(error);
        const unexpected = response.error.code === 'HSM_UNAVAILABLE';
        logger[unexpected ? 'error' : 'info']('crypto operation failed', {
          op,
          code: response.error.code,
          // Port errors and their causes carry CKR names and operation names, never key material.
          ...(unexpected && error instanceof Error
            ? { errorName: error.name, cause: error.cause instanceof Error ? error.cause.message : undefined }
            : {}),
        });
        return response;
      }
    },
    async close() {
      const current = hsm;
      hsm = undefined;
      if (current) await (await current.catch(() => undefined))?.close();
    },
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new HsmUnavailableError(`${name} is not set`);
  return value;
}

/**
 * The token PIN from Secrets Manager, through the AWS Parameters and Secrets Lambda Extension's
 * local HTTP endpoint (no SDK in the image). The extension must be in the image (/opt/extensions).
 */
async function pinFromSecretsManager(secretArn: string, env: NodeJS.ProcessEnv): Promise<string> {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' } });
  } catch (error) {
    throw new HsmUnavailableError('cannot reach the Parameters and Secrets Lambda Extension for the HSM PIN', {
      cause: error,
    });
  }
  if (!response.ok) throw new HsmUnavailableError(`reading the HSM PIN secret failed with status ${response.status}`);
  const body = z.object({ SecretString: z.string().min(1) }).safeParse(await response.json());
  if (!body.success) throw new HsmUnavailableError('the HSM PIN secret has no SecretString');
  return body.data.SecretString;
}

/**
 * Opens the HSM the environment names (set by cdk/constructs/crypto-function.ts):
 * - `KEYLEDGER_HSM_DATA_DIR` (hsm=softhsm): a SoftHSM2 token under that directory (the EFS mount).
 *   The first start initialises the token and generates its user and SO PINs into the same
 *   directory (mode 0600); later starts and concurrent instances find them there.
 * - otherwise (hsm=custom): `KEYLEDGER_HSM_PIN_SECRET_ARN` names the Secrets Manager secret holding
 *   the user PIN of the provisioned token `KEYLEDGER_HSM_TOKEN_LABEL`.
 * `KEYLEDGER_PKCS11_MODULE` is the module's path in the image.
 */
export async function openHsmFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Hsm> {
  const modulePath = required(env, 'KEYLEDGER_PKCS11_MODULE');
  const tokenLabel = env.KEYLEDGER_HSM_TOKEN_LABEL || 'keyledger';
  const dataDir = env.KEYLEDGER_HSM_DATA_DIR;
  if (dataDir) return openSoftHsm({ dataDir, modulePath, tokenLabel });
  const pin = await pinFromSecretsManager(required(env, 'KEYLEDGER_HSM_PIN_SECRET_ARN'), env);
  return openPkcs11Hsm({ modulePath, tokenLabel, pin });
}

const cryptoFunction = createCryptoFunction(() => openHsmFromEnv());

/** Lambda entry (invoked synchronously by the API, scheduler and projector functions). */
export function handler(event: unknown): Promise<RpcResponse> {
  return cryptoFunction.handle(event);
}
