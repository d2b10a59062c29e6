/**
 * The bootstrap's Secrets Manager read goes through the AWS SDK client, so it gets what a hand-signed
 * request lacked: the default credential chain (here a shared credentials file, no environment keys),
 * the service-specific endpoint variable, and retries of a server error. Secrets Manager itself is out of
 * reach of the test machines; a local HTTP endpoint speaks its JSON protocol for the two requests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getSecretString } from '../../../functions/shared/secrets-manager.ts';

const ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:keyledger-admin-AbCdEf';

describe('Secrets Manager through the AWS SDK', () => {
  const seen: { target: string; authorization: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        target: String(req.headers['x-amz-target']),
        authorization: String(req.headers.authorization),
        body,
      });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (seen.length === 1) {
        res.statusCode = 500;
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'try again' }));
        return;
      }
      res.end(JSON.stringify({ ARN, Name: 'keyledger-admin', SecretString: 'the-admin-api-key', VersionId: 'v1' }));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-aws-'));

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, '[default]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = c2VjcmV0\n');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      delete process.env[name];
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_REGION = 'eu-central-1';
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the secret with the default credential chain, retrying a server error', async () => {
    assert.equal(await getSecretString(ARN), 'the-admin-api-key');
    assert.equal(seen.length, 2, 'the 500 was retried');
    for (const request of seen) {
      assert.equal(request.target, 'secretsmanager.GetSecretValue');
      assert.deepEqual(JSON.parse(request.body), { SecretId: ARN });
      assert.match(
        request.authorization,
        /^AWS4-HMAC-SHA256 Credential=AKIDFROMFILE\/\d{8}\/eu-central-1\/secretsmanager\//,
      );
    }
  });
});
