// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by
// origin (an npm package, a Node internal, or one of our source files through the bundle's
// source map), so a profile of the benchmark reads in a terminal.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

async function sourceMapper() {
  let TraceMap, originalPositionFor;
  try {
    ({ TraceMap, originalPositionFor } = await import('@jridgewell/trace-mapping'));
  } catch {
    return () => null;
  }
  const maps = new Map();
  return (url, line, column) => {
    if (!url.startsWith('file://') || url.includes('/node_modules/')) return null;
    const path = fileURLToPath(url);
    if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new TraceMap(readFileSync(`${path}.map`, 'utf8')) : null);
    const map = maps.get(path);
    if (!map) return null;
    const pos = originalPositionFor(map, { line: line + 1, column: Math.max(0, column) });
    return pos.source ? { source: pos.source.replace(/^(\.\.\/)+/, ''), line: pos.line } : null;
  };
}

function originOf(url, functionName, mapped) {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  return mapped?.source ?? url.replace(/^file:\/\/.*?\/(dist|tools|libs|apps)\//, '$1/');
}

/** Self time by function and by origin, in ms and % of the profile's total. */
export async function summariseProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const map = await sourceMapper();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idleUs = [...selfUs].filter(([id]) => nodes.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const byFunction = new Map();
  const byOrigin = new Map();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id).callFrame;
    const mapped = map(url, lineNumber, columnNumber);
    const origin = originOf(url, functionName, mapped);
    const where = mapped ? `${mapped.source}:${mapped.line}` : url ? `${origin}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}  ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
  }
  const rows = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / totalUs) * 1000) / 10 }));
  return { file, totalMs: Math.round(totalUs / 1000), busyMs: Math.round((totalUs - idleUs) / 1000), byFunction: rows(byFunction), byOrigin: rows(byOrigin) };
}

export function printProfile(label, summary) {
  console.log(`\n${label}: ${summary.busyMs} ms busy of ${summary.totalMs} ms profiled  (${summary.file})`);
  console.log('  self time by origin:');
  for (const r of summary.byOrigin) console.log(`    ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
  console.log('  self time by function:');
  for (const r of summary.byFunction) console.log(`    ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
}

// `node tools/bench/cpu-profile.mjs <file.cpuprofile> [top]` prints one profile.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  printProfile(file, await summariseProfile(file, Number(top || 25)));
}
