/**
 * The HSM port over the crypto function: each method is one synchronous Lambda invocation carrying
 * one request of ./rpc-codec.ts. The API, scheduler and projector functions use this on AWS; they
 * hold no PKCS#11 module, token or PIN (only lambda:InvokeFunction on the crypto function).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  type GcmCiphertext,
  type Hsm,
  HsmUnavailableError,
  type ImportKeyPair,
  type OaepHash,
  type WrappedKey,
} from '../../../application/ports/hsm.ts';
import {
  fromBase64,
  gcmFromWire,
  importKeyPairFromWire,
  readResponse,
  type RpcOperation,
  type RpcRequest,
  type RpcResult,
  toBase64,
  wrappedKeyFromWire,
  wrappedKeyToWire,
} from './rpc-codec.ts';

/**
 * Carries one JSON request to the crypto function and returns its JSON answer. The Lambda invoke is
 * the production transport; tests pass the handler itself, so everything but the network is real.
 */
export type CryptoTransport = (request: string) => Promise<string>;

/** Synchronous invocation of `functionName`; a function-level failure (crash, timeout) is HSM_UNAVAILABLE. */
export function lambdaTransport(client: LambdaClient, functionName: string): CryptoTransport {
  return async (request) => {
    let output;
    try {
      output = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(request),
        }),
      );
    } catch (error) {
      throw new HsmUnavailableError('crypto function could not be invoked', { cause: error });
    }
    // The function's own error payload may echo the request; never surface it.
    if (output.FunctionError !== undefined)
      throw new HsmUnavailableError(`crypto function failed (${output.FunctionError})`);
    return Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
  };
}

/** The {@link Hsm} port over a {@link CryptoTransport}. */
export class RemoteHsm implements Hsm {
  private closed = false;

  constructor(private readonly transport: CryptoTransport) {}

  async generateAesKey(): Promise<WrappedKey> {
    return wrappedKeyFromWire(await this.call('generateAesKey', { op: 'generateAesKey' }));
  }
  async importRootKey(material: Uint8Array): Promise<WrappedKey> {
    return wrappedKeyFromWire(await this.call('importRootKey', { op: 'importRootKey', material: toBase64(material) }));
  }
  async importSecret(material: Uint8Array): Promise<WrappedKey> {
    return wrappedKeyFromWire(await this.call('importSecret', { op: 'importSecret', material: toBase64(material) }));
  }
  async exportSecret(key: WrappedKey): Promise<Uint8Array> {
    return fromBase64((await this.call('exportSecret', { op: 'exportSecret', key: wrappedKeyToWire(key) })).material);
  }
  async encrypt(key: WrappedKey, plaintext: Uint8Array, aad: Uint8Array): Promise<GcmCiphertext> {
    return gcmFromWire(
      await this.call('encrypt', {
        op: 'encrypt',
        key: wrappedKeyToWire(key),
        plaintext: toBase64(plaintext),
        aad: toBase64(aad),
      }),
    );
  }
  async decrypt(key: WrappedKey, sealed: GcmCiphertext, aad: Uint8Array): Promise<Uint8Array> {
    const request = {
      op: 'decrypt',
      key: wrappedKeyToWire(key),
      iv: toBase64(sealed.iv),
      ciphertext: toBase64(sealed.ciphertext),
      aad: toBase64(aad),
    } as const;
    return fromBase64((await this.call('decrypt', request)).plaintext);
  }
  async random(length: number): Promise<Uint8Array> {
    return fromBase64((await this.call('random', { op: 'random', length })).bytes);
  }
  async ensureSigningKey(label: string): Promise<Uint8Array> {
    return fromBase64((await this.call('ensureSigningKey', { op: 'ensureSigningKey', label })).publicKeyDer);
  }
  async sign(label: string, data: Uint8Array): Promise<Uint8Array> {
    return fromBase64((await this.call('sign', { op: 'sign', label, data: toBase64(data) })).signature);
  }
  async generateImportKeyPair(): Promise<ImportKeyPair> {
    return importKeyPairFromWire(await this.call('generateImportKeyPair', { op: 'generateImportKeyPair' }));
  }
  async importWithRsaOaep(id: string, encrypted: Uint8Array, hash: OaepHash): Promise<WrappedKey> {
    return wrappedKeyFromWire(
      await this.call('importWithRsaOaep', { op: 'importWithRsaOaep', id, encrypted: toBase64(encrypted), hash }),
    );
  }
  async destroyImportKeyPair(id: string): Promise<void> {
    await this.call('destroyImportKeyPair', { op: 'destroyImportKeyPair', id });
  }

  /** Stops this client; the crypto function (shared by every caller) keeps running. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async call<Op extends RpcOperation>(op: Op, request: RpcRequest & { op: Op }): Promise<RpcResult<Op>> {
    if (this.closed) throw new HsmUnavailableError('HSM closed');
    const answer = await this.transport(JSON.stringify(request));
    let payload: unknown;
    try {
      payload = JSON.parse(answer);
    } catch {
      throw new HsmUnavailableError(`crypto function sent a malformed answer to ${op}`);
    }
    return readResponse(op, payload);
  }
}

/** The HSM port of a Lambda function: the crypto function named `functionName`. */
export function openLambdaHsm(client: LambdaClient, functionName: string): Hsm {
  return new RemoteHsm(lambdaTransport(client, functionName));
}
