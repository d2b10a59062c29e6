import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import type { Cli, Invocation } from '../context.ts';
import { segment, wholeNumber } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import { cellText, fieldLabel, renderFields, renderTable, type Column } from '../output/table.ts';

/** One audit record, as GET /admin/v1/instances/{id}/audit returns it. */
interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly principalId: string;
  readonly operation: string;
  readonly keyId: string;
  readonly keyVersionId?: string;
  readonly outcome: string;
  readonly reason: string;
  readonly correlationId?: string;
  readonly sourceIp?: string;
}

interface AuditPage {
  readonly records: AuditRecord[];
  readonly nextCursor: string | null;
}

const recordColumns: readonly Column<AuditRecord>[] = [
  { header: 'seq', value: (r) => r.seq },
  { header: 'time', value: (r) => r.time },
  { header: 'operation', value: (r) => r.operation },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'reason', value: (r) => r.reason },
  { header: 'principal', value: (r) => r.principalId },
  { header: 'key', value: (r) => r.keyId },
];

/** A request that committed events without an audit record, as GET /admin/v1/audit/reconciliation names it. */
interface UnrecordedRequest {
  readonly instanceId: string;
  readonly requestId: string;
  readonly operation: string;
  readonly principalId: string;
  readonly time: string;
}

const missingColumns: readonly Column<UnrecordedRequest>[] = [
  { header: 'time', value: (r) => r.time },
  { header: 'instance', value: (r) => r.instanceId },
  { header: 'operation', value: (r) => r.operation },
  { header: 'principal', value: (r) => r.principalId },
  { header: 'request', value: (r) => r.requestId },
];

const PAGE_MAX = 1000;

function auditPath(run: Invocation): string {
  return `/admin/v1/instances/${segment(run.instance)}/audit`;
}

/** The filters of `audit query` and `audit tail`, as the API names them. */
function filters(run: Invocation) {
  const o = run.opts<Record<string, string | undefined>>();
  return { keyId: o.key, principalId: o.principal, operation: o.operation, outcome: o.outcome };
}

function withFilters(command: Command): Command {
  return command
    .option('-k, --key <id>', 'only records about this key')
    .option('-p, --principal <id>', 'only records of this principal')
    .option('--operation <name>', 'only this operation, e.g. wrapKey or admin.grantAccess')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(['success', 'denied', 'failed']));
}

/**
 * `keyledger audit query|verify|reconcile|tail`: an instance's audit trail (`--instance _service` for the
 * service-wide chain): every API request yields one hash-chained record, sealed by HSM-signed checkpoints;
 * `reconcile` cross-checks the events of every instance against the trails.
 */
export function registerAudit(program: Command, cli: Cli): void {
  const audit = program
    .command('audit')
    .description("query, verify and follow an instance's audit trail (service administrator)");

  withFilters(audit.command('query'))
    .description('list audit records, oldest first (GET /admin/v1/instances/{id}/audit)')
    .option('--from <time>', 'from this time (RFC 3339, inclusive)')
    .option('--to <time>', 'up to this time (RFC 3339, inclusive)')
    .addOption(new Option('-n, --limit <n>', 'records per page, 1-1000').argParser(wholeNumber).default(100))
    .option('--cursor <cursor>', "the page after a previous answer's nextCursor")
    .option('--all', 'every page (progress on a terminal)')
    .action(
      cli.act(async (run) => {
        const o = run.opts<{ from?: string; to?: string; limit: number; cursor?: string; all?: boolean }>();
        const records: AuditRecord[] = [];
        const progress = run.progress();
        let cursor = o.cursor;
        let next: string | null = null;
        do {
          const res = await run.client.call('GET', auditPath(run), {
            query: { ...filters(run), from: o.from, to: o.to, limit: o.all ? PAGE_MAX : o.limit, cursor },
          });
          const page = res.body as AuditPage;
          records.push(...page.records);
          next = page.nextCursor;
          cursor = next ?? undefined;
          if (o.all && next) progress.update(`${records.length} records`);
        } while (o.all && next);
        progress.done();
        run.print({ json: { records, nextCursor: next }, table: () => renderTable(records, recordColumns) });
        if (next && !run.json) console.error(`more records: --cursor ${next}`);
      }),
    );

  audit
    .command('verify')
    .description(
      "verify the instance's whole hash chain and its HSM-signed checkpoints (GET .../audit/verify); exit code 4 when it does not hold",
    )
    .action(
      cli.act(async (run) => {
        const progress = run.progress();
        progress.update(`verifying the audit trail of ${run.instance}`);
        const res = await run.client.call('GET', `${auditPath(run)}/verify`);
        progress.done();
        const verdict = res.body as { valid?: unknown } & Record<string, unknown>;
        run.print({
          json: verdict,
          table: () =>
            renderFields([
              ['Instance', run.instance],
              ...Object.entries(verdict).map(
                ([k, v]) => [fieldLabel(k), k === 'valid' ? (v === true ? 'yes' : 'NO') : v] as const,
              ),
            ]),
        });
        return verdict.valid === true ? ExitCode.ok : ExitCode.checkFailed;
      }),
    );

  audit
    .command('reconcile')
    .description(
      'cross-check every committed event against the audit trail and name each request without a record (GET /admin/v1/audit/reconciliation); exit code 4 when one is missing',
    )
    .action(
      cli.act(async (run) => {
        const progress = run.progress();
        progress.update('cross-checking events against the audit trail');
        const res = await run.client.call('GET', '/admin/v1/audit/reconciliation');
        progress.done();
        const report = res.body as { missing?: unknown } & Record<string, unknown>;
        const missing = Array.isArray(report.missing) ? (report.missing as UnrecordedRequest[]) : [];
        run.print({
          json: report,
          table: () => {
            const counts = renderFields(
              Object.entries(report)
                .filter(([k]) => k !== 'missing')
                .map(([k, v]) => [fieldLabel(k), v] as const),
            );
            return missing.length === 0
              ? `${counts}\n${fieldLabel('missing')}   none`
              : `${counts}\n\n${renderTable(missing, missingColumns)}`;
          },
        });
        return Array.isArray(report.missing) && missing.length === 0 ? ExitCode.ok : ExitCode.checkFailed;
      }),
    );

  withFilters(audit.command('tail'))
    .description('print audit records as they are written, until interrupted (polls GET .../audit)')
    .option('--since <time>', 'start at this time (RFC 3339; default: now)')
    .addOption(new Option('--interval <ms>', 'time between two polls').argParser(wholeNumber).default(1000))
    .addOption(new Option('-c, --count <n>', 'stop after this many records').argParser(wholeNumber))
    .action(
      cli.act(async (run) => {
        const o = run.opts<{ since?: string; interval: number; count?: number }>();
        // The tail's own polls are audited too: tag them, and leave them out.
        const correlationId = `keyledger-tail-${randomUUID()}`;
        let from = o.since ?? new Date().toISOString();
        let lastSeq = 0;
        let printed = 0;
        let stopped = false;
        const stop = () => {
          stopped = true;
        };
        process.once('SIGINT', stop);
        // Rows arrive one by one: fixed widths (seq, time, operation, outcome, reason, principal) keep them aligned.
        const widths = [6, 24, 24, 7, 28, 36];
        const row = (cells: readonly string[]) =>
          cells
            .map((c, i) => c.padEnd(widths[i] ?? 0))
            .join('   ')
            .trimEnd();
        if (!run.json) console.log(row(recordColumns.map((c) => c.header.toUpperCase())));
        while (!stopped && (o.count === undefined || printed < o.count)) {
          let cursor: string | undefined;
          do {
            const res = await run.client.call('GET', auditPath(run), {
              query: { ...filters(run), from, limit: PAGE_MAX, cursor },
              headers: { 'correlation-id': correlationId },
            });
            const page = res.body as AuditPage;
            for (const record of page.records) {
              if (record.seq <= lastSeq) continue;
              lastSeq = record.seq;
              from = record.time;
              if (record.correlationId === correlationId) continue;
              if (o.count !== undefined && printed >= o.count) break;
              printed++;
              if (run.json) console.log(JSON.stringify(record));
              else console.log(row(recordColumns.map((c) => cellText(c.value(record)))));
            }
            cursor = page.nextCursor ?? undefined;
          } while (cursor && !stopped);
          if (o.count !== undefined && printed >= o.count) break;
          await sleep(o.interval);
        }
        process.removeListener('SIGINT', stop);
      }),
    );
}
