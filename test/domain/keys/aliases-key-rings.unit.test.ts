import { describe, it } from 'node:test';
import { DAY, HOUR, at, command, created, deleted, disabled, event, expiredAt, spec } from './fixtures.ts';

const addAlias = (atS: number, alias: string) => command('AddAlias', atS, { alias });
const aliasAdded = (atS: number, alias: string) => event('AliasAdded', { alias }, atS);

void describe('AddAlias', () => {
  void it('given a key, adds an alias', () => {
    spec
      .given([created()])
      .when(addAlias(60, 'payments_key-1'))
      .then([aliasAdded(60, 'payments_key-1')]);
  });

  void it('adds aliases to Suspended and Deactivated keys', () => {
    spec
      .given([created(), disabled(30)])
      .when(addAlias(60, 'ab'))
      .then([aliasAdded(60, 'ab')]);
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(addAlias(DAY, 'ab'))
      .then([aliasAdded(DAY, 'ab')]);
  });

  void it('changes nothing for an alias the key has', () => {
    spec
      .given([created(), aliasAdded(30, 'ab')])
      .when(addAlias(60, 'ab'))
      .thenNothingHappens();
  });

  void it('refuses a sixth alias (KEY_ALIAS_QUOTA_ERR)', () => {
    const five = ['a1', 'a2', 'a3', 'a4', 'a5'].map((a, i) => aliasAdded(10 + i, a));
    spec
      .given([created(), ...five])
      .when(addAlias(60, 'a6'))
      .thenThrows('KEY_ALIAS_QUOTA_ERR');
  });

  for (const [why, alias] of [
    ['too short', 'a'],
    ['too long', 'a'.repeat(91)],
    ['with a space', 'my alias'],
    ['with a dot', 'my.alias'],
    ['a UUID', '0f2b6a0e-5d1c-4a8e-9b3f-2c7d1e6f4a90'],
    ['reserved', 'keys'],
    ['reserved in another case', 'Rewrap'],
  ] as const) {
    void it(`refuses an alias ${why} (INVALID_FIELD_ERR)`, () => {
      spec.given([created()]).when(addAlias(60, alias)).thenThrows('INVALID_FIELD_ERR');
    });
  }

  void it('accepts an alias of 90 characters', () => {
    spec
      .given([created()])
      .when(addAlias(60, 'a'.repeat(90)))
      .then([aliasAdded(60, 'a'.repeat(90))]);
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), deleted(30)])
      .when(addAlias(60, 'ab'))
      .thenThrows('KEY_DELETED_ERR');
  });
});

void describe('RemoveAlias', () => {
  void it('removes an alias the key has', () => {
    spec
      .given([created(), aliasAdded(30, 'ab')])
      .when(command('RemoveAlias', 60, { alias: 'ab' }))
      .then([event('AliasRemoved', { alias: 'ab' }, 60)]);
  });

  void it('frees a place for another alias', () => {
    spec
      .given([created(), aliasAdded(30, 'ab')])
      .when(command('RemoveAlias', 60, { alias: 'ab' }))
      .thenState((state) => {
        if (state.status !== 'Active' || state.aliases.length !== 0) throw new Error(JSON.stringify(state));
      });
  });

  void it('changes nothing for an alias the key does not have', () => {
    spec
      .given([created()])
      .when(command('RemoveAlias', 60, { alias: 'ab' }))
      .thenNothingHappens();
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), aliasAdded(10, 'ab'), deleted(30)])
      .when(command('RemoveAlias', 60, { alias: 'ab' }))
      .thenThrows('KEY_DELETED_ERR');
  });
});

void describe('MoveKeyToKeyRing', () => {
  void it('moves a key to another ring', () => {
    spec
      .given([created()])
      .when(command('MoveKeyToKeyRing', 60, { keyRingId: 'payments' }))
      .then([event('KeyMovedToKeyRing', { fromKeyRingId: 'default', toKeyRingId: 'payments' }, 60)]);
  });

  void it('changes nothing when the key is in that ring', () => {
    spec
      .given([created()])
      .when(command('MoveKeyToKeyRing', 60, { keyRingId: 'default' }))
      .thenNothingHappens();
  });

  void it('refuses an empty ring id', () => {
    spec
      .given([created()])
      .when(command('MoveKeyToKeyRing', 60, { keyRingId: ' ' }))
      .thenThrows('INVALID_FIELD_ERR');
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), deleted(30)])
      .when(command('MoveKeyToKeyRing', 60, { keyRingId: 'payments' }))
      .thenThrows('KEY_DELETED_ERR');
  });

  void it('records the new ring', () => {
    spec
      .given([created()])
      .when(command('MoveKeyToKeyRing', 60, { keyRingId: 'payments' }))
      .thenState((state) => {
        if (state.status !== 'Active' || state.keyRingId !== 'payments') throw new Error(JSON.stringify(state));
      });
  });
});
