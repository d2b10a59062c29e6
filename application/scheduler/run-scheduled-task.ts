import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/errors.ts';
import { addMonths, isRotationDue, type ScheduleField } from '../../domain/keys/schedule.ts';
import type { DueKey } from '../ports/key-list.ts';
import type { RequestScope } from '../command-handler.ts';
import { ApplicationError } from '../errors.ts';
import { loadInstancePolicies } from '../instances/instance-policies.ts';
import { findKey } from '../keys/find-key.ts';
import { runKeyCommand } from '../keys/key-command.ts';
import { purgeKey } from '../keys/purge-key.ts';
import { rotateKey } from '../keys/rotate-key.ts';
import type { AppServices } from '../services.ts';
import { SCHEDULER_PRINCIPAL, schedulerOperation, type ScheduledTask } from './scheduled-tasks.ts';

/** What one run of a task did. */
export interface TaskReport {
  readonly task: ScheduledTask;
  /** Keys the read model named as candidates. */
  readonly candidates: number;
  /** Keys the task changed (expired, rotated, purged). */
  readonly done: number;
  /** Candidates with nothing to do on their current state (already done, no longer due, refused). */
  readonly skipped: number;
  /** Keys whose action failed for another reason (HSM, store); retried on the next run. */
  readonly failures: readonly { readonly keyId: string; readonly error: string }[];
}

/** Rows read from the read model per query. */
const PAGE = 200;
/**
 * Actions one run of a task takes at most; the rest wait for the next run (a minute later on
 * either deployment), so one run stays well inside the scheduled Lambda's timeout.
 */
const MAX_ACTIONS_PER_RUN = 500;
/** Shorter than any calendar month: keys rotated less recently are candidates for an instance's default policy. */
const SHORTEST_MONTH_MS = 28 * 24 * 3600 * 1000;

type Outcome = 'done' | 'skipped';

/** Every due key of `field`, page by page, oldest first. */
async function* dueKeys(services: AppServices, field: ScheduleField, atOrBefore: string): AsyncGenerator<DueKey> {
  let after: DueKey | undefined;
  for (;;) {
    const page = await services.keyList.listDue({ field, atOrBefore, limit: PAGE, after });
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1];
  }
}

/** A scheduled action's scope: its own request id and the task's operation (`scheduler.rotation`, ...). */
function scopeFor(instanceId: string, task: ScheduledTask): RequestScope {
  return { instanceId, requestId: `scheduler-${randomUUID()}`, operation: schedulerOperation(task) };
}

/** A refusal on the key's current state: the read model was behind, or someone acted first. Not a failure. */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || error instanceof ApplicationError;
}

async function expire(services: AppServices, due: DueKey): Promise<Outcome> {
  const result = await runKeyCommand(
    services,
    scopeFor(due.instanceId, 'expiration'),
    SCHEDULER_PRINCIPAL,
    due.keyId,
    (c) => ({
      type: 'ExpireKey',
      ...c,
    }),
  );
  return result.changed ? 'done' : 'skipped';
}

async function purge(services: AppServices, due: DueKey): Promise<Outcome> {
  const { changed } = await purgeKey(services, scopeFor(due.instanceId, 'purge'), SCHEDULER_PRINCIPAL, due.keyId, true);
  return changed ? 'done' : 'skipped';
}

/** Rotates the key if, on its current state, its own policy or the instance's default makes it due. */
async function rotateIfDue(
  services: AppServices,
  due: DueKey,
  instanceIntervalMonth: number | undefined,
): Promise<Outcome> {
  const key = await findKey(services, due.instanceId, due.keyId);
  if (!isRotationDue(key, services.now().toISOString(), instanceIntervalMonth)) return 'skipped';
  await rotateKey(services, scopeFor(due.instanceId, 'rotation'), SCHEDULER_PRINCIPAL, due.keyId);
  return 'done';
}

/** The rotation candidates: keys due by their own policy, then keys old enough for an instance default. */
async function* rotationCandidates(
  services: AppServices,
  now: Date,
): AsyncGenerator<{ due: DueKey; instanceIntervalMonth: number | undefined }> {
  for await (const due of dueKeys(services, 'rotateAt', now.toISOString()))
    yield { due, instanceIntervalMonth: undefined };
  const intervals = new Map<string, number | undefined>();
  const oldEnough = new Date(now.getTime() - SHORTEST_MONTH_MS).toISOString();
  for await (const due of dueKeys(services, 'rotationBase', oldEnough)) {
    if (!intervals.has(due.instanceId)) {
      const rotation = (await loadInstancePolicies(services, due.instanceId)).rotation;
      intervals.set(due.instanceId, rotation?.enabled ? rotation.intervalMonth : undefined);
    }
    const months = intervals.get(due.instanceId);
    if (months !== undefined && Date.parse(addMonths(due.dueAt, months)) <= now.getTime())
      yield { due, instanceIntervalMonth: months };
  }
}

async function* candidates(
  services: AppServices,
  task: ScheduledTask,
  now: Date,
): AsyncGenerator<{ due: DueKey; act: () => Promise<Outcome> }> {
  switch (task) {
    case 'expiration':
      for await (const due of dueKeys(services, 'expiresAt', now.toISOString()))
        yield { due, act: () => expire(services, due) };
      return;
    case 'purge': {
      const deletedBefore = new Date(now.getTime() - services.settings.autoPurgeAfterS * 1000).toISOString();
      for await (const due of dueKeys(services, 'deletedAt', deletedBefore))
        yield { due, act: () => purge(services, due) };
      return;
    }
    case 'rotation':
      for await (const { due, instanceIntervalMonth } of rotationCandidates(services, now)) {
        yield { due, act: () => rotateIfDue(services, due, instanceIntervalMonth) };
      }
      return;
    default: {
      const unhandled: never = task;
      throw new Error(`unknown scheduled task ${String(unhandled)}`);
    }
  }
}

/**
 * One run of a scheduled task: finds the due keys in the key-list read model (its schedule
 * fields, kept by the projection), then decides each on the key's current state through the same
 * use cases and deciders the API uses (ExpireKey, RotateKey with HSM material, PurgeKey automatic).
 * A key that is no longer due is skipped; one key's failure does not stop the others.
 *
 * Dual-authorisation lapses need no task: the decider computes them from `now`.
 */
export async function runScheduledTask(services: AppServices, task: ScheduledTask): Promise<TaskReport> {
  await services.catchUpReadModels();
  const now = services.now();
  let candidateCount = 0;
  let done = 0;
  let skipped = 0;
  const failures: { keyId: string; error: string }[] = [];
  for await (const { due, act } of candidates(services, task, now)) {
    if (done + failures.length >= MAX_ACTIONS_PER_RUN) break;
    candidateCount++;
    try {
      if ((await act()) === 'done') done++;
      else skipped++;
    } catch (error) {
      if (isRefusal(error)) skipped++;
      else
        failures.push({
          keyId: due.keyId,
          error: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error),
        });
    }
  }
  return { task, candidates: candidateCount, done, skipped, failures };
}
