import { describe, it } from 'node:test';
import { signingKeysDecider, type SigningKeysEvent } from '../../../domain/identity/signing-keys.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const now = '2025-01-01T00:00:00.000Z';
const k = (n: number) => ({
  kid: `keyledger-token-signing-${n}`,
  publicKey: Buffer.from(`spki-${n}`).toString('base64'),
});
const rotated = (from: number, to: number): SigningKeysEvent => ({
  type: 'TokenSigningKeyRotated',
  data: { previous: k(from), next: k(to) },
  meta: { time: now, principalId: 'admin' },
});
const spec = DeciderSpecification(signingKeysDecider);

describe('signing keys decider', () => {
  it('rotates from the initial key', () => {
    spec
      .given([])
      .when({ type: 'RotateSigningKey', previous: k(1), next: k(2), now, principalIdOfCaller: 'admin' })
      .then([rotated(1, 2)]);
  });
  it('refuses a rotation that lost a race, and a reused kid', () => {
    spec
      .given([rotated(1, 2)])
      .when({ type: 'RotateSigningKey', previous: k(1), next: k(3), now, principalIdOfCaller: 'admin' })
      .thenThrows('CONFLICT_ERR');
    spec
      .given([rotated(1, 2)])
      .when({ type: 'RotateSigningKey', previous: k(2), next: k(1), now, principalIdOfCaller: 'admin' })
      .thenThrows('CONFLICT_ERR');
  });
  it('keeps every retired key with its retirement time', () => {
    spec
      .given([rotated(1, 2)])
      .when({ type: 'RotateSigningKey', previous: k(2), next: k(3), now, principalIdOfCaller: 'admin' })
      .thenState((state) => {
        if (
          state.status !== 'Rotated' ||
          state.current.kid !== k(3).kid ||
          state.retired.map((r) => r.kid).join() !== `${k(1).kid},${k(2).kid}`
        ) {
          throw new Error(`unexpected state ${JSON.stringify(state)}`);
        }
      });
  });
});
