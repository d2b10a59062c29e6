import { InvalidArgumentError } from 'commander';
import type { Column } from '../output/table.ts';
import { renderFields, renderTable } from '../output/table.ts';

/** Key Protect's key states by code, as the API reports them (`state`). */
export const KEY_STATES: Readonly<Record<number, string>> = {
  0: 'Pre-activation',
  1: 'Active',
  2: 'Suspended',
  3: 'Deactivated',
  5: 'Destroyed',
};

/** A key as GET /keys and GET /keys/{id}/metadata return it (the fields the CLI shows). */
export interface KeyResource {
  readonly id: string;
  readonly name: string;
  readonly state: number;
  readonly extractable: boolean;
  readonly aliases?: readonly string[];
  readonly description?: string;
  readonly keyRingID?: string;
  readonly crn?: string;
  readonly imported?: boolean;
  readonly creationDate?: string;
  readonly createdBy?: string;
  readonly lastUpdateDate?: string;
  readonly lastRotateDate?: string;
  readonly expirationDate?: string;
  readonly deletionDate?: string;
  readonly keyVersion?: { readonly id: string; readonly creationDate?: string };
  readonly dualAuthDelete?: { readonly enabled: boolean; readonly keySetForDeletion?: boolean };
  readonly payload?: string;
}

export const stateName = (code: number): string => KEY_STATES[code] ?? String(code);
export const keyType = (key: KeyResource): string => (key.extractable ? 'standard' : 'root');

/** `--state active,suspended` or `--state 1,2` -> `1,2` (the API's `state` parameter). */
export function parseStates(value: string): string {
  const byName = new Map(Object.entries(KEY_STATES).map(([code, name]) => [name.toLowerCase(), code]));
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .map((s) => {
      const code = /^\d$/.test(s) && KEY_STATES[Number(s)] !== undefined ? s : byName.get(s);
      if (code === undefined)
        throw new InvalidArgumentError(`unknown key state "${s}"; use ${Object.values(KEY_STATES).join(', ')} or 0-5.`);
      return code;
    })
    .join(',');
}

/** The resources of a Key Protect collection body. */
export function resourcesOf<T>(body: unknown): T[] {
  const resources = (body as { resources?: unknown } | null)?.resources;
  return Array.isArray(resources) ? (resources as T[]) : [];
}

export function firstResource<T>(body: unknown): T {
  const [first] = resourcesOf<T>(body);
  if (first === undefined) throw new Error('the service answered without a resource');
  return first;
}

export const keyColumns: readonly Column<KeyResource>[] = [
  { header: 'id', value: (k) => k.id },
  { header: 'name', value: (k) => k.name },
  { header: 'type', value: keyType },
  { header: 'state', value: (k) => stateName(k.state) },
  { header: 'key ring', value: (k) => k.keyRingID },
  { header: 'created', value: (k) => k.creationDate },
  { header: 'aliases', value: (k) => k.aliases },
];

export function keysTable(keys: readonly KeyResource[]): string {
  return renderTable(keys, keyColumns);
}

/** One key, field by field. */
export function keyFields(key: KeyResource): string {
  return renderFields([
    ['Key ID', key.id],
    ['Name', key.name],
    ['Type', keyType(key)],
    ['State', stateName(key.state)],
    ['Description', key.description],
    ['Aliases', key.aliases],
    ['Key ring', key.keyRingID],
    ['Imported', key.imported],
    ['Version', key.keyVersion?.id],
    ['Created', key.creationDate],
    ['Created by', key.createdBy],
    ['Last updated', key.lastUpdateDate],
    ['Last rotated', key.lastRotateDate],
    ['Expires', key.expirationDate],
    ['Deleted', key.deletionDate],
    ['Dual auth delete', key.dualAuthDelete?.enabled],
    ['CRN', key.crn],
    ['Payload', key.payload],
  ]);
}
