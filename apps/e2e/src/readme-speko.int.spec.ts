import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpekoWireClient, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const MARKER = '<!-- speko-sdk-walkthrough';

/** The README's Speko SDK block, as a user would paste it. */
function walkthrough(): string {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const after = readme.slice(readme.indexOf(MARKER));
  const block = /```js\n([\s\S]*?)```/.exec(after);
  if (!block) throw new Error('README: no js block after the Speko SDK walk-through marker');
  return block[1]!;
}

/**
 * The README's Speko SDK walk-through, run as pasted against a running stack: its one
 * import is the SDK, here `SpekoWireClient` (which speaks the SDK's wire with the SDK's
 * method names); its base URL is the README's with this stack's port.
 */
describe('README: the Speko SDK walk-through', () => {
  let stack: SimulatedStack;
  let key: string;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    key = (await stack.createKey('readme-speko')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs, each call answering what it says', async () => {
    const source = walkthrough();
    expect(source).toContain("import { Speko } from '@spekoai/sdk';");
    expect(source).toContain("baseUrl: 'http://127.0.0.1:8080'");
    const body = source.replace("import { Speko } from '@spekoai/sdk';", '').replace("'http://127.0.0.1:8080'", JSON.stringify(stack.url));
    const lines: unknown[][] = [];
    let written = '';
    const shim = { env: { KEY: key }, stdout: { write: (text: string) => void (written += text) } };
    const run = new Function('Speko', 'process', 'console', `return (async () => {\n${body}\n})();`) as (...args: unknown[]) => Promise<void>;
    await run(SpekoWireClient, shim, { log: (...args: unknown[]) => lines.push(args) });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual([expect.stringMatching(/^audio\//), expect.any(String), expect.any(Number)]);
    expect(lines[1]![0]).toEqual(expect.any(String));
    expect(lines[2]).toEqual(['Simulated reply to: Hi!', { promptTokens: expect.any(Number), completionTokens: expect.any(Number) }]);
    expect(written).toBe('Simulated reply to: Count to five.');
  });
});
