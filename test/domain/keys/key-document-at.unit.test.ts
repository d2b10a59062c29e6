/**
 * A key's document as read at a time (domain/keys/key-protect-view.ts keyDocumentAt): a deleted key's
 * restore and purge windows (Key Protect's Go client fixture of a deleted key: restore until deletion
 * + 30 days, purge from deletion + 4 hours, purged on deletion + 90 days) and a lapsed dual authorization.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentDependsOnTime, keyDocumentAt } from '../../../domain/keys/key-protect-view.ts';
import { DEFAULT_KEY_SETTINGS } from '../../../domain/keys/settings.ts';

const deleted = { id: 'k', state: 5, deleted: true, deletionDate: '2021-04-20T18:15:24.000Z' };

void describe('a key document at a time', () => {
  void it('a deleted key: restorable for 30 days, purgeable after 4 hours, purged after 90 days', () => {
    const windows = {
      restoreExpirationDate: '2021-05-20T18:15:24.000Z',
      purgeAllowedFrom: '2021-04-20T22:15:24.000Z',
      purgeScheduledOn: '2021-07-19T18:15:24.000Z',
    };
    assert.deepEqual(keyDocumentAt(deleted, '2021-04-20T19:15:24.000Z', DEFAULT_KEY_SETTINGS), {
      ...deleted,
      ...windows,
      restoreAllowed: true,
      purgeAllowed: false,
    });
    const later = keyDocumentAt(deleted, '2021-04-20T23:15:24.000Z', DEFAULT_KEY_SETTINGS);
    assert.deepEqual([later.restoreAllowed, later.purgeAllowed], [true, true]);
    const expired = keyDocumentAt(deleted, '2021-05-20T18:15:24.001Z', DEFAULT_KEY_SETTINGS);
    assert.deepEqual([expired.restoreAllowed, expired.purgeAllowed], [false, true]);
    const pastExpiration = keyDocumentAt(
      { ...deleted, expirationDate: '2021-04-21T00:00:00Z' },
      '2021-04-22T00:00:00.000Z',
      DEFAULT_KEY_SETTINGS,
    );
    assert.equal(pastExpiration.restoreAllowed, false, 'an expired key cannot be restored');
    const operator = keyDocumentAt(deleted, '2021-04-20T18:15:25.000Z', {
      ...DEFAULT_KEY_SETTINGS,
      minPurgeDelayS: 0,
      restoreWindowS: 60,
    });
    assert.deepEqual([operator.purgeAllowed, operator.restoreExpirationDate], [true, '2021-04-20T18:16:24.000Z']);
  });

  void it('other keys: nothing added; a lapsed dual authorization no longer shows as set', () => {
    const active = { id: 'k', state: 1, dualAuthDelete: { enabled: true, keySetForDeletion: false } };
    assert.deepEqual(keyDocumentAt(active, '2030-01-01T00:00:00.000Z', DEFAULT_KEY_SETTINGS), active);
    const pending = {
      id: 'k',
      state: 1,
      dualAuthDelete: { enabled: true, keySetForDeletion: true, authExpiration: '2030-01-08T00:00:00.000Z' },
    };
    assert.deepEqual(keyDocumentAt(pending, '2030-01-07T23:59:59.999Z', DEFAULT_KEY_SETTINGS), pending);
    assert.deepEqual(keyDocumentAt(pending, '2030-01-08T00:00:00.000Z', DEFAULT_KEY_SETTINGS).dualAuthDelete, {
      enabled: true,
      keySetForDeletion: false,
    });
  });

  void it('a listing answers a stored document as it is unless its state or text says the time may change it', () => {
    const documents = [
      { id: 'k', state: 1 },
      { id: 'k', state: 2, dualAuthDelete: { enabled: true, keySetForDeletion: false } },
      { id: 'k', state: 3, expirationDate: '2021-01-01T00:00:00Z' },
      {
        id: 'k',
        state: 1,
        dualAuthDelete: { enabled: true, keySetForDeletion: true, authExpiration: '2021-01-08T00:00:00.000Z' },
      },
      deleted,
    ];
    for (const document of documents) {
      const dependsOnTime = documentDependsOnTime(document.state, JSON.stringify(document));
      const times = ['2020-01-01T00:00:00.000Z', '2021-04-20T23:15:24.000Z', '2040-01-01T00:00:00.000Z'];
      const views = times.map((t) => keyDocumentAt(document, t, DEFAULT_KEY_SETTINGS));
      if (!dependsOnTime)
        for (const view of views) assert.deepEqual(view, document, `${JSON.stringify(document)} is answered as stored`);
      else
        assert.ok(
          views.some((view) => JSON.stringify(view) !== JSON.stringify(document)),
          'a document flagged does change',
        );
    }
  });
});
