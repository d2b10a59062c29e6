/**
 * The SigV4 signer of the AWS bootstrap's Secrets Manager call (functions/shared/aws-sigv4.ts): the
 * `get-vanilla` case of AWS's Signature Version 4 test suite, and the exact request the bootstrap sends,
 * signed the same by the AWS SDK's own signer (@smithy/signature-v4, present as a dependency of the
 * installed AWS SDK clients).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest } from '../../../functions/shared/aws-sigv4.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The hash the SDK signer wants, over node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

void describe('SigV4 signer', () => {
  void it('matches the get-vanilla case of the AWS SigV4 test suite', () => {
    const headers = signRequest(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {}, body: '' },
      { credentials, region: 'us-east-1', service: 'service', now: new Date('2015-08-30T12:36:00Z') },
    );
    assert.equal(headers['x-amz-date'], '20150830T123600Z');
    assert.equal(
      headers['authorization'],
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  void it('signs the Secrets Manager GetSecretValue request as the AWS SDK signer does, session token included', async () => {
    const now = new Date('2026-03-01T08:09:10Z');
    const body = JSON.stringify({
      SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyledger-admin-AbCdEf',
    });
    const given = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' };
    const session = { ...credentials, sessionToken: 'session/token+value==' };
    const ours = signRequest(
      { method: 'POST', url: new URL('https://secretsmanager.eu-west-1.amazonaws.com/'), headers: given, body },
      { credentials: session, region: 'eu-west-1', service: 'secretsmanager', now },
    );
    const sdk = new SignatureV4({
      credentials: session,
      region: 'eu-west-1',
      service: 'secretsmanager',
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await sdk.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'secretsmanager.eu-west-1.amazonaws.com',
        path: '/',
        query: {},
        headers: { ...given, host: 'secretsmanager.eu-west-1.amazonaws.com' },
        body,
      },
      { signingDate: now },
    );
    const signature = (value: string | undefined) => /Signature=([0-9a-f]{64})/.exec(value ?? '')?.[1];
    assert.ok(signature(ours['authorization']));
    assert.equal(signature(ours['authorization']), signature(signed.headers['authorization']));
    assert.equal(ours['x-amz-security-token'], 'session/token+value==');
  });

  void it('encodes paths and sorts query parameters canonically', async () => {
    const now = new Date('2026-03-01T08:09:10Z');
    const url = new URL('https://example.amazonaws.com/a b/c*d?z=1&a=x y&a=b');
    const ours = signRequest(
      { method: 'GET', url, headers: {}, body: '' },
      { credentials, region: 'us-east-1', service: 'service', now },
    );
    const sdk = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: 'service',
      sha256: Sha256,
      uriEscapePath: true,
      applyChecksum: false,
    });
    const signed = await sdk.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/a%20b/c%2Ad',
        query: { z: '1', a: ['x y', 'b'] },
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: now },
    );
    assert.equal(ours['authorization'], signed.headers['authorization']);
  });
});
