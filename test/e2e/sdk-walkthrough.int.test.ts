/**
 * The official, unmodified Key Protect SDK against the local server in both local modes (`npm start`:
 * SQLite; `npm run start:dynamodb`: DynamoDB Local with the Streams poller feeding the projector
 * handler): create root and standard keys, list and read them, wrap with and without plaintext and
 * with AAD, unwrap, rewrap; a restart keeps every key and every old ciphertext still unwraps.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { STREAMS_CHECKPOINT_FILE } from '../../server/read-model-feed.ts';
import { localDynamoDbClient } from '../support/dynamodb-local.ts';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

type Sdk = InstanceType<typeof KeyProtect>;

/** The SDK's typings declare request bodies as Buffer | ReadableStream, but it sends plain objects as JSON (as its own docs do). */
const body = (value: object): Buffer => value as unknown as Buffer;

function sdkFor(server: ServerProcess): Sdk {
  return new KeyProtect({
    authenticator: new IamAuthenticator({ apikey: server.adminApiKey, url: server.url }),
    serviceUrl: server.url,
  });
}

type ErrorBody = { resources: { reasons: { code: string }[] }[] };

async function sdkError(promise: Promise<unknown>): Promise<{ status: number; body: ErrorBody }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: string };
    return { status: e.status, body: JSON.parse(e.body) as ErrorBody };
  }
  assert.fail('expected the SDK call to fail');
}

for (const mode of STORE_MODES)
  describe(`Key Protect SDK walkthrough (${mode})`, () => {
    const env = storeEnv(mode);
    let server: ServerProcess;
    let sdk: Sdk;
    let instance: string;
    const dek = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const aad = ['tenant=acme', 'purpose=test'];
    let rootId: string;
    let standardId: string;
    let standardPayload: string;
    let wrappedWithAad: string;
    let generatedDek: string;
    let generatedCiphertext: string;

    before(async () => {
      server = await startServer({
        ...env,
        KEYLEDGER_ADMIN_API_KEY: 'e2e-admin-api-key-0123456789abcdef',
        KEYLEDGER_LOG_LEVEL: 'DEBUG',
      });
      sdk = sdkFor(server);
      instance = server.defaultInstanceId;
    });
    after(async () => {
      await server.dispose();
    });

    it('creates a root key', async () => {
      const res = await sdk.createKey({
        bluemixInstance: instance,
        prefer: 'return=representation',
        body: body({
          metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
          resources: [
            {
              type: 'application/vnd.ibm.kms.key+json',
              name: 'root-1',
              description: 'walkthrough',
              extractable: false,
            },
          ],
        }),
      });
      assert.equal(res.status, 201);
      const key = res.result.resources?.[0];
      assert.ok(key?.id);
      assert.equal(key.extractable, false);
      assert.equal(key.state, 1);
      assert.equal(key.name, 'root-1');
      rootId = key.id;
    });

    it('creates a standard key with a given payload and reads the payload back', async () => {
      standardPayload = Buffer.from('a secret the application keeps').toString('base64');
      const res = await sdk.createKey({
        bluemixInstance: instance,
        body: body({
          metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
          resources: [
            { type: 'application/vnd.ibm.kms.key+json', name: 'std-1', extractable: true, payload: standardPayload },
          ],
        }),
      });
      assert.equal(res.status, 201);
      standardId = res.result.resources?.[0]?.id ?? '';
      const got = await sdk.getKey({ bluemixInstance: instance, id: standardId });
      assert.equal(got.result.resources?.[0]?.payload, standardPayload);
    });

    it('reads metadata without material', async () => {
      const res = await sdk.getKeyMetadata({ bluemixInstance: instance, id: rootId });
      const key = res.result.resources?.[0] as Record<string, unknown> | undefined;
      assert.equal(key?.id, rootId);
      assert.equal(key?.payload, undefined);
    });

    it('lists keys', async () => {
      const res = await sdk.getKeys({ bluemixInstance: instance, limit: 10, offset: 0 });
      const ids = (res.result.resources ?? []).map((k) => k.id);
      assert.ok(ids.includes(rootId));
      assert.ok(ids.includes(standardId));
    });

    it('wraps a given DEK with AAD and unwraps it', async () => {
      const wrapped = await sdk.wrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionWrapBody: body({ plaintext: dek, aad }),
      });
      assert.ok(wrapped.result.ciphertext);
      assert.equal(wrapped.result.plaintext, undefined);
      wrappedWithAad = wrapped.result.ciphertext;
      const unwrapped = await sdk.unwrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionUnwrapBody: body({ ciphertext: wrappedWithAad, aad }),
      });
      assert.equal(unwrapped.result.plaintext, dek);
    });

    it('generates a DEK when no plaintext is given', async () => {
      const wrapped = await sdk.wrapKey({ bluemixInstance: instance, id: rootId, keyActionWrapBody: body({}) });
      assert.equal(Buffer.from(wrapped.result.plaintext ?? '', 'base64').length, 32);
      generatedDek = wrapped.result.plaintext ?? '';
      generatedCiphertext = wrapped.result.ciphertext;
      const unwrapped = await sdk.unwrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionUnwrapBody: body({ ciphertext: generatedCiphertext }),
      });
      assert.equal(unwrapped.result.plaintext, generatedDek);
    });

    it('refuses a wrong AAD with 422 UNPROCESSABLE_CIPHERTEXT_ERR', async () => {
      const err = await sdkError(
        sdk.unwrapKey({
          bluemixInstance: instance,
          id: rootId,
          keyActionUnwrapBody: body({ ciphertext: wrappedWithAad, aad: ['tenant=other'] }),
        }),
      );
      assert.equal(err.status, 422);
      assert.equal(err.body.resources[0]?.reasons[0]?.code, 'UNPROCESSABLE_CIPHERTEXT_ERR');
    });

    it('rewraps a ciphertext', async () => {
      const res = await sdk.rewrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionRewrapBody: body({ ciphertext: wrappedWithAad, aad }),
      });
      assert.ok(res.result.ciphertext);
      assert.notEqual(res.result.ciphertext, wrappedWithAad);
      const unwrapped = await sdk.unwrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionUnwrapBody: body({ ciphertext: res.result.ciphertext, aad }),
      });
      assert.equal(unwrapped.result.plaintext, dek);
    });

    it('refuses to wrap with a standard key and answers 404 for an unknown key', async () => {
      const std = await sdkError(
        sdk.wrapKey({ bluemixInstance: instance, id: standardId, keyActionWrapBody: body({ plaintext: dek }) }),
      );
      assert.ok(std.status >= 400 && std.status < 500);
      const missing = await sdkError(
        sdk.getKey({ bluemixInstance: instance, id: '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b' }),
      );
      assert.equal(missing.status, 404);
      assert.equal(missing.body.resources[0]?.reasons[0]?.code, 'KEY_NOT_FOUND_ERR');
    });

    it('fills the key list and audit read models (DynamoDB mode: through the Streams path)', async (t) => {
      const admin = { authorization: `Bearer ${await tokenFor(server.url, server.adminApiKey)}` };
      const audit = await fetch(`${server.url}/admin/v1/instances/${instance}/audit?limit=1000`, { headers: admin });
      assert.equal(audit.status, 200);
      const operations = ((await audit.json()) as { records: { operation: string }[] }).records.map((r) => r.operation);
      for (const operation of ['createKey', 'getKeys', 'wrapKey', 'unwrapKey', 'rewrapKey'])
        assert.ok(operations.includes(operation), operation);
      if (mode === 'sqlite') {
        t.diagnostic('SQLite mode: the in-process projector feeds the key list');
        return;
      }
      // One path: the in-process projector does not run in this mode, so the key list rows below were
      // written by the projector handler from the records the poller read from the events table's stream.
      const checkpoint = JSON.parse(readFileSync(join(server.dataDir, STREAMS_CHECKPOINT_FILE), 'utf8')) as {
        shards: Record<string, string>;
      };
      assert.ok(Object.values(checkpoint.shards).length > 0, 'the poller has read the stream');
      const ddb = localDynamoDbClient(env.KEYLEDGER_DYNAMODB_ENDPOINT ?? '');
      const rows = await ddb.send(new ScanCommand({ TableName: `${env.KEYLEDGER_TABLE_PREFIX}-key-list` }));
      const keyIds = (rows.Items ?? []).map((item) => item['sk']?.S);
      assert.ok(keyIds.includes(rootId) && keyIds.includes(standardId), 'key list rows of both keys');
      const projection = (rows.Items ?? []).find((item) => item['pk']?.S === '#checkpoint');
      assert.match(
        projection?.['checkpoint']?.S ?? '',
        /^\d+$/,
        'the key-list projection checkpoint is a stream sequence number',
      );
      ddb.destroy();
    });

    it('keeps every key and old ciphertext across a restart', async () => {
      server = await server.restart();
      sdk = sdkFor(server);
      const unwrapped = await sdk.unwrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionUnwrapBody: body({ ciphertext: wrappedWithAad, aad }),
      });
      assert.equal(unwrapped.result.plaintext, dek);
      const generated = await sdk.unwrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionUnwrapBody: body({ ciphertext: generatedCiphertext }),
      });
      assert.equal(generated.result.plaintext, generatedDek);
      const got = await sdk.getKey({ bluemixInstance: instance, id: standardId });
      assert.equal(got.result.resources?.[0]?.payload, standardPayload);
    });

    it('leaves no plaintext key material in the data directory or the logs', async () => {
      await server.stop();
      const secrets = [dek, generatedDek, standardPayload].flatMap((b64) => {
        const raw = Buffer.from(b64, 'base64');
        return [raw, Buffer.from(b64), Buffer.from(raw.toString('hex'))];
      });
      const files = listFiles(server.dataDir);
      if (mode === 'sqlite')
        assert.ok(
          files.some((f) => f.endsWith('.db')),
          'the event store is in the data directory',
        );
      else
        assert.ok(
          existsSync(join(server.dataDir, STREAMS_CHECKPOINT_FILE)),
          'the Streams checkpoint is in the data directory',
        );
      for (const file of files) {
        const content = readFileSync(file);
        for (const secret of secrets) assert.equal(content.indexOf(secret), -1, `key material found in ${file}`);
      }
      if (mode === 'dynamodb') {
        const ddb = localDynamoDbClient(env.KEYLEDGER_DYNAMODB_ENDPOINT ?? '');
        for (const table of ['events', 'key-list', 'audit']) {
          const items = JSON.stringify(
            (await ddb.send(new ScanCommand({ TableName: `${env.KEYLEDGER_TABLE_PREFIX}-${table}` }))).Items ?? [],
          );
          assert.ok(items.length > 2, `${table} table holds items`);
          for (const secret of secrets)
            assert.ok(!items.includes(secret.toString()), `key material found in the ${table} table`);
        }
        ddb.destroy();
      }
      const log = Buffer.from(server.output());
      for (const secret of secrets) assert.equal(log.indexOf(secret), -1, 'key material found in the server output');
    });
  });

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}
