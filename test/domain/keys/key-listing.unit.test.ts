/** Key Protect's listing semantics (domain/keys/key-listing.ts), expected values written out from its API reference. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dateConditionHolds,
  keyOrder,
  searchMatches,
  type KeySearch,
  type ListedKey,
} from '../../../domain/keys/key-listing.ts';

const key = (keyId: string, fields: Partial<ListedKey> = {}): ListedKey => ({
  keyId,
  name: keyId,
  aliases: [],
  state: 1,
  extractable: false,
  imported: false,
  creationDate: '2024-01-01T00:00:00.000Z',
  lastUpdateDate: '2024-01-01T00:00:00.000Z',
  ...fields,
});
const search = (query: string, options: Partial<KeySearch> = {}): KeySearch => ({
  query,
  scopes: ['name', 'alias'],
  not: false,
  exact: false,
  ...options,
});

void describe('key listing semantics', () => {
  void it('search: contains or exact, case-insensitive, scopes OR-ed, not inverts the whole match', () => {
    const k = key('k', { name: 'xFoobar', aliases: ['prod-db', 'Foo'] });
    const cases: [KeySearch, boolean][] = [
      [search('foobar'), true],
      [search('FOOBAR', { exact: true }), false],
      [search('xfoobar', { exact: true }), true],
      [search('foo', { exact: true }), true],
      [search('foo', { exact: true, scopes: ['name'] }), false],
      [search('db', { scopes: ['alias'] }), true],
      [search('db', { scopes: ['name'] }), false],
      [search('db', { not: true }), false],
      [search('nothing', { not: true }), true],
      [search('foo', { not: true, exact: true }), false],
    ];
    for (const [s, expected] of cases) assert.equal(searchMatches(k, s), expected, JSON.stringify(s));
    assert.equal(searchMatches(key('bare'), search('x', { not: true, scopes: ['alias'] })), true);
  });

  void it('date conditions: comparisons, none, never; a missing date meets only none', () => {
    const t = '2024-02-15T00:00:00.000Z';
    assert.deepEqual(
      (['gt', 'gte', 'lt', 'lte', 'eq'] as const).map((op) => dateConditionHolds(t, { op, at: t })),
      [false, true, false, true, true],
    );
    assert.equal(dateConditionHolds(undefined, { op: 'none' }), true);
    assert.equal(dateConditionHolds(t, { op: 'none' }), false);
    assert.equal(dateConditionHolds(undefined, { op: 'lt', at: t }), false);
    assert.equal(dateConditionHolds(t, { op: 'never' }), false);
  });

  void it('order: properties in turn, missing dates first, false before true, key id last in the last direction', () => {
    const keys = [
      key('a', { state: 2, lastRotateDate: '2024-02-01T00:00:00.000Z' }),
      key('b', { state: 1, extractable: true }),
      key('c', { state: 1, lastRotateDate: '2024-01-01T00:00:00.000Z' }),
      key('d', { state: 2 }),
    ];
    const order = (sort: Parameters<typeof keyOrder>[0]) => [...keys].sort(keyOrder(sort)).map((k) => k.keyId);
    assert.deepEqual(order([]), ['a', 'b', 'c', 'd']);
    assert.deepEqual(order([{ field: 'state', descending: false }]), ['b', 'c', 'a', 'd']);
    assert.deepEqual(order([{ field: 'state', descending: true }]), ['d', 'a', 'c', 'b']);
    assert.deepEqual(order([{ field: 'lastRotateDate', descending: false }]), ['b', 'd', 'c', 'a']);
    assert.deepEqual(order([{ field: 'extractable', descending: true }]), ['b', 'd', 'c', 'a']);
    assert.deepEqual(
      order([
        { field: 'state', descending: false },
        { field: 'lastRotateDate', descending: true },
      ]),
      ['c', 'b', 'a', 'd'],
    );
  });
});
