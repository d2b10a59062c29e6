import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KEY_EVENT_TYPES, type KeyEvent } from '../../../domain/keys/events.ts';
import { decodeKeyEvent, encodeKeyEvent, isKeyEventType, keyEventSchemas } from '../../../events/schemas/keys.ts';
import { currentSchemaVersion, parseEvent, UnknownEventSchemaError } from '../../../events/schemas/registry.ts';

interface Fixture {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly meta: { readonly time: string; readonly instanceId: string; readonly principalId: string };
}

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, fixture: JSON.parse(readFileSync(dir + f, 'utf8')) as Fixture }))
  // Other aggregates' fixtures share the folder; this suite reads the key events'.
  .filter((f) => isKeyEventType(f.fixture.type));

void describe('stored key event fixtures', () => {
  void it('hold one version-1 fixture per key event type', () => {
    const v1 = fixtures.filter((f) => f.fixture.schemaVersion === 1).map((f) => f.fixture.type);
    assert.deepEqual([...v1].sort(), [...KEY_EVENT_TYPES].sort());
  });

  for (const { file, fixture } of fixtures) {
    void it(`${file} parses and upcasts to the current schema`, () => {
      const data = parseEvent(fixture.type, fixture.schemaVersion, fixture.data);
      const type = fixture.type as KeyEvent['type'];
      assert.deepEqual(keyEventSchemas[type].encode(data as never), data);
      const decoded = decodeKeyEvent({ ...fixture, data: fixture.data });
      assert.equal(decoded.type, fixture.type);
      assert.deepEqual(decoded.meta, { time: fixture.meta.time, principalId: fixture.meta.principalId });
    });
  }

  void it('upcasts KeyCreated v1 (no dualAuthDelete) to v2 with dualAuthDelete false', () => {
    const v1 = fixtures.find((f) => f.file === 'KeyCreated.v1.json')?.fixture;
    assert.ok(v1);
    assert.equal((v1.data as Record<string, unknown>)['dualAuthDelete'], undefined);
    const data = parseEvent('KeyCreated', 1, v1.data);
    assert.equal(data.dualAuthDelete, false);
    assert.equal(data.keyRingId, 'default');
    assert.deepEqual(data.tags, []);
  });

  void it('upcasts KeyCreated v2 (no tags) to v3 with no tags', () => {
    const v2 = fixtures.find((f) => f.file === 'KeyCreated.v2.json')?.fixture;
    assert.ok(v2);
    assert.equal((v2.data as Record<string, unknown>)['tags'], undefined);
    const data = parseEvent('KeyCreated', 2, v2.data);
    assert.deepEqual([data.dualAuthDelete, data.tags], [true, []]);
    assert.equal(currentSchemaVersion('KeyCreated'), 3);
  });

  void it('reads KeyCreated v3 as written', () => {
    const v3 = fixtures.find((f) => f.file === 'KeyCreated.v3.json')?.fixture;
    assert.ok(v3);
    assert.deepEqual(parseEvent('KeyCreated', 3, v3.data).tags, ['payments', 'pci dss']);
  });
});

void describe('key event codec', () => {
  void it('encodes at the current version and decodes back to the same domain event', () => {
    const event: KeyEvent = {
      type: 'KeyPolicySet',
      data: { policy: 'dualAuthDelete', enabled: true },
      meta: { time: '2024-06-01T10:00:00.000Z', principalId: 'IBMid-alice' },
    };
    const stored = encodeKeyEvent(event);
    assert.equal(stored.schemaVersion, 1);
    const decoded = decodeKeyEvent({ ...stored, meta: { ...event.meta, instanceId: 'i' } });
    assert.deepEqual(decoded, event);
  });

  void it('refuses data that breaks the schema', () => {
    assert.throws(() => parseEvent('KeyPolicySet', 1, { policy: 'rotation', enabled: true, intervalMonth: 13 }));
    assert.throws(() => parseEvent('KeyCreated', 2, { keyId: 'k' }));
  });

  void it('refuses unknown types and versions', () => {
    assert.throws(() => parseEvent('KeyTeleported', 1, {}), UnknownEventSchemaError);
    assert.throws(() => parseEvent('KeyDisabled', 2, {}), UnknownEventSchemaError);
    assert.throws(() => parseEvent('KeyDisabled', 0, {}), UnknownEventSchemaError);
  });
});
