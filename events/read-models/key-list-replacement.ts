/** What replacing the live key list with a rebuilt one did (sqlite/ and dynamodb/ `replace-key-list.ts`). */
export interface KeyListReplacement {
  /** Rows of existing keys now in the live key list. */
  readonly live: number;
  /** Tombstones of purged keys now in the live key list. */
  readonly tombstones: number;
  /** Keys whose row was missing, extra or different in the key list that was replaced. */
  readonly changed: number;
}
