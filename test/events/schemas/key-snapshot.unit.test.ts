/** Key snapshots written before the version index (snapshot 3, every version inline) still load, lifted to snapshot 4. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyAggregate } from '../../../application/keys/key-aggregate.ts';
import { upcastKeySnapshot } from '../../../events/schemas/key-snapshot.ts';

const version = (n: number) => ({
  id: `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  creationDate: `2030-01-${String(n).padStart(2, '0')}T00:00:00.000Z`,
  material: { masterKeyId: 'master-1', wrapped: `d3JhcHBlZC0${n}` },
});
const facts = {
  status: 'Active',
  keyId: '11111111-1111-4111-8111-111111111111',
  instanceId: '22222222-2222-4222-8222-222222222222',
  keyType: 'root',
  name: 'kept',
  extractable: false,
  keyRingId: 'default',
  tags: [],
  dualAuthDelete: false,
  imported: false,
  creationDate: '2030-01-01T00:00:00.000Z',
  createdBy: 'alice',
  lastUpdateDate: '2030-01-12T00:00:00.000Z',
  aliases: ['kept-alias'],
  policyRecords: {},
  registrations: [],
};

void describe('key snapshot 3 -> 4', () => {
  void it('is what the aggregate writes now', () => {
    assert.equal(keyAggregate.snapshotVersion, 4);
  });

  void it('keeps the count of versions and the newest ten, and every other fact as it was', () => {
    const v3 = { ...facts, versions: Array.from({ length: 12 }, (_, i) => version(i + 1)) };
    assert.deepEqual(upcastKeySnapshot(3, v3), {
      ...facts,
      versionCount: 12,
      recentVersions: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(version),
    });
  });

  void it('keeps a key with one version whole', () => {
    assert.deepEqual(upcastKeySnapshot(3, { ...facts, versions: [version(1)] }), {
      ...facts,
      versionCount: 1,
      recentVersions: [version(1)],
    });
  });

  void it('keeps a purged key, which carries no versions', () => {
    const purged = {
      status: 'Purged',
      keyId: facts.keyId,
      instanceId: facts.instanceId,
      purgeDate: '2030-02-01T00:00:00.000Z',
      purgedBy: 'bob',
    };
    assert.deepEqual(upcastKeySnapshot(3, purged), purged);
  });

  void it('lifts nothing older than 3 (the stream is replayed instead)', () => {
    assert.equal(upcastKeySnapshot(2, { ...facts, versions: [version(1)] }), undefined);
  });
});
