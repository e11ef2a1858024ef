import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeText, REPO_ROOT } from './readme-blocks';

const readme = readmeText();
/** Every fenced block, with the marker comment right above it if there is one. */
const blocks = [...readme.matchAll(/(?:<!-- ([\w-]+): (\S+) runs this block -->\n)?```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  marker: m[1],
  spec: m[2],
  lang: m[3]!,
  source: m[4]!,
}));
const runnable = blocks.filter((b) => ['sh', 'js', 'ts'].includes(b.lang));

/** What the README's walk-throughs promise (issue 15, point 14): one address to change, nothing left behind, no jargon. */
describe('README: what a first reader pastes and reads', () => {
  it('names no address in a runnable block except as the default of the variable that changes it', () => {
    for (const { source } of runnable) {
      const withoutDefaults = source.replace(/\$\{\w+:-http:\/\/127\.0\.0\.1:\d+[^}]*\}/g, '');
      expect(withoutDefaults, source).not.toMatch(/(127\.0\.0\.1|localhost):\d/);
    }
  });

  it('runs every block that calls voxq in a test, named beside it', () => {
    const callsVoxq = runnable.filter((b) => /VOXQ_URL|npx voxq/.test(b.source) && !b.source.includes('npm run keys -- create acme'));
    expect(callsVoxq.length).toBeGreaterThanOrEqual(11);
    for (const block of callsVoxq) {
      expect(block.marker, block.source).toBeDefined();
      const spec = join(REPO_ROOT, block.spec!);
      expect(existsSync(spec), block.spec).toBe(true);
      expect(readFileSync(spec, 'utf8'), block.spec).toContain(`'${block.marker}'`);
    }
  });

  it('writes files only into a temporary folder, and waits by polling, never on a bare sleep', () => {
    for (const { lang, source } of runnable.filter((b) => b.lang === 'sh')) {
      for (const [, target] of source.matchAll(/(?:\s-o|>)\s+(\S+)/g)) expect(target, `${lang}: ${source}`).toMatch(/^("\$WORK\/|\/dev\/null|&)/);
      expect(source).not.toMatch(/^sleep \d/m);
    }
  });

  it('says what things are instead of internal names', () => {
    expect(readme).not.toMatch(/seed \d{3}|seeds?:|design brief/i);
    const firstSpeko = readme.indexOf('Speko');
    expect(readme.slice(firstSpeko, firstSpeko + 80)).toMatch(/Speko, a hosted speech and LLM gateway/);
  });

  it('starts with the two commands', () => {
    expect(readme).toMatch(/^# voxq\n\n```sh\nnpm ci && npm start .*\nnpm ci && npm test /);
  });
});
