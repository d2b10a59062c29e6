/**
 * Webhook deliveries over HTTP against the real server process, checked the way a consumer would: with
 * the `standardwebhooks` package. Signatures carry the delivery id and timestamp (a replayed or edited
 * delivery fails); a secret rotation signs with both secrets during its overlap and with the new one
 * alone after it; a delivery that fails `KEYLEDGER_WEBHOOK_MAX_ATTEMPTS` times is dead-lettered, listed
 * and redelivered through the administration API, and the ones behind it get one attempt each while the
 * endpoint keeps failing, so its queue drains.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { Admin, call, reasonOf } from '../support/access-helpers.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';
import { WebhookConsumer, type Delivery } from '../support/webhook-consumer.ts';

/** What a consumer does: true when the delivery verifies with this secret (signature, id, timestamp). */
function verifies(secret: string, delivery: Delivery): boolean {
  try {
    new Webhook(secret).verify(delivery.body, delivery.headers);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface DeadLetterView {
  readonly id: string;
  readonly event: { id: string; type: string; keyId: string };
  readonly attempts: number;
  readonly lastError: string;
  readonly deadLetteredAt: string;
}

void describe('webhook delivery: Standard Webhooks signatures, secret rotation, dead letters', () => {
  let server: ServerProcess;
  let admin: Admin;
  let instance: string;
  let subscription: string;
  let secret: string;
  const consumer = new WebhookConsumer();

  before(async () => {
    await consumer.start();
    server = await startServer({
      KEYLEDGER_WEBHOOK_RETRY_BASE_MS: '20',
      KEYLEDGER_WEBHOOK_RETRY_MAX_MS: '100',
      KEYLEDGER_WEBHOOK_MAX_ATTEMPTS: '3',
    });
    admin = await Admin.connect(server);
    instance = server.defaultInstanceId;
    const res = await call(server, admin.token, 'POST', `/admin/v1/instances/${instance}/subscriptions`, {
      body: { url: consumer.url, events: ['key.created'] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ({ id: subscription, secret } = res.body as { id: string; secret: string });
  });
  after(async () => {
    await consumer.close();
    await server.dispose();
  });

  const subPath = (rest = '', inst = instance, sub = subscription): string =>
    `/admin/v1/instances/${inst}/subscriptions/${sub}${rest}`;

  const createKey = async (name: string): Promise<string> => admin.createKey(instance, name);

  const deliveryOf = async (keyId: string): Promise<Delivery> => {
    await until(`a delivery for ${keyId}`, () => consumer.deliveries.some((d) => d.body.includes(keyId)));
    const found = consumer.deliveries.find((d) => d.body.includes(keyId));
    assert.ok(found);
    return found;
  };

  it('signs each delivery the Standard Webhooks way: id, timestamp and body, verified by the package', async () => {
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'whsec_ and base64 of 32 bytes');
    const keyId = await createKey('signed');
    const delivery = await deliveryOf(keyId);
    const event = new Webhook(secret).verify(delivery.body, delivery.headers) as { id: string; keyId: string };
    assert.equal(event.keyId, keyId);
    assert.equal(delivery.headers['webhook-id'], event.id, 'the webhook-id is the event id');
    assert.equal(delivery.headers['webhook-signature']?.split(' ').length, 1, 'one secret, one signature');
    // What an attacker holding a captured delivery can do: nothing the consumer accepts.
    assert.equal(verifies(secret, { ...delivery, body: delivery.body.replace(keyId, keyId.toUpperCase()) }), false);
    const id = delivery.headers['webhook-id'] ?? '';
    assert.equal(verifies(secret, { ...delivery, headers: { ...delivery.headers, 'webhook-id': `${id}x` } }), false);
    const older = String(Number(delivery.headers['webhook-timestamp']) - 1);
    assert.equal(
      verifies(secret, { ...delivery, headers: { ...delivery.headers, 'webhook-timestamp': older } }),
      false,
    );
    assert.equal(verifies(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, delivery), false, 'another secret');
  });

  it('rotates the secret: both sign during the overlap, the new one alone after it', async () => {
    const rotated = await call(server, admin.token, 'POST', subPath('/secret'), { body: { overlapS: 3600 } });
    assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
    const { secret: second, previousSecretValidUntil } = rotated.body as {
      secret: string;
      previousSecretValidUntil: string;
    };
    assert.notEqual(second, secret);
    assert.ok(Date.parse(previousSecretValidUntil) > Date.now() + 3500_000, previousSecretValidUntil);
    const during = await deliveryOf(await createKey('during-overlap'));
    assert.equal(during.headers['webhook-signature']?.split(' ').length, 2);
    assert.equal(verifies(secret, during), true, 'the old secret still verifies during the overlap');
    assert.equal(verifies(second, during), true, 'the new secret verifies');

    const again = await call(server, admin.token, 'POST', subPath('/secret'), { body: { overlapS: 0 } });
    assert.equal(again.status, 201);
    const third = (again.body as { secret: string }).secret;
    const afterwards = await deliveryOf(await createKey('after-overlap'));
    assert.equal(afterwards.headers['webhook-signature']?.split(' ').length, 1);
    assert.equal(verifies(third, afterwards), true);
    assert.equal(verifies(second, afterwards), false, 'the replaced secret no longer verifies');
    assert.equal(verifies(secret, afterwards), false);
    secret = third;
  });

  it('refuses rotations it cannot do: a bad overlap 400, an unknown subscription 404', async () => {
    for (const body of [{ overlapS: -1 }, { overlapS: 8 * 24 * 3600 }, { overlapS: 1.5 }, { other: 1 }]) {
      const res = await call(server, admin.token, 'POST', subPath('/secret'), { body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    for (const path of [
      subPath('/secret', instance, '00000000-0000-4000-8000-000000000000'),
      subPath('/secret', instance, 'not-a-uuid'),
    ]) {
      const res = await call(server, admin.token, 'POST', path, { body: {} });
      assert.equal(res.status, 404, path);
      assert.equal(reasonOf(res), 'SUBSCRIPTION_NOT_FOUND_ERR');
    }
    const other = await admin.createInstance('webhook-other');
    const res = await call(server, admin.token, 'POST', subPath('/secret', other), { body: {} });
    assert.equal(res.status, 404, "another instance's subscription is not found");
  });

  it('dead-letters a delivery after its last attempt, drains the rest, and redelivers on request', async () => {
    consumer.failing = true;
    const first = await createKey('dead-1');
    const second = await createKey('dead-2');
    let letters: DeadLetterView[] = [];
    const list = async (): Promise<DeadLetterView[]> => {
      const res = await call(server, admin.token, 'GET', subPath('/dead-letters'));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as { deadLetters: DeadLetterView[] }).deadLetters;
    };
    for (let i = 0; i < 600 && letters.length < 2; i++) {
      letters = await list();
      if (letters.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      letters.map((l) => [l.event.keyId, l.event.type, l.attempts, l.lastError]),
      [
        [first, 'key.created', 3, 'HTTP 503'],
        [second, 'key.created', 1, 'HTTP 503'],
      ],
    );
    assert.equal(consumer.refused, 4, 'three attempts of the first, one of the second');

    consumer.failing = false;
    const redeliver = (id: string, sub = subscription) =>
      call(server, admin.token, 'POST', subPath(`/dead-letters/${id}/redeliver`, instance, sub));
    const [a, b] = letters;
    assert.ok(a && b);
    assert.equal((await redeliver(a.id)).status, 202);
    const delivery = await deliveryOf(first);
    assert.equal(delivery.headers['webhook-id'], a.event.id, 'a redelivery keeps its webhook-id');
    assert.equal(verifies(secret, delivery), true);
    assert.deepEqual(
      (await list()).map((l) => l.id),
      [b.id],
    );

    const again = await redeliver(a.id);
    assert.equal(again.status, 404, 'a redelivered letter is no longer a dead letter');
    assert.equal(reasonOf(again), 'DEAD_LETTER_NOT_FOUND_ERR');
    for (const id of ['0', '-1', 'x', '99999999999999999999']) {
      const res = await redeliver(id);
      assert.equal(res.status, 404, id);
      assert.equal(reasonOf(res), 'DEAD_LETTER_NOT_FOUND_ERR');
    }
    assert.equal((await redeliver(b.id, '00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await redeliver(b.id)).status, 202);
    await deliveryOf(second);
    assert.deepEqual(await list(), []);
  });
});
