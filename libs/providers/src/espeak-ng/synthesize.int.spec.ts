import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import type { CallContext } from '../provider';
import { Semaphore } from '../shared/semaphore';
import { readWav } from '@voxq/wav';
import { createEspeakNgTts } from './synthesize';

const installed = spawnSync('espeak-ng', ['--version']).error === undefined;
const skipNote = installed ? '' : ' [skipped: espeak-ng is not installed: apt-get install -y espeak-ng]';
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger: createLogger({ name: 'test', level: 'silent' }) });

describe('espeak-ng TTS', () => {
  const tts = createEspeakNgTts({ limiter: new Semaphore(2) });

  it.skipIf(!installed)(`synthesizes a playable WAV with its duration${skipNote}`, async () => {
    const result = await tts.synthesize({ text: 'Hello from voxq. This is a test.', language: 'en-US', speed: 1, voice: null }, ctx());
    expect(result.contentType).toBe('audio/wav');
    expect(result.model).toBe('espeak-ng');
    const wav = readWav(result.audio);
    expect(wav.channels).toBe(1);
    expect(wav.sampleRate).toBe(22_050);
    // The header now states the real sizes, not espeak-ng's streaming placeholder.
    expect(result.audio.readUInt32LE(4)).toBe(result.audio.length - 8);
    expect(result.durationSeconds).toBeGreaterThan(1);
    expect(result.durationSeconds).toBeCloseTo(wav.durationSeconds);
  });

  it.skipIf(!installed)(`speaks faster at a higher speed${skipNote}`, async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const normal = await tts.synthesize({ text, language: 'en', speed: 1 }, ctx());
    const fast = await tts.synthesize({ text, language: 'en', speed: 2 }, ctx());
    expect(fast.durationSeconds ?? 0).toBeLessThan((normal.durationSeconds ?? 0) * 0.75);
  });

  it.skipIf(!installed)(`reads text that looks like a flag as text${skipNote}`, async () => {
    const result = await tts.synthesize({ text: '--help -v xx', language: 'en', speed: 1 }, ctx());
    expect(result.durationSeconds).toBeGreaterThan(0.3);
  });

  it.skipIf(!installed)(`rejects an unknown voice as bad input${skipNote}`, async () => {
    await expect(tts.synthesize({ text: 'Hi', language: 'en', speed: 1, voice: 'xx-nope' }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
      failover: false,
    });
  });

  it('rejects a voice that could be read as a flag without running anything', async () => {
    await expect(tts.synthesize({ text: 'Hi', language: 'en', speed: 1, voice: '--stdout' }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
    });
  });

  it('reports a missing binary as misconfigured, with the install hint', async () => {
    const missing = createEspeakNgTts({ bin: 'voxq-missing-espeak-ng', limiter: new Semaphore(1) });
    await expect(missing.synthesize({ text: 'Hi', language: 'en', speed: 1 }, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      message: 'espeak-ng: voxq-missing-espeak-ng is not installed: apt-get install -y espeak-ng',
    });
  });
});
