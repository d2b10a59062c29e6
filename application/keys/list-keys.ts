import type { ListingFilter } from '../../domain/access/authorize.ts';
import type { KeyListPage, KeySummaryRow } from '../../events/read-models/key-list.ts';
import type { AppServices } from '../services.ts';

export interface ListKeysInput {
  readonly limit: number;
  readonly offset: number;
  readonly states?: readonly number[] | undefined;
  readonly extractable?: boolean | undefined;
  /**
   * Set for a caller without instance-wide read (application/access): only keys in these rings or
   * with these ids are listed, and counted.
   */
  readonly visible?: ListingFilter | undefined;
}

const byListOrder = (a: KeySummaryRow, b: KeySummaryRow): number =>
  a.creationDate < b.creationDate ? -1 : a.creationDate > b.creationDate ? 1 : a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0;

/** Keys of an instance from the key-list read model (never a stream replay). */
export async function listKeys(services: AppServices, instanceId: string, input: ListKeysInput): Promise<KeyListPage> {
  await services.catchUpReadModels();
  const { visible, ...filters } = input;
  if (!visible) return services.keyList.list({ instanceId, ...filters });
  const { keyRingIds, keyIds } = visible;
  if (keyIds.length === 0 || keyRingIds.length === 0) {
    return services.keyList.list({ instanceId, ...filters, ...(keyIds.length ? { keyIds } : { keyRingIds }) });
  }
  // Keys in the rings OR the keys: the read model ANDs its filters, so merge two ordered queries
  // (each up to offset + limit rows) and subtract what both hold from the total.
  const head = { offset: 0, limit: input.offset + input.limit };
  const [inRings, named, both] = await Promise.all([
    services.keyList.list({ instanceId, ...filters, ...head, keyRingIds }),
    services.keyList.list({ instanceId, ...filters, ...head, keyIds }),
    services.keyList.list({ instanceId, ...filters, offset: 0, limit: 0, keyRingIds, keyIds }),
  ]);
  const seen = new Set<string>();
  const rows = [...inRings.rows, ...named.rows].sort(byListOrder).filter((r) => !seen.has(r.keyId) && seen.add(r.keyId));
  return { rows: rows.slice(input.offset, input.offset + input.limit), total: inRings.total + named.total - both.total };
}
