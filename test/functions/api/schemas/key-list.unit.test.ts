/**
 * GET and HEAD /keys query parsing, in Key Protect's syntax as the Go client (keyprotect-go-client
 * listkeys.go) builds it; expected values written out from Key Protect's API reference for `sort`,
 * `search` and `filter`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestError } from '../../../../functions/shared/errors.ts';
import { keyFilterQuery, keyListQuery, parseRfc3339 } from '../../../../functions/api/schemas/key-list.ts';
import { parseQueryParams } from '../../../../functions/api/schemas/params.ts';

const list = (params: Record<string, string>) => parseQueryParams(keyListQuery, params);

function refused(params: Record<string, string>): { code: string; message: string } {
  try {
    list(params);
  } catch (error) {
    assert.ok(error instanceof RequestError);
    assert.equal(error.status, 400);
    return { code: error.code, message: error.message };
  }
  assert.fail(`expected ${JSON.stringify(params)} to be refused`);
}

void describe('GET /keys query (Key Protect syntax)', () => {
  void it('defaults: states 0,1,2,3, no search, no sort (by id), limit 200', () => {
    assert.deepEqual(list({}), {
      states: [0, 1, 2, 3],
      extractable: undefined,
      dates: undefined,
      search: undefined,
      sort: undefined,
      limit: 200,
      offset: 0,
      totalCount: false,
    });
  });

  void it('sort: comma-separated properties, "-" for descending', () => {
    assert.deepEqual(list({ sort: 'creationDate,state' }).sort, [
      { field: 'creationDate', descending: false },
      { field: 'state', descending: false },
    ]);
    assert.deepEqual(list({ sort: '-lastRotateDate' }).sort, [{ field: 'lastRotateDate', descending: true }]);
    assert.deepEqual(list({ sort: 'id,-imported,extractable,deletionDate,expirationDate,lastUpdateDate' }).sort, [
      { field: 'id', descending: false },
      { field: 'imported', descending: true },
      { field: 'extractable', descending: false },
      { field: 'deletionDate', descending: false },
      { field: 'expirationDate', descending: false },
      { field: 'lastUpdateDate', descending: false },
    ]);
  });

  void it("a bad sort is Key Protect's 400 INVALID_QUERY_PARAM_ERR", () => {
    const rule =
      "The query_param 'sort' must be: a valid string from one of this [creationDate,deletionDate,expirationDate,extractable,id,imported,lastRotateDate,lastUpdateDate,state] for descending add '-' in the begining of the string";
    assert.deepEqual(refused({ sort: 'ids' }), { code: 'INVALID_QUERY_PARAM_ERR', message: rule });
    assert.deepEqual(refused({ sort: 'id,' }), { code: 'INVALID_QUERY_PARAM_ERR', message: rule });
    assert.deepEqual(refused({ sort: '' }), { code: 'INVALID_QUERY_PARAM_ERR', message: rule });
    assert.deepEqual(refused({ sort: '--id' }), { code: 'INVALID_QUERY_PARAM_ERR', message: rule });
  });

  void it('search: the Go client trailing comma, options and scopes in any order, escape', () => {
    const search = (value: string) => list({ search: value }).search;
    assert.deepEqual(search('foo,'), { query: 'foo', scopes: ['name', 'alias'], not: false, exact: false });
    assert.deepEqual(search('foo'), { query: 'foo', scopes: ['name', 'alias'], not: false, exact: false });
    assert.deepEqual(search('alias:exact:foo,'), { query: 'foo', scopes: ['alias'], not: false, exact: true });
    assert.deepEqual(search('exact:not:foobar'), {
      query: 'foobar',
      scopes: ['name', 'alias'],
      not: true,
      exact: true,
    });
    assert.deepEqual(search('not:alias:foo'), { query: 'foo', scopes: ['alias'], not: true, exact: false });
    assert.deepEqual(search('name:alias:x,'), { query: 'x', scopes: ['name', 'alias'], not: false, exact: false });
    assert.deepEqual(search('escape:not:x,'), { query: 'not:x', scopes: ['name', 'alias'], not: false, exact: false });
    assert.deepEqual(search('exact:escape:not:foobar'), {
      query: 'not:foobar',
      scopes: ['name', 'alias'],
      not: false,
      exact: true,
    });
    assert.deepEqual(search('a,b,'), { query: 'a,b', scopes: ['name', 'alias'], not: false, exact: false });
    assert.equal(refused({ search: ',' }).code, 'INVALID_QUERY_PARAM_ERR');
    assert.equal(refused({ search: 'not:exact:,' }).code, 'INVALID_QUERY_PARAM_ERR');
  });

  void it('filter: the Go FilterQueryBuilder strings (leading space, RFC3339Nano, none)', () => {
    assert.deepEqual(list({ filter: ' creationDate=gte:"2022-07-05T00:00:00.0000001Z" lastRotateDate=none' }).dates, {
      // A bound finer than a millisecond rounds to the millisecond that keeps the comparison exact.
      creationDate: [{ op: 'gte', at: '2022-07-05T00:00:00.001Z' }],
      lastRotateDate: [{ op: 'none' }],
    });
    assert.deepEqual(
      list({
        filter:
          ' creationDate=gt:"2022-07-05T00:00:00.0000001Z" creationDate=lte:"2022-08-01T00:00:00.9999999Z" expirationDate=lt:"2022-02-15T01:00:00+01:00" deletionDate=NONE',
      }).dates,
      {
        creationDate: [
          { op: 'gt', at: '2022-07-05T00:00:00.000Z' },
          { op: 'lte', at: '2022-08-01T00:00:00.999Z' },
        ],
        expirationDate: [{ op: 'lt', at: '2022-02-15T00:00:00.000Z' }],
        deletionDate: [{ op: 'none' }],
      },
    );
    assert.deepEqual(list({ filter: 'lastUpdateDate="2022-02-15T00:00:00Z"' }).dates, {
      lastUpdateDate: [{ op: 'eq', at: '2022-02-15T00:00:00.000Z' }],
    });
    assert.deepEqual(list({ filter: 'lastUpdateDate="2022-02-15T00:00:00.0000001Z"' }).dates, {
      lastUpdateDate: [{ op: 'never' }],
    });
  });

  void it('filter: state and extractable, which then replace the default states', () => {
    const q = list({ filter: 'lastRotateDate="2022-02-15T00:00:00Z" state=0,1,2,3,5 extractable=FALSE' });
    assert.deepEqual([q.states, q.extractable], [[0, 1, 2, 3, 5], false]);
    assert.deepEqual(list({ filter: 'state=1,5 state=5,2' }).states, [5]);
    assert.deepEqual(
      list({ filter: 'extractable=true extractable=false' }).states,
      [],
      'conditions that exclude each other',
    );
    assert.deepEqual(list({ state: '5,1' }).states, [5, 1]);
  });

  void it("a malformed filter is Key Protect's 400 INVALID_QUERY_PARAM_ERR", () => {
    const rule =
      'The query_param \'filter\' must be: a valid filter query with a valid operator for a property specified after an "=" symbol';
    for (const filter of [
      'creationDate="2022-03-16"',
      'creationDate=2022-03-16T00:00:00Z',
      'creationDate=eq:"2022-03-16T00:00:00Z"',
      'creationDate="2022-02-30T00:00:00Z"',
      'creationDate="2022-03-16T24:00:00Z"',
      'name="x"',
      'creationDate',
      'state=4,',
      'state=6',
      'extractable=yes',
      'creationDate=none creationDate=none creationDate=none creationDate=none',
    ])
      assert.deepEqual(refused({ filter }), { code: 'INVALID_QUERY_PARAM_ERR', message: rule }, filter);
  });

  void it('state or extractable both in filter and as their own parameter: 400', () => {
    assert.equal(refused({ filter: 'state=1', state: '1' }).message.startsWith("The query_param 'state'"), true);
    assert.equal(
      refused({ filter: 'extractable=true', extractable: 'true' }).message.startsWith("The query_param 'extractable'"),
      true,
    );
    assert.deepEqual(list({ filter: 'state=1', extractable: 'true' }).extractable, true);
  });

  void it("limit and offset: Key Protect's rule", () => {
    assert.deepEqual(refused({ limit: '0' }), {
      code: 'INVALID_QUERY_PARAM_ERR',
      message: "The query_param 'limit' must be: an integer between 1 and 5000 (inclusive)",
    });
    assert.equal(refused({ limit: '5001' }).code, 'INVALID_QUERY_PARAM_ERR');
    assert.equal(refused({ limit: 'ten' }).code, 'INVALID_QUERY_PARAM_ERR');
    assert.equal(refused({ offset: '-1' }).code, 'INVALID_QUERY_PARAM_ERR');
  });

  void it('HEAD /keys takes state, extractable and filter', () => {
    assert.deepEqual(parseQueryParams(keyFilterQuery, { filter: ' expirationDate=none', extractable: 'false' }), {
      states: [0, 1, 2, 3],
      extractable: false,
      dates: { expirationDate: [{ op: 'none' }] },
    });
  });
});

void describe('RFC 3339 times as Go writes them', () => {
  void it('parses offsets and up to nine fractional digits, refuses the rest', () => {
    assert.deepEqual(parseRfc3339('2022-07-05T00:00:00.0000001Z'), {
      ms: Date.UTC(2022, 6, 5),
      finer: true,
    });
    assert.deepEqual(parseRfc3339('2022-07-05t02:30:00.5+02:30'), {
      ms: Date.UTC(2022, 6, 5, 0, 0, 0, 500),
      finer: false,
    });
    assert.deepEqual(parseRfc3339('0001-01-01T00:00:00Z'), { ms: -62135596800000, finer: false });
    for (const bad of [
      '2022-07-05',
      '2022-07-05T00:00:00',
      '2022-07-05T00:00:00.1234567891Z',
      '2022-13-01T00:00:00Z',
      '2021-02-29T00:00:00Z',
      '2022-07-05T00:60:00Z',
      '2022-07-05T00:00:00+24:00',
      '0000-01-01T00:00:00+00:01',
    ])
      assert.equal(parseRfc3339(bad), null, bad);
  });
});
