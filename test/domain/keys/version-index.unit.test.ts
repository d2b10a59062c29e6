/** The key version index page decider (domain/keys/version-index.ts): increasing ordinals of one page of 200. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold } from '../../../domain/decider.ts';
import {
  indexPageOf,
  keyVersionIndexDecider as decider,
  type IndexKeyVersion,
} from '../../../domain/keys/version-index.ts';

const index = (ordinal: number): IndexKeyVersion => ({
  type: 'IndexKeyVersion',
  keyId: 'key-1',
  ordinal,
  version: {
    id: `version-${ordinal}`,
    creationDate: '2030-01-01T00:00:00.000Z',
    material: { masterKeyId: 'master-1', wrapped: 'd3JhcHBlZA==' },
  },
  now: '2030-01-02T00:00:00.000Z',
  principalId: 'alice',
});
const after = (...ordinals: number[]) =>
  fold(
    decider,
    decider.initialState(),
    ordinals.flatMap((o) => decider.decide(index(o), decider.initialState())),
  );

void describe('key version index', () => {
  void it('puts ordinals 1 to 200 on page 0, 201 to 400 on page 1', () => {
    assert.deepEqual([1, 200, 201, 400, 401, 10_000].map(indexPageOf), [0, 0, 1, 1, 2, 49]);
  });

  void it('records the version with its ordinal', () => {
    assert.deepEqual(decider.decide(index(6), decider.initialState()), [
      {
        type: 'KeyVersionIndexed',
        data: { keyId: 'key-1', ordinal: 6, version: index(6).version },
        meta: { time: '2030-01-02T00:00:00.000Z', principalId: 'alice' },
      },
    ]);
  });

  void it('counts the versions of a page and keeps its last ordinal', () => {
    assert.deepEqual(after(6, 7, 8), { count: 3, lastOrdinal: 8 });
  });

  void it('refuses an ordinal the page took already, and one of another page', () => {
    assert.throws(() => decider.decide(index(8), after(6, 7, 8)), /indexed already/);
    assert.throws(() => decider.decide(index(201), after(199, 200)), /another index page/);
  });
});
