/**
 * The published key-state events: every type the README lists ("Webhooks and EventBridge") has a schema, the committed JSON Schemas
 * are the ones generated from the zod schemas, and every key event maps to an event that validates
 * against its own schema (KeySynced, not a state change, is not published).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY_EVENT_TYPES, type KeyEvent } from '../../../domain/keys/events.ts';
import { staleSchemaFiles } from '../../../events/public/generate-json-schemas.ts';
import {
  PUBLIC_EVENT_TYPES,
  assertPublicEvent,
  publicEventSchema,
} from '../../../events/public/key-state-event-schemas.ts';
import { publicEventOf } from '../../../events/public/key-state-events.ts';
import { encodeKeyEvent } from '../../../events/schemas/keys.ts';

const DOCUMENTED_TYPES = [
  'key.created',
  'key.imported',
  'key.rotated',
  'key.disabled',
  'key.enabled',
  'key.expired',
  'key.set_for_deletion',
  'key.unset_for_deletion',
  'key.deleted',
  'key.restored',
  'key.purged',
  'key.moved',
  'key.alias_added',
  'key.alias_removed',
  'key.policy_changed',
  'key.registration_changed',
];

const meta = { time: '2025-01-01T00:00:00.000Z', principalId: 'p-1' };
const version = { id: 'v-2', creationDate: meta.time, material: { masterKeyId: 'm', wrapped: 'd3JhcHBlZA==' } };
const created = {
  keyId: 'k-1',
  instanceId: 'i-1',
  keyType: 'root' as const,
  name: 'root-1',
  extractable: false,
  keyRingId: 'default',
  tags: [],
  version,
  dualAuthDelete: false,
};
const samples: { [T in KeyEvent['type']]: Extract<KeyEvent, { type: T }>['data'] } = {
  KeyCreated: created,
  KeyImported: created,
  KeyVersionRotated: { version, suppliedByCaller: true },
  KeyDisabled: {},
  KeyEnabled: {},
  KeyExpired: { expirationDate: meta.time },
  KeySetForDeletion: {},
  KeyUnsetForDeletion: {},
  KeyDeleted: { force: false },
  KeyRestored: {},
  KeyPurged: { automatic: true },
  KeyMovedToKeyRing: { fromKeyRingId: 'default', toKeyRingId: 'ring-2' },
  AliasAdded: { alias: 'my-alias' },
  AliasRemoved: { alias: 'my-alias' },
  KeyPolicySet: { policy: 'rotation', enabled: true, intervalMonth: 3 },
  RegistrationChanged: { change: 'created', crn: 'crn:v1:x', preventKeyDeletion: true },
  KeySynced: {},
};

void describe('published key-state event schemas', () => {
  void it("cover exactly the contract's event types", () => {
    assert.deepEqual([...PUBLIC_EVENT_TYPES].sort(), [...DOCUMENTED_TYPES].sort());
  });

  void it('are committed as generated (run `npx tsx events/public/generate-json-schemas.ts` after a change)', () => {
    assert.deepEqual(staleSchemaFiles(), []);
  });

  void it('accept every mapped key event and never carry material', () => {
    const seen = new Set<string>();
    KEY_EVENT_TYPES.forEach((type, i) => {
      const encoded = encodeKeyEvent({ type, data: samples[type], meta } as KeyEvent);
      const published = publicEventOf({
        ...encoded,
        streamId: 'key:k-1',
        version: i + 1,
        meta: { ...meta, instanceId: 'i-1' },
      });
      if (type === 'KeySynced') {
        assert.equal(published, null);
        return;
      }
      assert.ok(published, type);
      assertPublicEvent(published);
      assert.equal(published.id, `k-1/${i + 1}`);
      assert.equal(JSON.stringify(published).includes('d3JhcHBlZA=='), false);
      seen.add(published.type);
    });
    assert.deepEqual([...seen].sort(), [...DOCUMENTED_TYPES].sort());
  });

  void it('reject an event whose data holds more than its schema publishes', () => {
    assert.throws(() =>
      publicEventSchema('key.rotated').parse({
        id: 'k/2',
        type: 'key.rotated',
        time: meta.time,
        instanceId: 'i',
        keyId: 'k',
        data: { keyVersionId: 'v', suppliedByCaller: false, material: 'x' },
      }),
    );
  });
});
