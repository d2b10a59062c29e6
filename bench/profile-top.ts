import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Summarises a V8 `.cpuprofile` of the event loop's thread (from `bench/profile.ts`, `npm run bench --
 * --cpu-prof DIR`, or `node --cpu-prof`): where its time went, by part of the program and by
 * function. Frames of the server bundle are mapped back to their source files through its source map.
 *
 * With a measured window (monotonic µs, as `process.hrtime` counts) and the number of requests
 * answered in it, only samples inside the window count, and each part is shown as µs per request:
 * its share of the sampled busy time times the thread's CPU time per request (`--cpu-us`, from
 * /proc), so that time the thread spent descheduled on a busy machine is not counted as work.
 * Usage: node --import tsx bench/profile-top.ts <file.cpuprofile> [top=25]
 *          [--from US --to US --requests N --cpu-us US_PER_REQUEST]
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** µs per request by part (keyledger's folders, packages, Node internals, V8), busy time only. */
  readonly parts: ReadonlyArray<{ part: string; usPerRequest: number }>;
  /** µs per request of keyledger's own code (its folders). */
  readonly keyledgerUsPerRequest: number;
  /** Share of the window the thread was idle (waiting for I/O), from the samples. */
  readonly idleShare: number;
  readonly text: string;
}

const KEYLEDGER = ['server', 'functions', 'application', 'domain', 'events'];
const IDLE = '(idle)';

function placeOf(sourcePath: string): string {
  if (!sourcePath) return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(sourcePath);
  if (nm) return nm[1] as string;
  if (sourcePath.startsWith('node:')) return sourcePath;
  const local = /(?:^|\/)(domain|events|functions|application|server|bench)\/(.*)$/.exec(sourcePath);
  return local ? `${local[1]}/${local[2]}` : sourcePath;
}

/** The part a place belongs to: a keyledger folder (second level), a package, a Node module, or V8. */
function partOf(place: string): string {
  const [top, second] = place.split('/');
  if (top && KEYLEDGER.includes(top)) return second && place.split('/').length > 2 ? `${top}/${second}` : top;
  return place;
}

export function summarise(
  file: string,
  options: { top?: number; window?: [number, number]; requests?: number; cpuUsPerRequest?: number } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const maps = new Map<string, SourceMap | null>();
  const sourceMapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      let map: SourceMap | null = null;
      try {
        const path = url.startsWith('file:') ? fileURLToPath(url) : url;
        if (path.endsWith('.mjs') && existsSync(`${path}.map`))
          map = new SourceMap(
            JSON.parse(readFileSync(`${path}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
          );
      } catch {
        map = null;
      }
      maps.set(url, map);
    }
    return maps.get(url) ?? null;
  };
  const labels = new Map<number, { fn: string; place: string }>();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber, columnNumber } = n.callFrame;
    let source = url;
    let line = lineNumber;
    const map = url ? sourceMapOf(url) : null;
    if (map) {
      const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number };
      if (entry.originalSource) {
        source = entry.originalSource;
        line = entry.originalLine ?? lineNumber;
      }
    }
    const place = functionName === '(idle)' ? IDLE : placeOf(source);
    labels.set(n.id, { fn: `${functionName || '(anonymous)'} ${place}:${line + 1}`, place });
  }

  const [from, to] = options.window ?? [-Infinity, Infinity];
  const fns = new Map<string, number>();
  const parts = new Map<string, number>();
  let t = profile.startTime;
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) return;
    const label = labels.get(id);
    if (!label) return;
    if (label.place === IDLE) {
      idle += dt;
      return;
    }
    busy += dt;
    fns.set(label.fn, (fns.get(label.fn) ?? 0) + dt);
    const part = partOf(label.place);
    parts.set(part, (parts.get(part) ?? 0) + dt);
  });
  const perRequest =
    options.requests && options.cpuUsPerRequest
      ? (us: number) => (us / busy) * (options.cpuUsPerRequest ?? 0)
      : options.requests
        ? (us: number) => us / (options.requests ?? 1)
        : null;
  const top = options.top ?? 25;
  const show = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${((us / busy) * 100).toFixed(1).padStart(5)}%  ${perRequest ? `${perRequest(us).toFixed(1).padStart(7)} µs/req` : `${(us / 1000).toFixed(0).padStart(7)} ms`}  ${k}`,
      )
      .join('\n');
  const ownUs = [...parts].filter(([p]) => KEYLEDGER.includes(p.split('/')[0] ?? '')).reduce((a, [, us]) => a + us, 0);
  const idleShare = idle + busy > 0 ? idle / (idle + busy) : 0;
  const head = perRequest
    ? `event loop busy ${(busy / 1000).toFixed(0)} ms, idle ${(idleShare * 100).toFixed(0)}% of the window; keyledger's own code ${perRequest(ownUs).toFixed(1)} µs of ${perRequest(busy).toFixed(1)} µs CPU per request`
    : `busy ${(busy / 1000).toFixed(0)} ms sampled, idle ${(idleShare * 100).toFixed(0)}%`;
  return {
    parts: [...parts]
      .sort((a, b) => b[1] - a[1])
      .map(([part, us]) => ({ part, usPerRequest: perRequest ? perRequest(us) : us })),
    keyledgerUsPerRequest: perRequest ? perRequest(ownUs) : ownUs,
    idleShare,
    text: `${head}\n\nby part (self time):\n${show(parts)}\n\nby function (self time):\n${show(fns)}`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      requests: { type: 'string' },
      'cpu-us': { type: 'string' },
    },
  });
  const [file = '', topArg = '25'] = positionals;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  console.log(
    summarise(file, {
      top: Number(topArg),
      window: values.from && values.to ? [Number(values.from), Number(values.to)] : undefined,
      requests: num(values.requests),
      cpuUsPerRequest: num(values['cpu-us']),
    }).text,
  );
}
