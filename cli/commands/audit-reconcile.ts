import type { Command } from '../command.ts';

/**
 * `keyledger audit reconcile`: prints the cross-check of every event against the audit trail
 * (GET /admin/v1/audit/reconciliation) and exits 0 only when no request is missing its record.
 */
export const auditReconcile: Command = {
  usage: 'keyledger audit reconcile',
  summary:
    'cross-check every committed event against the audit trail and name each request without a record (GET /admin/v1/audit/reconciliation)',
  options: {},
  async run(input) {
    const res = await input.client.request('GET', '/admin/v1/audit/reconciliation');
    input.print(JSON.stringify(res.body));
    const missing = (res.body as { missing?: unknown } | null)?.missing;
    return res.status === 200 && Array.isArray(missing) && missing.length === 0 ? 0 : 1;
  },
};
