/** The contract every key list read model adapter passes (docs/architecture.md, "Ports and adapters" and "Read models and projections"). */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { DateFilters, KeySearch, KeySort, KeySortField } from '../../../domain/keys/key-listing.ts';
import type { KeyListQuery, KeyListReadModel, KeyPageRow, KeySummaryRow } from '../../../application/ports/key-list.ts';

export interface OpenedKeyList {
  /** A fresh, empty read model. */
  readonly model: KeyListReadModel;
  /** Another handle on the same data. */
  readonly reopen: () => Promise<KeyListReadModel>;
}

/**
 * The model as the tests read it: rows read back with their document text parsed (it must be the text of
 * a JSON object), so they compare with the rows written.
 */
type ReadBack = Omit<KeyListReadModel, 'get' | 'list'> & {
  get(instanceId: string, keyId: string): Promise<KeySummaryRow | null>;
  list(query: KeyListQuery): Promise<PageRead[]>;
};

/** A page row read back, its document parsed: compare with {@link paged} of a row written. */
type PageRead = Omit<KeyPageRow, 'documentJson'> & { document: Record<string, unknown> };

/** What a page lists of a row written. */
function paged(row: KeySummaryRow): PageRead {
  return { instanceId: row.instanceId, keyId: row.keyId, state: row.state, document: row.document };
}

function written<R extends { readonly documentJson: string }>(
  row: R,
): Omit<R, 'documentJson'> & { document: Record<string, unknown> } {
  const { documentJson, ...rest } = row;
  const document = JSON.parse(documentJson) as unknown;
  assert.ok(typeof document === 'object' && document !== null && !Array.isArray(document), 'a JSON object');
  return { ...rest, document: document as Record<string, unknown> };
}

function readBack(model: KeyListReadModel): ReadBack {
  return {
    applyBatch: (...args) => model.applyBatch(...args),
    getCheckpoint: (projection) => model.getCheckpoint(projection),
    count: (filter, atMost) => model.count(filter, atMost),
    listDue: (query) => model.listDue(query),
    close: () => model.close(),
    get: async (instanceId, keyId) => {
      const row = await model.get(instanceId, keyId);
      return row && written(row);
    },
    list: async (query) => (await model.list(query)).map(written),
  };
}

export function keyListContract(name: string, open: () => Promise<OpenedKeyList>): void {
  const withModel = async (body: (model: ReadBack, reopen: () => Promise<ReadBack>) => Promise<void>) => {
    const opened = await open();
    const handles = [opened.model];
    try {
      await body(readBack(opened.model), async () => {
        const handle = await opened.reopen();
        handles.push(handle);
        return readBack(handle);
      });
    } finally {
      for (const handle of handles) await handle.close().catch(() => undefined);
    }
  };

  /** Four keys whose every listing property differs (see the literal orders in the tests below). */
  const withListingKeys = (body: (model: ReadBack, instanceId: string) => Promise<void>) =>
    withModel(async (model) => {
      const instanceId = randomUUID();
      const day = (d: string) => `${d}T00:00:00.000Z`;
      await model.applyBatch(
        'key-list',
        '1',
        [
          row({
            instanceId,
            keyId: 'k3',
            name: 'Alpha',
            aliases: ['a1', 'shared'],
            state: 1,
            creationDate: day('2024-01-01'),
            lastUpdateDate: day('2024-03-01'),
            lastRotateDate: day('2024-02-01'),
            expirationDate: day('2030-01-01'),
          }),
          row({
            instanceId,
            keyId: 'k1',
            name: 'beta',
            state: 2,
            extractable: true,
            imported: true,
            creationDate: day('2024-01-02'),
            lastUpdateDate: day('2024-01-02'),
          }),
          row({
            instanceId,
            keyId: 'k4',
            name: 'Gamma not:x',
            aliases: ['c-1'],
            state: 5,
            imported: true,
            creationDate: day('2024-01-03'),
            lastUpdateDate: day('2024-04-01'),
            lastRotateDate: day('2024-02-01'),
            deletionDate: day('2024-04-01'),
            expirationDate: day('2029-01-01'),
          }),
          row({
            instanceId,
            keyId: 'k2',
            name: 'delta',
            aliases: ['ALPHA-2'],
            state: 1,
            extractable: true,
            creationDate: day('2024-01-01'),
            lastUpdateDate: day('2024-02-15'),
            expirationDate: day('2031-01-01'),
          }),
        ],
        [],
      );
      await model.applyBatch('key-list', '2', [row({ instanceId: randomUUID(), keyId: 'k0', name: 'alpha' })], []);
      await body(model, instanceId);
    });

  void describe(`key list contract: ${name}`, () => {
    void it('stores rows and reads them back by key', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        const a = row({
          instanceId,
          keyId: 'a',
          document: { name: 'a', nested: { list: [1, 'two', null], flag: true } },
        });
        await model.applyBatch('key-list', '1', [a], []);
        assert.deepEqual(await model.get(instanceId, 'a'), a);
        assert.equal(await model.get(instanceId, 'missing'), null);
        assert.equal(await model.get(randomUUID(), 'a'), null);
      }));

    void it('lists one instance by key id unless sorted (creationDate here), with limit and offset, and counts it', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        const rows = [
          row({ instanceId, keyId: 'k3', creationDate: '2024-01-02T00:00:00Z' }),
          row({ instanceId, keyId: 'k2', creationDate: '2024-01-01T00:00:00Z' }),
          row({ instanceId, keyId: 'k1', creationDate: '2024-01-02T00:00:00Z' }),
          row({ instanceId, keyId: 'k0', creationDate: '2024-01-03T00:00:00Z' }),
        ];
        await model.applyBatch('key-list', '1', rows, []);
        await model.applyBatch('key-list', '2', [row({ instanceId: randomUUID(), keyId: 'other' })], []);
        const byId = await model.list({ instanceId, limit: 10, offset: 0 });
        assert.deepEqual(
          byId.map((r) => r.keyId),
          ['k0', 'k1', 'k2', 'k3'],
        );
        const sort = [{ field: 'creationDate', descending: false }] as const;
        const all = await model.list({ instanceId, limit: 10, offset: 0, sort });
        assert.deepEqual(
          all.map((r) => r.keyId),
          ['k2', 'k1', 'k3', 'k0'],
        );
        const page = await model.list({ instanceId, limit: 2, offset: 1, sort });
        assert.deepEqual(
          page.map((r) => r.keyId),
          ['k1', 'k3'],
        );
        assert.deepEqual(await model.list({ instanceId, limit: 2, offset: 4 }), []);
        assert.deepEqual(await model.list({ instanceId, limit: 0, offset: 0 }), []);
        assert.equal(await model.count({ instanceId }), 4);
        assert.deepEqual(await model.list({ instanceId: randomUUID(), limit: 10, offset: 0 }), []);
        assert.equal(await model.count({ instanceId: randomUUID() }), 0);
      }));

    void it('pages a filtered instance in list order, however the rows were written', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        // Same-second creations (ordered by key id), creations in reverse write order, a purged row in the
        // middle; more rows than one read of the DynamoDB adapter takes, so pages span several reads.
        const two = (n: number) => String(n).padStart(2, '0');
        const rows = Array.from({ length: 250 }, (_, i) =>
          row({
            instanceId,
            keyId: `k${String(249 - i).padStart(3, '0')}`,
            state: i % 3 === 0 ? 2 : 1,
            keyRingId: i % 2 ? 'odd' : 'even',
            creationDate: `2024-05-01T12:${two(Math.floor((249 - i) / 240))}:${two(Math.floor((249 - i) / 4) % 60)}Z`,
          }),
        );
        for (let i = 0; i < rows.length; i += 50)
          await model.applyBatch('key-list', String(i + 1), rows.slice(i, i + 50), []);
        await model.applyBatch('key-list', '1000', [], [{ instanceId, keyId: 'k120', lastVersion: 2 }]);
        const ordered = rows.filter((r) => r.keyId !== 'k120').sort((x, y) => (x.keyId < y.keyId ? -1 : 1));
        const expect = (pick: (r: KeySummaryRow) => boolean, offset: number, limit: number) =>
          ordered
            .filter(pick)
            .slice(offset, offset + limit)
            .map((r) => r.keyId);
        const page = async (filter: Partial<Parameters<KeyListReadModel['list']>[0]>, offset: number, limit: number) =>
          (await model.list({ instanceId, offset, limit, ...filter })).map((r) => r.keyId);
        assert.deepEqual(
          await page({}, 0, 10),
          expect(() => true, 0, 10),
        );
        assert.deepEqual(
          await page({}, 115, 10),
          expect(() => true, 115, 10),
        );
        assert.deepEqual(
          await page({}, 240, 20),
          expect(() => true, 240, 20),
        );
        assert.deepEqual(
          await page({ states: [1] }, 140, 30),
          expect((r) => r.state === 1, 140, 30),
        );
        assert.deepEqual(
          await page({ states: [2], keyRingIds: ['odd'] }, 30, 12),
          expect((r) => r.state === 2 && r.keyRingId === 'odd', 30, 12),
        );
        assert.equal(
          await model.count({ instanceId, states: [2], keyRingIds: ['odd'] }),
          ordered.filter((r) => r.state === 2 && r.keyRingId === 'odd').length,
        );
      }));

    void it('filters by state, extractable, key ring and visibility (rings or key ids)', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        await model.applyBatch(
          'key-list',
          '1',
          [
            row({ instanceId, keyId: 'root-active', state: 1, extractable: false, keyRingId: 'default' }),
            row({ instanceId, keyId: 'std-active', state: 1, extractable: true, keyRingId: 'ring-a' }),
            row({ instanceId, keyId: 'root-suspended', state: 2, extractable: false, keyRingId: 'ring-a' }),
            row({ instanceId, keyId: 'root-destroyed', state: 5, extractable: false, keyRingId: 'default' }),
          ],
          [],
        );
        const ids = async (filter: Partial<Parameters<KeyListReadModel['count']>[0]>): Promise<[string[], number]> => {
          const page = await model.list({ instanceId, limit: 100, offset: 0, ...filter });
          return [page.map((r) => r.keyId).sort(), await model.count({ instanceId, ...filter })];
        };
        assert.deepEqual(await ids({ states: [1, 2] }), [['root-active', 'root-suspended', 'std-active'], 3]);
        assert.deepEqual(await ids({ states: [5] }), [['root-destroyed'], 1]);
        assert.deepEqual(await ids({ extractable: true }), [['std-active'], 1]);
        assert.deepEqual(await ids({ extractable: false, states: [1, 2, 3] }), [['root-active', 'root-suspended'], 2]);
        assert.deepEqual(await ids({ keyRingIds: ['ring-a'] }), [['root-suspended', 'std-active'], 2]);
        const visible = (keyRingIds: string[], keyIds: string[]) => ({ visible: { keyRingIds, keyIds } });
        assert.deepEqual(await ids(visible([], ['std-active', 'root-destroyed', 'unknown'])), [
          ['root-destroyed', 'std-active'],
          2,
        ]);
        assert.deepEqual(await ids(visible(['ring-a'], ['root-active', 'std-active'])), [
          ['root-active', 'root-suspended', 'std-active'],
          3,
        ]);
        assert.deepEqual(await ids({ ...visible(['default'], ['std-active']), keyRingIds: ['ring-a'] }), [
          ['std-active'],
          1,
        ]);
        assert.deepEqual(await ids({ keyRingIds: ['default'], states: [1], extractable: false }), [['root-active'], 1]);
        assert.deepEqual(await ids({ states: [] }), [[], 0]);
        assert.deepEqual(await ids(visible([], [])), [[], 0]);
        const many = Array.from({ length: 300 }, (_, i) => `key-${i}`).concat('std-active');
        assert.deepEqual(await ids(visible([], many)), [['std-active'], 1]);
        assert.equal(await model.count({ instanceId }, 2), 2, 'counting stops at atMost');
        assert.equal(await model.count({ instanceId, states: [5] }, 2), 1);
      }));

    void it('sorts by every Key Protect property, ascending and descending, and by several', () =>
      withListingKeys(async (model, instanceId) => {
        const order = async (sort: readonly KeySort[], offset = 0, limit = 10) =>
          (await model.list({ instanceId, limit, offset, sort })).map((r) => r.keyId);
        const asc = (field: KeySortField): KeySort => ({ field, descending: false });
        const desc = (field: KeySortField): KeySort => ({ field, descending: true });
        // Key id breaks ties, in the direction of the last property; a missing date sorts first.
        const expected: [readonly KeySort[], string[]][] = [
          [[], ['k1', 'k2', 'k3', 'k4']],
          [[desc('id')], ['k4', 'k3', 'k2', 'k1']],
          [[asc('state')], ['k2', 'k3', 'k1', 'k4']],
          [[desc('state')], ['k4', 'k1', 'k3', 'k2']],
          [[asc('extractable')], ['k3', 'k4', 'k1', 'k2']],
          [[asc('imported')], ['k2', 'k3', 'k1', 'k4']],
          [[asc('creationDate')], ['k2', 'k3', 'k1', 'k4']],
          [[desc('creationDate')], ['k4', 'k1', 'k3', 'k2']],
          [[asc('lastUpdateDate')], ['k1', 'k2', 'k3', 'k4']],
          [[asc('lastRotateDate')], ['k1', 'k2', 'k3', 'k4']],
          [[desc('lastRotateDate')], ['k4', 'k3', 'k2', 'k1']],
          [[asc('deletionDate')], ['k1', 'k2', 'k3', 'k4']],
          [[asc('expirationDate')], ['k1', 'k4', 'k3', 'k2']],
          [[desc('expirationDate')], ['k2', 'k3', 'k4', 'k1']],
          [
            [asc('state'), desc('creationDate')],
            ['k3', 'k2', 'k1', 'k4'],
          ],
          [
            [asc('extractable'), desc('lastUpdateDate')],
            ['k4', 'k3', 'k2', 'k1'],
          ],
          [
            [desc('imported'), asc('expirationDate')],
            ['k1', 'k4', 'k3', 'k2'],
          ],
        ];
        for (const [sort, keys] of expected) assert.deepEqual(await order(sort), keys, `sort ${JSON.stringify(sort)}`);
        assert.deepEqual(await order([asc('state'), desc('creationDate')], 1, 2), ['k2', 'k1']);
        assert.deepEqual(await order([desc('lastUpdateDate')], 1, 2), ['k3', 'k2']);
        assert.deepEqual(
          (await model.list({ instanceId, limit: 10, offset: 0, states: [1, 2], sort: [desc('state')] })).map(
            (r) => r.keyId,
          ),
          ['k1', 'k3', 'k2'],
        );
      }));

    void it('filters by date conditions, `none` and `never`, and counts the same', () =>
      withListingKeys(async (model, instanceId) => {
        const ids = async (dates: DateFilters): Promise<[string[], number]> => [
          (await model.list({ instanceId, limit: 10, offset: 0, dates })).map((r) => r.keyId),
          await model.count({ instanceId, dates }),
        ];
        const at = (day: string) => `${day}T00:00:00.000Z`;
        assert.deepEqual(await ids({ lastRotateDate: [{ op: 'none' }] }), [['k1', 'k2'], 2]);
        assert.deepEqual(await ids({ creationDate: [{ op: 'gte', at: at('2024-01-02') }] }), [['k1', 'k4'], 2]);
        assert.deepEqual(
          await ids({
            creationDate: [
              { op: 'gt', at: at('2024-01-01') },
              { op: 'lte', at: at('2024-01-02') },
            ],
          }),
          [['k1'], 1],
        );
        assert.deepEqual(await ids({ expirationDate: [{ op: 'lt', at: at('2030-01-01') }] }), [['k4'], 1]);
        assert.deepEqual(await ids({ lastUpdateDate: [{ op: 'eq', at: at('2024-03-01') }] }), [['k3'], 1]);
        assert.deepEqual(await ids({ deletionDate: [{ op: 'none' }], expirationDate: [{ op: 'none' }] }), [['k1'], 1]);
        assert.deepEqual(await ids({ creationDate: [{ op: 'never' }] }), [[], 0]);
        assert.deepEqual(
          (
            await model.list({
              instanceId,
              limit: 10,
              offset: 0,
              states: [1],
              extractable: true,
              dates: { lastRotateDate: [{ op: 'none' }] },
            })
          ).map((r) => r.keyId),
          ['k2'],
        );
      }));

    void it('searches names and aliases: contains, exact, not, scopes, case-insensitively', () =>
      withListingKeys(async (model, instanceId) => {
        const ids = async (query: string, options: Partial<KeySearch> = {}): Promise<[string[], number]> => {
          const search: KeySearch = { query, scopes: ['name', 'alias'], not: false, exact: false, ...options };
          return [
            (await model.list({ instanceId, limit: 10, offset: 0, search })).map((r) => r.keyId),
            await model.count({ instanceId, search }),
          ];
        };
        assert.deepEqual(await ids('alpha'), [['k2', 'k3'], 2]);
        assert.deepEqual(await ids('ALPHA', { scopes: ['name'] }), [['k3'], 1]);
        assert.deepEqual(await ids('alpha', { scopes: ['alias'] }), [['k2'], 1]);
        assert.deepEqual(await ids('A1', { exact: true }), [['k3'], 1]);
        assert.deepEqual(await ids('alpha', { exact: true }), [['k3'], 1]);
        assert.deepEqual(await ids('alpha', { not: true }), [['k1', 'k4'], 2]);
        assert.deepEqual(await ids('a', { not: true, scopes: ['alias'] }), [['k1', 'k4'], 2]);
        assert.deepEqual(await ids('not:x'), [['k4'], 1]);
        assert.deepEqual(await ids('zzz'), [[], 0]);
        assert.deepEqual(
          (
            await model.list({
              instanceId,
              limit: 10,
              offset: 0,
              search: { query: 'a', scopes: ['name', 'alias'], not: false, exact: false },
              sort: [{ field: 'lastUpdateDate', descending: true }],
              states: [1, 2],
            })
          ).map((r) => r.keyId),
          ['k3', 'k2', 'k1'],
        );
      }));

    void it('applies a row only when its version is newer', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        await model.applyBatch('key-list', '1', [row({ instanceId, keyId: 'k', lastVersion: 3, state: 1 })], []);
        await model.applyBatch('key-list', '2', [row({ instanceId, keyId: 'k', lastVersion: 2, state: 2 })], []);
        await model.applyBatch('key-list', '3', [row({ instanceId, keyId: 'k', lastVersion: 3, state: 3 })], []);
        assert.equal((await model.get(instanceId, 'k'))?.state, 1, 'older and equal versions are ignored');
        const newer = row({ instanceId, keyId: 'k', lastVersion: 4, state: 2, document: { changed: true } });
        await model.applyBatch('key-list', '4', [newer], []);
        assert.deepEqual(await model.get(instanceId, 'k'), newer);
        // Within one batch, the newest row of a key wins whatever its position.
        await model.applyBatch(
          'key-list',
          '5',
          [
            row({ instanceId, keyId: 'k', lastVersion: 6, state: 3 }),
            row({ instanceId, keyId: 'k', lastVersion: 5, state: 1 }),
          ],
          [],
        );
        assert.equal((await model.get(instanceId, 'k'))?.state, 3);
      }));

    void it("remembers each projection's checkpoint; a replayed batch changes nothing", () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        assert.equal(await model.getCheckpoint('key-list'), null);
        const batch = [row({ instanceId, keyId: 'k', lastVersion: 1 })];
        await model.applyBatch('key-list', '7', batch, []);
        assert.equal(await model.getCheckpoint('key-list'), '7');
        assert.equal(await model.getCheckpoint('other-projection'), null);
        await model.applyBatch('other-projection', '3', [], []);
        assert.equal(await model.getCheckpoint('other-projection'), '3');
        assert.equal(await model.getCheckpoint('key-list'), '7');
        const before = await model.list({ instanceId, limit: 10, offset: 0 });
        await model.applyBatch('key-list', '7', batch, []);
        assert.deepEqual(await model.list({ instanceId, limit: 10, offset: 0 }), before);
        assert.equal(await model.getCheckpoint('key-list'), '7');
      }));

    void it('removes rows for good: a replayed older upsert does not revive them', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        await model.applyBatch(
          'key-list',
          '1',
          [
            row({ instanceId, keyId: 'purged', lastVersion: 4 }),
            row({ instanceId, keyId: 'kept' }),
            row({ instanceId, keyId: 'final', lastVersion: 2 }),
          ],
          [],
        );
        await model.applyBatch(
          'key-list',
          '2',
          [],
          [
            { instanceId, keyId: 'purged', lastVersion: 5 },
            { instanceId, keyId: 'final' },
          ],
        );
        assert.equal(await model.get(instanceId, 'purged'), null);
        assert.equal(await model.get(instanceId, 'final'), null);
        assert.deepEqual(
          (await model.list({ instanceId, limit: 10, offset: 0 })).map((r) => r.keyId),
          ['kept'],
        );
        assert.equal(await model.count({ instanceId }), 1);
        await model.applyBatch(
          'key-list',
          '3',
          [row({ instanceId, keyId: 'purged', lastVersion: 4 }), row({ instanceId, keyId: 'final', lastVersion: 99 })],
          [],
        );
        assert.equal(await model.get(instanceId, 'purged'), null);
        assert.equal(await model.get(instanceId, 'final'), null, 'a removal without a version is final');
        // A removal of a row never seen still blocks its older upserts arriving later.
        await model.applyBatch('key-list', '4', [], [{ instanceId, keyId: 'early', lastVersion: 3 }]);
        await model.applyBatch('key-list', '5', [row({ instanceId, keyId: 'early', lastVersion: 2 })], []);
        assert.equal(await model.get(instanceId, 'early'), null);
        assert.equal(await model.count({ instanceId }), 1);
      }));

    void it('round-trips unicode documents and survives reopen', () =>
      withModel(async (model, reopen) => {
        const instanceId = randomUUID();
        const r = row({
          instanceId,
          keyId: `ключ-🔑-${randomUUID()}`,
          keyRingId: 'кольцо',
          document: { name: '名前 🔐', description: 'Grüße \u0000 \u2028 👩‍👩‍👧‍👦', aliases: ['α', 'β'] },
        });
        await model.applyBatch('key-list', '1', [r], []);
        const again = await reopen();
        assert.deepEqual(await again.get(instanceId, r.keyId), r);
        assert.deepEqual(await again.list({ instanceId, keyRingIds: ['кольцо'], limit: 10, offset: 0 }), [paged(r)]);
        assert.equal(await again.getCheckpoint('key-list'), '1');
      }));

    void it('finds due keys of every instance by schedule field, ordered and paged, forgetting cleared and removed ones', () =>
      withModel(async (model) => {
        const [i1, i2] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
        const t = (day: number): string => `2030-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
        const r1 = row({ instanceId: i1, keyId: 'k1', schedule: { expiresAt: t(2), rotationBase: t(1) } });
        await model.applyBatch(
          'key-list',
          '1',
          [
            r1,
            row({ instanceId: i2, keyId: 'k2', schedule: { expiresAt: t(2) } }),
            row({ instanceId: i1, keyId: 'k3', schedule: { expiresAt: t(1), rotateAt: t(5) } }),
            row({ instanceId: i2, keyId: 'k4', state: 5, schedule: { deletedAt: t(3) } }),
            row({ instanceId: i1, keyId: 'k5', schedule: { expiresAt: t(9) } }),
            row({ instanceId: i1, keyId: 'k6' }),
          ],
          [],
        );
        assert.deepEqual(await model.get(i1, 'k1'), r1, 'the schedule round-trips');
        const due = (
          field: Parameters<KeyListReadModel['listDue']>[0]['field'],
          atOrBefore: string,
          limit = 10,
          after?: Awaited<ReturnType<KeyListReadModel['listDue']>>[number],
        ) => model.listDue({ field, atOrBefore, limit, after });
        assert.deepEqual(await due('expiresAt', t(2)), [
          { instanceId: i1, keyId: 'k3', dueAt: t(1) },
          { instanceId: i1, keyId: 'k1', dueAt: t(2) },
          { instanceId: i2, keyId: 'k2', dueAt: t(2) },
        ]);
        const first = await due('expiresAt', t(9), 2);
        assert.deepEqual(
          first.map((d) => d.keyId),
          ['k3', 'k1'],
        );
        assert.deepEqual(
          (await due('expiresAt', t(9), 2, first[1])).map((d) => d.keyId),
          ['k2', 'k5'],
        );
        assert.deepEqual(await due('expiresAt', t(9), 2, { instanceId: i1, keyId: 'k5', dueAt: t(9) }), []);
        assert.deepEqual(await due('rotateAt', t(4)), []);
        assert.deepEqual(
          (await due('rotateAt', t(5))).map((d) => d.keyId),
          ['k3'],
        );
        assert.deepEqual(
          (await due('rotationBase', t(31))).map((d) => d.keyId),
          ['k1'],
        );
        assert.deepEqual(await due('deletedAt', t(3)), [{ instanceId: i2, keyId: 'k4', dueAt: t(3) }]);
        assert.deepEqual(await due('expiresAt', '2029-12-31T23:59:59.999Z'), []);
        // A newer row without the field clears it; a removed row is never due.
        await model.applyBatch(
          'key-list',
          '2',
          [row({ instanceId: i1, keyId: 'k3', lastVersion: 2, state: 3 })],
          [{ instanceId: i2, keyId: 'k2', lastVersion: 2 }],
        );
        assert.deepEqual(
          (await due('expiresAt', t(9))).map((d) => d.keyId),
          ['k1', 'k5'],
        );
        assert.deepEqual(await due('rotateAt', t(9)), []);
        assert.equal((await model.get(i1, 'k3'))?.schedule, undefined);
      }));

    void it('rejects malformed rows before writing', () =>
      withModel(async (model) => {
        const instanceId = randomUUID();
        const bad = { ...row({ instanceId, keyId: 'bad' }), state: 1.5 };
        await assert.rejects(model.applyBatch('key-list', '1', [bad], []), TypeError);
        assert.equal(await model.get(instanceId, 'bad'), null);
        assert.equal(await model.getCheckpoint('key-list'), null);
      }));
  });
}

function row(overrides: Partial<KeySummaryRow> & Pick<KeySummaryRow, 'instanceId' | 'keyId'>): KeySummaryRow {
  return {
    name: overrides.keyId,
    aliases: [],
    state: 1,
    extractable: false,
    imported: false,
    keyRingId: 'default',
    creationDate: '2024-05-01T12:00:00.000Z',
    lastUpdateDate: '2024-05-01T12:00:00.000Z',
    lastVersion: 1,
    document: { id: overrides.keyId, type: 'application/vnd.ibm.kms.key+json' },
    ...overrides,
  };
}
