import { call } from './access-helpers.ts';
import type { ServerProcess } from './local-server.ts';

interface AuditRecord {
  readonly correlationId: string;
  readonly operation: string;
  readonly outcome: string;
  readonly reason: string;
  readonly instanceId: string;
}

/**
 * Every audit record since `from` (RFC 3339) of the given chains (instance ids, `_service` for requests
 * that named no instance), through the admin API, oldest first per chain.
 */
export async function auditRecordsSince(
  server: ServerProcess,
  adminToken: string,
  chains: readonly string[],
  from: string,
): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (const chain of chains) {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ from, limit: '1000', ...(cursor ? { cursor } : {}) });
      const res = await call(server, adminToken, 'GET', `/admin/v1/instances/${chain}/audit?${query.toString()}`);
      if (res.status !== 200) throw new Error(`audit of ${chain}: ${res.status} ${JSON.stringify(res.body)}`);
      const page = res.body as { records: AuditRecord[]; nextCursor: string | null };
      records.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return records;
}

/** How many audit records carry each correlation id. */
export function countByCorrelation(records: readonly AuditRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.correlationId, (counts.get(record.correlationId) ?? 0) + 1);
  return counts;
}
