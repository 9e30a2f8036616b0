/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of a bench worker: the functions with the most self
 * time, and self time per source file, optionally only inside the measurement window the worker printed.
 *
 *   node bench/profile-summary.ts FILE.cpuprofile [--from MICROS --to MICROS] [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly { name: string; selfMs: number; share: number }[];
  readonly files: readonly { file: string; selfMs: number; share: number }[];
}

export function summariseProfile(profile: CpuProfile, from = -Infinity, to = Infinity, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  let total = 0;
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    // A sample's time is the gap to the next sample (V8's own convention in DevTools).
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (time < from || time > to) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const file = shortUrl(url) || `(${functionName || 'native'})`;
    const name = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + delta);
    total += delta;
  }
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    totalMs: total / 1000,
    functions: rank(selfByFunction).map(([name, us]) => ({ name, selfMs: us / 1000, share: us / total })),
    files: rank(selfByFile).map(([file, us]) => ({ file, selfMs: us / 1000, share: us / total })),
  };
}

function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.search(/\/(src|bench)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string', default: '25' } },
  });
  if (positionals.length !== 1)
    throw new Error('usage: node bench/profile-summary.ts FILE.cpuprofile [--from µs --to µs]');
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
  const summary = summariseProfile(
    profile,
    values.from ? Number(values.from) : undefined,
    values.to ? Number(values.to) : undefined,
    Number(values.top),
  );
  console.log(`busy CPU in window: ${summary.totalMs.toFixed(0)} ms\n\nself time by function:`);
  for (const f of summary.functions)
    console.log(`${f.selfMs.toFixed(1).padStart(8)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
  console.log('\nself time by file:');
  for (const f of summary.files)
    console.log(`${f.selfMs.toFixed(1).padStart(8)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.file}`);
}
