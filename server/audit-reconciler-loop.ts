import {
  reconcileAuditTrail,
  type AuditReconcilerDeps,
  type ReconcileReport,
} from '../application/audit/reconcile-audit-trail.ts';
import { errorFields, logger } from '../functions/shared/logger.ts';
import type { InFlightRequests } from './in-flight-requests.ts';

/**
 * On one machine a chain's records are stamped and queued on one clock, in order: a request's record
 * sits at most a moment before its events' time in the chain. Ten seconds covers clock adjustments.
 */
const LOOK_BACK_MS = 10_000;

function logReport(report: ReconcileReport): void {
  if (report.reconciled.length === 0) return;
  logger.warn('audit records written from events', {
    records: report.reconciled.length,
    requests: report.reconciled.map((r) => `${r.operation} ${r.requestId}`).slice(0, 20),
  });
}

function logError(error: unknown): void {
  logger.error('audit reconciliation failed', errorFields(error));
}

/**
 * The local server's audit reconciler (application/audit/reconcile-audit-trail.ts): one pass at
 * start, before the server serves (so a crash's gaps are closed first), one every `intervalMs`
 * (audit store failures heal without a restart), and one at a clean stop, after the last request.
 */
export class AuditReconcilerLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: AuditReconcilerDeps,
    private readonly inFlight: InFlightRequests,
    private readonly intervalMs: number,
  ) {}

  /** A pass while no request is in flight (at start, and at stop once the server has stopped serving). */
  async runIdle(): Promise<ReconcileReport> {
    const report = await reconcileAuditTrail(this.deps, { settledBefore: new Date(), lookBackMs: LOOK_BACK_MS });
    logReport(report);
    return report;
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval, waits for a pass in progress, and makes the last pass. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.runIdle().catch(logError);
  }

  private tick(): void {
    this.running = this.running
      .then(async () => {
        const settledBefore = await this.inFlight.settled();
        logReport(await reconcileAuditTrail(this.deps, { settledBefore, lookBackMs: LOOK_BACK_MS }));
      })
      .catch(logError);
  }
}
