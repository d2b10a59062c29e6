/**
 * Where the audit reconciler (application/audit/reconcile-audit-trail.ts) keeps its progress: how
 * far it has read the change feed, and the requests whose records it is still waiting for. Opaque
 * text to the store. Adapters: `events/audit/sqlite/` (a table in keyledger.db) and
 * `events/audit/dynamodb/` (one item of the audit table).
 */
export interface AuditReconcilerState {
  /** The saved state, or null before the first save. */
  load(): Promise<string | null>;
  save(state: string): Promise<void>;
  close(): Promise<void>;
}
