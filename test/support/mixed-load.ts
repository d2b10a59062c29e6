/**
 * A mixed load of Key Protect requests (creates, rotations, wraps, deletes, restores) from several
 * clients, with a ledger of what the server acknowledged, and the checks that every acknowledged
 * operation survived. Used by the crash suite: the server is killed under this load, restarted on the
 * same data, and {@link Ledger.check} looks for anything acknowledged that was lost.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Answer, KeyProtectClient } from './key-protect-client.ts';

/** What the server acknowledged (2xx), and so must have kept. */
interface AckedKey {
  readonly id: string;
  /** Version ids acknowledged for this key (the first one and each acknowledged rotation's). */
  readonly versions: Set<string>;
}

interface AckedWrap {
  readonly keyId: string;
  readonly plaintext: string;
  readonly ciphertext: string;
  readonly aad: string[];
}

/** What {@link Ledger.check} found; `lost` must be 0. */
export interface CheckReport {
  readonly keys: number;
  readonly versions: number;
  readonly wraps: number;
  readonly requests: number;
  readonly lost: number;
}

export class Ledger {
  /** Keys the load wraps under and rotates; never deleted. */
  readonly wrapKeys = new Map<string, AckedKey>();
  /** Keys the load creates, deletes and restores. */
  readonly lifecycleKeys = new Map<string, AckedKey>();
  readonly wraps: AckedWrap[] = [];
  /** Correlation ids of acknowledged requests: each must have its audit record. */
  readonly requests = new Set<string>();
  /** Answers by status, for the report (409 and 503 under contention are expected, 500 is not). */
  readonly statuses = new Map<number, number>();
  /** Requests whose answer never came (the server was killed under them). */
  unanswered = 0;

  count(answer: Answer): void {
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
  }

  /** Every acknowledged operation, against the restarted server. */
  async check(client: KeyProtectClient): Promise<CheckReport> {
    const listed = await client.listKeys();
    let lost = 0;
    let versions = 0;
    const problems: string[] = [];
    for (const key of [...this.wrapKeys.values(), ...this.lifecycleKeys.values()]) {
      if (!listed.has(key.id)) {
        lost += 1;
        problems.push(`key ${key.id} is not listed`);
        continue;
      }
      const kept = new Set(await client.versions(key.id));
      for (const version of key.versions) {
        versions += 1;
        if (!kept.has(version)) {
          lost += 1;
          problems.push(`version ${version} of key ${key.id} is missing`);
        }
      }
    }
    for (const wrap of this.wraps) {
      const answer = await client.unwrap(wrap.keyId, wrap.ciphertext, wrap.aad);
      const plaintext = (answer.body as { plaintext?: string } | null)?.plaintext;
      if (answer.status !== 200 || plaintext !== wrap.plaintext) {
        lost += 1;
        problems.push(`wrap under ${wrap.keyId} does not unwrap: ${answer.status} ${answer.text.slice(0, 200)}`);
      }
    }
    const recorded = new Set((await client.auditRecords(client.instanceId)).map((r) => r.correlationId));
    for (const correlationId of this.requests) {
      if (!recorded.has(correlationId)) {
        lost += 1;
        problems.push(`request ${correlationId} has no audit record`);
      }
    }
    assert.deepEqual(problems.slice(0, 20), [], `${lost} acknowledged operations lost`);
    return {
      keys: this.wrapKeys.size + this.lifecycleKeys.size,
      versions,
      wraps: this.wraps.length,
      requests: this.requests.size,
      lost,
    };
  }
}

/** Sends one request with a fresh correlation id; an acknowledged one is added to the ledger's requests. */
async function send(
  ledger: Ledger,
  call: (headers: Record<string, string>) => Promise<Answer>,
): Promise<Answer | undefined> {
  const headers = { 'correlation-id': `load-${randomUUID()}`, prefer: 'return=representation' };
  try {
    const answer = await call(headers);
    ledger.count(answer);
    if (answer.status >= 200 && answer.status < 300) ledger.requests.add(headers['correlation-id']);
    return answer;
  } catch {
    ledger.unanswered += 1; // the connection died with the server: the outcome is unknown
    return undefined;
  }
}

function resourceOf(answer: Answer | undefined): { id: string; keyVersion?: { id: string } } | undefined {
  return (answer?.body as { resources?: { id: string; keyVersion?: { id: string } }[] } | null)?.resources?.[0];
}

/** Creates a key and adds it to `into` when acknowledged. */
export async function createAcked(
  ledger: Ledger,
  client: KeyProtectClient,
  into: Map<string, AckedKey>,
): Promise<void> {
  const answer = await send(ledger, (headers) => client.createKey(`load-${randomUUID()}`, { headers }));
  const key = resourceOf(answer);
  if (answer?.status === 201 && key) into.set(key.id, { id: key.id, versions: new Set([key.keyVersion?.id ?? '']) });
}

/** Rotates `key` and adds the new version to it when acknowledged. */
export async function rotateAcked(ledger: Ledger, client: KeyProtectClient, key: AckedKey): Promise<void> {
  const answer = await send(ledger, (headers) => client.rotate(key.id, headers));
  const version = resourceOf(answer)?.keyVersion?.id;
  if (answer?.status === 200 && version) key.versions.add(version);
}

/** Resolves once `count` more requests than now have been acknowledged (at most 120 s). */
export async function acknowledged(ledger: Ledger, count: number): Promise<void> {
  const target = ledger.requests.size + count;
  const deadline = Date.now() + 120_000;
  while (ledger.requests.size < target) {
    assert.ok(Date.now() < deadline, `only ${ledger.requests.size} of ${target} requests acknowledged in 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

/**
 * One client's loop until `stop()` says so: wraps (half of the requests), rotations of the shared wrap
 * keys (under contention with the other clients), and creates, deletes and restores of its own keys.
 */
export async function runClient(ledger: Ledger, client: KeyProtectClient, stop: () => boolean): Promise<void> {
  const mine = new Map<string, AckedKey>();
  const deleted = new Set<string>();
  while (!stop()) {
    const roll = Math.random();
    const wrapKey = pick([...ledger.wrapKeys.values()]);
    if (roll < 0.5 && wrapKey) {
      const plaintext = randomBytes(32).toString('base64');
      const aad = [`load=${randomUUID()}`];
      const answer = await send(ledger, (headers) =>
        client.call('POST', `/api/v2/keys/${wrapKey.id}/actions/wrap`, { headers, body: { plaintext, aad } }),
      );
      const ciphertext = (answer?.body as { ciphertext?: string } | null)?.ciphertext;
      if (answer?.status === 200 && ciphertext) ledger.wraps.push({ keyId: wrapKey.id, plaintext, ciphertext, aad });
    } else if (roll < 0.65 && wrapKey) {
      await rotateAcked(ledger, client, wrapKey);
    } else if (roll < 0.8 || mine.size === 0) {
      await createAcked(ledger, client, mine);
      for (const [id, key] of mine) ledger.lifecycleKeys.set(id, key);
    } else {
      const target = pick([...mine.keys()]);
      if (!target) continue;
      if (deleted.has(target)) {
        const answer = await send(ledger, (headers) =>
          client.call('POST', `/api/v2/keys/${target}/restore`, { headers }),
        );
        if (answer?.status === 201) deleted.delete(target);
      } else {
        const answer = await send(ledger, (headers) => client.call('DELETE', `/api/v2/keys/${target}`, { headers }));
        if (answer?.status === 200 || answer?.status === 204) deleted.add(target);
      }
    }
    if (ledger.unanswered > 0 && stop()) return;
  }
}
