import { keyDecider } from '../../../domain/keys/decider.ts';
import type { CommandContext, KeyCommand } from '../../../domain/keys/commands.ts';
import type { EventStamp, KeyCreatedData, KeyEvent, KeyType } from '../../../domain/keys/events.ts';
import type { WrappedMaterial } from '../../../domain/keys/events.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

/** Shared givens for the key decider's tests: fixed ids, a fixed clock, two principals. */
export const spec = DeciderSpecification(keyDecider);

export const KEY_ID = '2f0a3c4e-8d4b-4b8e-9a35-6c1f0e2d9b71';
export const INSTANCE_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const ALICE = 'principal-alice';
export const BOB = 'principal-bob';
export const T0 = '2025-01-01T00:00:00.000Z';
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;

/** T0 plus `seconds`, as an ISO timestamp. */
export function at(seconds: number): string {
  return new Date(Date.parse(T0) + seconds * 1000).toISOString();
}

export function material(n: number): WrappedMaterial {
  return { masterKeyId: 'master-1', wrapped: `d3JhcHBlZC0${n}` };
}

export function stampAt(seconds: number, principalId = ALICE): EventStamp {
  return { time: at(seconds), principalId };
}

export interface KeyOptions {
  readonly keyType?: KeyType;
  readonly imported?: boolean;
  readonly expirationDate?: string;
  readonly dualAuthDelete?: boolean;
  readonly atS?: number;
}

export function createdData(options: KeyOptions = {}): KeyCreatedData {
  return {
    keyId: KEY_ID,
    instanceId: INSTANCE_ID,
    keyType: options.keyType ?? 'root',
    name: 'payments-root',
    description: undefined,
    extractable: options.keyType === 'standard',
    keyRingId: 'default',
    expirationDate: options.expirationDate,
    tags: [],
    version: { id: 'version-1', creationDate: at(options.atS ?? 0), material: material(1) },
    dualAuthDelete: options.dualAuthDelete ?? false,
  };
}

/** A key created (or imported) at T0 + atS by Alice. */
export function created(options: KeyOptions = {}): KeyEvent {
  const data = createdData(options);
  const meta = stampAt(options.atS ?? 0);
  return options.imported ? { type: 'KeyImported', data, meta } : { type: 'KeyCreated', data, meta };
}

export function event<T extends KeyEvent['type']>(
  type: T,
  data: Extract<KeyEvent, { type: T }>['data'],
  atS: number,
  principalId = ALICE,
): KeyEvent {
  return { type, data, meta: stampAt(atS, principalId) } as KeyEvent;
}

export const disabled = (atS: number): KeyEvent => event('KeyDisabled', {}, atS);
export const enabled = (atS: number): KeyEvent => event('KeyEnabled', {}, atS);
export const deleted = (atS: number, principalId = ALICE): KeyEvent =>
  event('KeyDeleted', { force: false }, atS, principalId);
export const purged = (atS: number): KeyEvent => event('KeyPurged', { automatic: false }, atS);
export const expiredAt = (atS: number, expirationDate: string): KeyEvent =>
  event('KeyExpired', { expirationDate }, atS);
export const rotated = (atS: number, n: number, suppliedByCaller = false): KeyEvent =>
  event(
    'KeyVersionRotated',
    { version: { id: `version-${n}`, creationDate: at(atS), material: material(n) }, suppliedByCaller },
    atS,
  );
export const registered = (atS: number, crn: string, preventKeyDeletion = false): KeyEvent =>
  event('RegistrationChanged', { change: 'created', crn, preventKeyDeletion, description: undefined }, atS);

type Payload<C extends KeyCommand> = Omit<C, 'type' | keyof CommandContext>;

/** A command of `type` at T0 + atS by `principalId` (Alice by default). */
export function command<T extends KeyCommand['type']>(
  type: T,
  atS: number,
  payload: Omit<Payload<Extract<KeyCommand, { type: T }>>, 'keyId'> & { keyId?: string },
  principalId = ALICE,
  settings?: CommandContext['settings'],
): Extract<KeyCommand, { type: T }> {
  return { type, keyId: KEY_ID, now: at(atS), principalId, settings, ...payload } as Extract<KeyCommand, { type: T }>;
}
