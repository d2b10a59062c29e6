import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof DIR`, or `node --cpu-prof`):
 * self time by function and by package/folder, the top entries of each.
 * Usage: node --import tsx bench/profile-top.ts <file.cpuprofile> [top=25]
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file = '', topArg = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (!url) return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.startsWith('node:')) return url;
  const local = /\/(domain|events|functions|application|server|bench)\/(.*)$/.exec(url);
  return local ? `${local[1]}/${local[2]}` : url;
}

const fns = new Map<string, number>();
const places = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const w = where(n.callFrame.url);
  const name = `${n.callFrame.functionName || '(anonymous)'} ${w}:${n.callFrame.lineNumber + 1}`;
  fns.set(name, (fns.get(name) ?? 0) + us);
  const place =
    w.startsWith('node:') || w.startsWith('(')
      ? w
      : w
          .split('/')
          .slice(0, w.includes('/') && !w.startsWith('@') ? 2 : 1)
          .join('/');
  places.set(place, (places.get(place) ?? 0) + us);
}
const top = Number(topArg);
const show = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    .join('\n');
console.log(
  `total sampled ${(total / 1000).toFixed(0)} ms\n\nby function (self):\n${show(fns)}\n\nby module/folder (self):\n${show(places)}`,
);
