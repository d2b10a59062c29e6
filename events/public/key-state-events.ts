import type { KeyEvent } from '../../domain/keys/events.ts';
import { decodeKeyEvent, isKeyEventType } from '../schemas/keys.ts';
import type { StoredEvent } from '../../application/ports/event-store.ts';
import { assertPublicEvent, type PublicEventType, type PublicKeyEvent } from './key-state-event-schemas.ts';

const KEY_STREAM = /^key:(.+)$/;

function publicData(event: KeyEvent): { type: PublicEventType; data: Record<string, unknown> } | null {
  switch (event.type) {
    case 'KeyCreated':
    case 'KeyImported': {
      const d = event.data;
      return {
        type: event.type === 'KeyCreated' ? 'key.created' : 'key.imported',
        data: {
          keyType: d.keyType,
          name: d.name,
          ...(d.description !== undefined ? { description: d.description } : {}),
          extractable: d.extractable,
          keyRingId: d.keyRingId,
          ...(d.expirationDate !== undefined ? { expirationDate: d.expirationDate } : {}),
          keyVersionId: d.version.id,
          dualAuthDelete: d.dualAuthDelete,
          tags: [...d.tags],
        },
      };
    }
    case 'KeyVersionRotated':
      return {
        type: 'key.rotated',
        data: { keyVersionId: event.data.version.id, suppliedByCaller: event.data.suppliedByCaller },
      };
    case 'KeyDisabled':
      return { type: 'key.disabled', data: {} };
    case 'KeyEnabled':
      return { type: 'key.enabled', data: {} };
    case 'KeyExpired':
      return { type: 'key.expired', data: { expirationDate: event.data.expirationDate } };
    case 'KeySetForDeletion':
      return { type: 'key.set_for_deletion', data: {} };
    case 'KeyUnsetForDeletion':
      return { type: 'key.unset_for_deletion', data: {} };
    case 'KeyDeleted':
      return { type: 'key.deleted', data: { force: event.data.force } };
    case 'KeyRestored':
      return { type: 'key.restored', data: {} };
    case 'KeyPurged':
      return { type: 'key.purged', data: { automatic: event.data.automatic } };
    case 'KeyMovedToKeyRing':
      return { type: 'key.moved', data: { ...event.data } };
    case 'AliasAdded':
      return { type: 'key.alias_added', data: { alias: event.data.alias } };
    case 'AliasRemoved':
      return { type: 'key.alias_removed', data: { alias: event.data.alias } };
    case 'KeyPolicySet':
      return { type: 'key.policy_changed', data: { ...event.data } };
    case 'RegistrationChanged':
      return { type: 'key.registration_changed', data: { ...event.data } };
    // A sync changes no key state consumers see.
    case 'KeySynced':
      return null;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled key event ${String(unhandled)}`);
    }
  }
}

/**
 * The public event of a stored event, or null for events that are not key-state changes. The
 * result is checked against its published schema, so nothing unpublished (material) can slip in.
 */
export function publicEventOf(stored: StoredEvent): PublicKeyEvent | null {
  const keyId = KEY_STREAM.exec(stored.streamId)?.[1];
  if (keyId === undefined || !isKeyEventType(stored.type)) return null;
  const mapped = publicData(decodeKeyEvent(stored));
  if (!mapped) return null;
  return assertPublicEvent({
    id: `${keyId}/${stored.version}`,
    type: mapped.type,
    time: stored.meta.time,
    instanceId: stored.meta.instanceId,
    keyId,
    data: mapped.data,
  });
}
