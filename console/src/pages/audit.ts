import { ApiError } from '../api.ts';
import { type App, describe, routeHash } from '../app.ts';
import { field, h, replace, table, time } from '../dom.ts';

interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly principalId: string;
  readonly operation: string;
  readonly keyId: string;
  readonly outcome: string;
  readonly reason: string;
  readonly sourceIp?: string;
}

interface AuditPage {
  readonly records: AuditRecord[];
  readonly nextCursor: string | null;
}

type Verdict = { valid: true; records: number } | { valid: false; firstBadSeq: number; reason: string };

const FILTERS = ['operation', 'outcome', 'keyId', 'principalId', 'from', 'to'] as const;

/** `datetime-local` has no zone: read it as the reader's local time, send RFC 3339 (UTC). */
function rfc3339(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function badge(verdict: Verdict, extra: Record<string, unknown>): HTMLElement {
  if (verdict.valid)
    return h(
      'div',
      { class: 'badge verified', role: 'status' },
      h('strong', {}, '✓ Verified'),
      ` — ${verdict.records} records: the hash chain is whole and its HSM-signed checkpoints hold.`,
      ...Object.entries(extra).map(([k, v]) => h('span', { class: 'extra' }, ` ${k}: ${String(v)}.`)),
    );
  return h(
    'div',
    { class: 'badge tampered', role: 'alert' },
    h('strong', {}, '✗ Tampered'),
    ` — the chain breaks at record ${verdict.firstBadSeq}: ${verdict.reason}`,
  );
}

/** The instance's audit trail (administration API): a verified/tampered badge, filters, and the records, oldest first. */
export function auditPage(app: App, query: URLSearchParams): void {
  const base = `/admin/v1/instances/${encodeURIComponent(app.api.instance)}/audit`;
  const status = h('div', { class: 'verify' });
  const results = h('div');
  const controls: Record<(typeof FILTERS)[number], HTMLInputElement | HTMLSelectElement> = {
    operation: h('input', {
      name: 'operation',
      value: query.get('operation') ?? '',
      placeholder: 'e.g. rotateKey',
      autocomplete: 'off',
    }),
    outcome: h(
      'select',
      { name: 'outcome' },
      ['', 'success', 'denied', 'failed'].map((o) =>
        h('option', { value: o, selected: (query.get('outcome') ?? '') === o }, o || 'Any'),
      ),
    ),
    keyId: h('input', { name: 'keyId', value: query.get('keyId') ?? '', autocomplete: 'off' }),
    principalId: h('input', { name: 'principalId', value: query.get('principalId') ?? '', autocomplete: 'off' }),
    from: h('input', { name: 'from', type: 'datetime-local', step: 1, value: query.get('from') ?? '' }),
    to: h('input', { name: 'to', type: 'datetime-local', step: 1, value: query.get('to') ?? '' }),
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter audit records' },
    field('Operation', controls.operation),
    field('Outcome', controls.outcome),
    field('Key ID', controls.keyId),
    field('Principal ID', controls.principalId),
    field('From', controls.from),
    field('To', controls.to),
    h('button', { type: 'submit' }, 'Apply'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    app.navigate(routeHash(['audit'], Object.fromEntries(FILTERS.map((f) => [f, controls[f].value.trim()]))));
  });
  app.show(h('h1', {}, 'Audit trail'), status, form, results);

  void app.api.request<Verdict & Record<string, unknown>>('GET', `${base}/verify`, { instance: false }).then(
    (verdict) => {
      const { valid: _v, records: _r, firstBadSeq: _f, reason: _reason, ...extra } = verdict;
      replace(status, badge(verdict, extra));
    },
    (error: unknown) =>
      replace(
        status,
        error instanceof ApiError && error.status === 401
          ? h(
              'p',
              { class: 'empty' },
              "The audit trail is read from the administration API: it needs the service administrator's API key.",
            )
          : h('p', { class: 'alert', role: 'alert' }, describe(error)),
      ),
  );

  const filters = {
    operation: query.get('operation') ?? undefined,
    outcome: query.get('outcome') ?? undefined,
    keyId: query.get('keyId') ?? undefined,
    principalId: query.get('principalId') ?? undefined,
    from: rfc3339(query.get('from') ?? ''),
    to: rfc3339(query.get('to') ?? ''),
  };
  const rows = h('div');
  const more = h('div');
  replace(results, rows, more);
  const records: AuditRecord[] = [];
  const loadPage = async (cursor: string | undefined): Promise<void> => {
    const page = await app.api.request<AuditPage>('GET', base, {
      instance: false,
      query: { ...filters, limit: 100, cursor },
    });
    records.push(...page.records);
    replace(
      rows,
      h('p', { class: 'count' }, `${records.length} records, oldest first`),
      table(
        'Audit records',
        [
          { header: 'Seq', cell: (r: AuditRecord) => r.seq },
          { header: 'Time', cell: (r) => time(r.time) },
          { header: 'Operation', cell: (r) => h('code', {}, r.operation) },
          { header: 'Outcome', cell: (r) => h('span', { class: `outcome outcome-${r.outcome}` }, r.outcome) },
          { header: 'Reason', cell: (r) => r.reason },
          { header: 'Principal', cell: (r) => r.principalId },
          { header: 'Key', cell: (r) => (r.keyId ? h('a', { href: routeHash(['keys', r.keyId]) }, r.keyId) : '') },
        ],
        records,
        'No records match.',
      ),
    );
    replace(
      more,
      page.nextCursor
        ? h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void loadPage(page.nextCursor ?? undefined).catch((error: unknown) =>
                  replace(more, app.errorBlock(error)),
                ),
            },
            'Load more',
          )
        : null,
    );
  };
  void loadPage(undefined).catch((error: unknown) =>
    replace(
      rows,
      error instanceof ApiError && error.status === 401
        ? h('p', { class: 'empty' }, 'No access to the audit trail with this token.')
        : app.errorBlock(error),
    ),
  );
}
