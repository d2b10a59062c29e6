import type { ListingFilter } from '../../domain/access/authorize.ts';
import type { KeyListFilter, KeySummaryRow } from '../ports/key-list.ts';
import type { AppServices } from '../services.ts';

/** Which keys of an instance: `state` and `extractable` as GET and HEAD /keys take them. */
export interface KeyFilterInput {
  readonly states?: readonly number[] | undefined;
  readonly extractable?: boolean | undefined;
  /**
   * Set for a caller without instance-wide read (application/access): only keys in these rings or
   * with these ids are listed, and counted.
   */
  readonly visible?: ListingFilter | undefined;
}

export interface ListKeysInput extends KeyFilterInput {
  readonly limit: number;
  readonly offset: number;
}

/**
 * The read-model filters a caller's view of the instance comes to: one filter, or two (keys in the
 * rings OR the named keys: the read model ANDs its filters) with what both match.
 */
export function visibleFilters(
  instanceId: string,
  input: KeyFilterInput,
): { either: KeyListFilter[]; both?: KeyListFilter } {
  const base = { instanceId, states: input.states, extractable: input.extractable };
  const { visible } = input;
  if (!visible) return { either: [base] };
  const { keyRingIds, keyIds } = visible;
  if (keyIds.length === 0 || keyRingIds.length === 0)
    return { either: [{ ...base, ...(keyIds.length ? { keyIds } : { keyRingIds }) }] };
  return {
    either: [
      { ...base, keyRingIds },
      { ...base, keyIds },
    ],
    both: { ...base, keyRingIds, keyIds },
  };
}

const byListOrder = (a: KeySummaryRow, b: KeySummaryRow): number =>
  a.creationDate < b.creationDate
    ? -1
    : a.creationDate > b.creationDate
      ? 1
      : a.keyId < b.keyId
        ? -1
        : a.keyId > b.keyId
          ? 1
          : 0;

/** One page of an instance's keys from the key-list read model (never a stream replay); no total (count-keys.ts). */
export async function listKeys(
  services: AppServices,
  instanceId: string,
  input: ListKeysInput,
): Promise<KeySummaryRow[]> {
  await services.catchUpReadModels();
  const { either } = visibleFilters(instanceId, input);
  if (either.length === 1)
    return services.keyList.list({ ...(either[0] as KeyListFilter), limit: input.limit, offset: input.offset });
  // Merge two ordered queries, each up to offset + limit rows.
  const pages = await Promise.all(
    either.map((f) => services.keyList.list({ ...f, offset: 0, limit: input.offset + input.limit })),
  );
  const seen = new Set<string>();
  const rows = pages
    .flat()
    .sort(byListOrder)
    .filter((r) => !seen.has(r.keyId) && seen.add(r.keyId));
  return rows.slice(input.offset, input.offset + input.limit);
}
