/**
 * Aliases against the real server over HTTP, on SQLite and on DynamoDB Local: aliases given at creation
 * commit with the key in one atomic append (a taken alias leaves no key behind, so the Go client's and
 * Terraform's retries cannot pile up keys), and an instance holds at most Key Protect's 1,000 aliases,
 * whichever way they are given; a purge releases a key's aliases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../support/access-helpers.ts';
import { KeyProtectClient, reasonCode, type Answer } from '../support/key-protect-client.ts';
import { STORE_MODES, startServer, storeEnv, type ServerProcess } from '../support/local-server.ts';

const KEY_COLLECTION = { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 };

function createWithAliases(
  client: KeyProtectClient,
  name: string,
  aliases: readonly string[],
  path = '/api/v2/keys',
): Promise<Answer> {
  return client.call('POST', path, {
    body: {
      metadata: KEY_COLLECTION,
      resources: [{ type: 'application/vnd.ibm.kms.key+json', name, extractable: false, aliases }],
    },
  });
}

/** How many keys the instance has, in every state (HEAD /keys reads the key list, which reads its writes). */
async function keyTotal(client: KeyProtectClient): Promise<number> {
  const answer = await client.call('HEAD', '/api/v2/keys?state=0,1,2,3,5');
  assert.equal(answer.status, 200);
  return Number(answer.headers.get('key-total'));
}

function idOf(answer: Answer): string {
  const id = (answer.body as { resources?: { id?: string }[] }).resources?.[0]?.id;
  assert.ok(id, answer.text);
  return id;
}

for (const mode of STORE_MODES)
  void describe(`aliases: atomic with the key, 1,000 per instance (${mode})`, () => {
    let server: ServerProcess;
    let admin: Admin;

    before(async () => {
      server = await startServer({ ...storeEnv(mode), KEYLEDGER_MIN_PURGE_DELAY_S: '0' });
      admin = await Admin.connect(server);
    });
    after(async () => {
      await server.dispose();
    });

    async function freshInstance(name: string): Promise<KeyProtectClient> {
      return KeyProtectClient.connect(server.url, server.adminApiKey, await admin.createInstance(name));
    }

    void it('a creation whose alias is taken answers 409 and leaves no key and no alias behind', async () => {
      const client = await freshInstance('atomic aliases');
      const holder = idOf(await createWithAliases(client, 'holder', ['taken-alias']));
      const before = await keyTotal(client);
      assert.equal(before, 1);

      for (const path of ['/api/v2/keys', '/api/v2/keys_with_policy_overrides']) {
        const refused = await createWithAliases(client, 'would-be-duplicate', ['fresh-alias', 'taken-alias'], path);
        assert.equal(refused.status, 409, refused.text);
        assert.equal(reasonCode(refused), 'DUPLICATE_ALIAS_ERR');
        assert.equal(await keyTotal(client), before, `no key left behind by ${path}`);
        const fresh = await client.call('GET', '/api/v2/keys/fresh-alias/metadata');
        assert.equal(fresh.status, 404, 'the new alias of the refused creation was not claimed');
      }
      const listed = await client.call('GET', '/api/v2/keys?state=0,1,2,3,5&search=exact:would-be-duplicate');
      assert.deepEqual((listed.body as { resources?: unknown[] }).resources ?? [], []);
      const stillHeld = await client.call('GET', '/api/v2/keys/taken-alias/metadata');
      assert.equal(idOf(stillHeld), holder);

      const created = await createWithAliases(client, 'two-aliases', ['first-alias', 'second-alias']);
      assert.equal(created.status, 201, created.text);
      const id = idOf(created);
      assert.deepEqual((created.body as { resources: { aliases?: string[] }[] }).resources[0]?.aliases, [
        'first-alias',
        'second-alias',
      ]);
      for (const alias of ['first-alias', 'second-alias'])
        assert.equal(idOf(await client.call('GET', `/api/v2/keys/${alias}/metadata`)), id);
      const overridden = await createWithAliases(
        client,
        'overridden',
        ['third-alias'],
        '/api/v2/keys_with_policy_overrides',
      );
      assert.equal(overridden.status, 201, overridden.text);
      assert.equal(idOf(await client.call('GET', '/api/v2/keys/third-alias/metadata')), idOf(overridden));
      assert.equal(await keyTotal(client), 3);
    });

    // 1,000 aliases take 2 s over HTTP on SQLite and over 30 s on DynamoDB Local (each claim is a transaction of
    // three items, one after another on the instance's alias quota): the count itself is the same decider on both,
    // and the atomic multi-stream append it relies on is the event store contract's, run on both.
    if (mode === 'sqlite')
      void it('the 1,001st alias of an instance is refused, by POST .../aliases and at creation; a release or a purge frees one', async () => {
        const client = await freshInstance('a thousand aliases');
        const ids: string[] = [];
        // 200 keys of 5 aliases: 1,000 aliases, four requests at a time.
        for (let batch = 0; batch < 50; batch++) {
          const answers = await Promise.all(
            [0, 1, 2, 3].map((i) => {
              const n = batch * 4 + i;
              return createWithAliases(
                client,
                `key-${n}`,
                [0, 1, 2, 3, 4].map((a) => `k${n}-a${a}`),
              );
            }),
          );
          for (const answer of answers) {
            assert.equal(answer.status, 201, answer.text);
            ids.push(idOf(answer));
          }
        }
        const spare = idOf(await createWithAliases(client, 'spare', []));
        const total = await keyTotal(client);

        const added = await client.call('POST', `/api/v2/keys/${spare}/aliases/one-too-many`);
        assert.equal(added.status, 400, added.text);
        assert.equal(reasonCode(added), 'KEY_ALIAS_QUOTA_ERR');
        const atCreation = await createWithAliases(client, 'over-quota', ['one-too-many']);
        assert.equal(atCreation.status, 400, atCreation.text);
        assert.equal(reasonCode(atCreation), 'KEY_ALIAS_QUOTA_ERR');
        assert.equal(await keyTotal(client), total, 'the refused creation left no key');

        // Releasing one alias frees one slot, and only one.
        const [first, second] = ids as [string, string];
        assert.equal((await client.call('DELETE', `/api/v2/keys/${first}/aliases/k0-a0`)).status, 204);
        assert.equal((await client.call('POST', `/api/v2/keys/${spare}/aliases/one-too-many`)).status, 201);
        assert.equal(
          reasonCode(await client.call('POST', `/api/v2/keys/${spare}/aliases/two-too-many`)),
          'KEY_ALIAS_QUOTA_ERR',
        );

        // Purging a key releases its five aliases: they free five slots and can name another key.
        assert.equal((await client.call('DELETE', `/api/v2/keys/${second}`)).status, 204);
        const purged = await client.call('DELETE', `/api/v2/keys/${second}/purge`);
        assert.equal(purged.status, 200, purged.text);
        assert.equal((await client.call('POST', `/api/v2/keys/${spare}/aliases/k1-a0`)).status, 201);
        const reused = await createWithAliases(client, 'reuser', ['k1-a1', 'k1-a2', 'k1-a3', 'k1-a4']);
        assert.equal(reused.status, 201, reused.text);
        assert.equal(
          reasonCode(await client.call('POST', `/api/v2/keys/${spare}/aliases/two-too-many`)),
          'KEY_ALIAS_QUOTA_ERR',
        );
      });
  });
