import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpekoWireClient, startSimulatedStack, type SimulatedStack } from '@voxq/testing';
import { readmeBlock } from './readme-blocks';

/**
 * The README's Speko SDK walk-through, run as pasted against a running stack: its one
 * import is the SDK, here `SpekoWireClient` (which speaks the SDK's wire with the SDK's
 * method names); only `VOXQ_URL` (its base URL) differs.
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
    const { lang, source } = readmeBlock('speko-sdk-walkthrough');
    expect(lang).toBe('js');
    expect(source).toContain("import { Speko } from '@spekoai/sdk';");
    const body = source.replace("import { Speko } from '@spekoai/sdk';", '');
    const lines: unknown[][] = [];
    let written = '';
    const shim = { env: { VOXQ_URL: stack.url, KEY: key }, stdout: { write: (text: string) => void (written += text) } };
    const run = new Function('Speko', 'process', 'console', `return (async () => {\n${body}\n})();`) as (...args: unknown[]) => Promise<void>;
    await run(SpekoWireClient, shim, { log: (...args: unknown[]) => lines.push(args) });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual([expect.stringMatching(/^audio\//), expect.any(String), expect.any(Number)]);
    expect(lines[1]![0]).toEqual(expect.any(String));
    expect(lines[2]).toEqual(['Simulated reply to: Hi!', { promptTokens: expect.any(Number), completionTokens: expect.any(Number) }]);
    expect(written).toBe('Simulated reply to: Count to five.');
  });
});
