import { runScheduledTask, type TaskReport } from '../application/scheduler/run-scheduled-task.ts';
import { SCHEDULED_TASKS } from '../application/scheduler/scheduled-tasks.ts';
import type { AppServices } from '../application/services.ts';
import { errorFields, logger } from '../functions/shared/logger.ts';

function logReport(report: TaskReport): void {
  const failed = report.failures.length;
  if (report.done > 0 || failed > 0)
    logger.info('scheduled task', { task: report.task, done: report.done, skipped: report.skipped, failed });
  for (const failure of report.failures)
    logger.error('scheduled action failed', { task: report.task, keyId: failure.keyId, error: failure.error });
}

function logError(error: unknown): void {
  logger.error('scheduler run failed', errorFields(error));
}

/**
 * The local server's in-process scheduler (docs/decisions/0005-local-server-runs-lambda-handlers.md): every `intervalMs` it runs each
 * scheduled task once (rotation, expiration, purge), one run at a time; the first run comes right
 * after the start, so work that fell due while the server was down is done at once.
 */
export class SchedulerLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly services: AppServices,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running = this.running.then(() => this.runAll()).catch(logError);
  }

  private async runAll(): Promise<void> {
    for (const task of SCHEDULED_TASKS) {
      if (this.stopped) return;
      logReport(await runScheduledTask(this.services, task));
    }
  }
}
