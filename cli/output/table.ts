/** A column of a table: its heading and how to show a row's cell. */
export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => unknown;
}

/** A cell as text: arrays joined with commas, objects as JSON, nothing as empty. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/**
 * Rows as aligned columns under upper-case headings (no borders, like `ibmcloud kp` and kubectl),
 * so `grep`, `awk` and eyes all read it. An empty table prints its headings only.
 */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row)).replace(/\s+/g, ' ')));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** One record as a two-column list of `Field   value` lines, in the given order, skipping absent fields. */
export function renderFields(fields: readonly (readonly [string, unknown])[]): string {
  const shown = fields.filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0));
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}   ${cellText(v)}`).join('\n');
}

/** Label of a JSON field: `firstBadSeq` -> `First bad seq`, `apiKey` -> `Api key`. */
export function fieldLabel(field: string): string {
  const words = field.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every field of a JSON object, labelled, in its own order. */
export function renderObject(value: unknown): string {
  if (typeof value !== 'object' || value === null) return cellText(value);
  return renderFields(Object.entries(value).map(([k, v]) => [fieldLabel(k), v] as const));
}
