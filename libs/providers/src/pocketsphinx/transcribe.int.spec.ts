import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { createEspeakNgTts } from '../espeak-ng/synthesize';
import type { CallContext } from '../provider';
import { Semaphore } from '../shared/semaphore';
import { createPocketsphinxStt } from './transcribe';

const has = (bin: string, args: string[]) => spawnSync(bin, args).error === undefined;
const installed = has('espeak-ng', ['--version']) && has('sox', ['--version']) && has('pocketsphinx_continuous', ['-h']);
const skipNote = installed ? '' : ' [skipped: needs apt-get install -y espeak-ng pocketsphinx pocketsphinx-en-us sox]';
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger: createLogger({ name: 'test', level: 'silent' }) });
// A scratch root of this file's own: other suites run pocketsphinx at the same time.
const tmpRoot = mkdtempSync(join(tmpdir(), 'voxq-stt-test-'));
const leftovers = async () => (await readdir(tmpRoot)).filter((name) => name.startsWith('voxq-pocketsphinx-'));

describe('pocketsphinx STT', () => {
  afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
  const limiter = new Semaphore(2);
  const stt = createPocketsphinxStt({ limiter, tmpRoot });
  const tts = createEspeakNgTts({ limiter });

  // pocketsphinx gets roughly a third of espeak-ng's words right, so this checks the
  // plumbing (conversion, recognition, duration), not the words.
  it.skipIf(!installed)(`transcribes espeak-ng speech${skipNote}`, async () => {
    const before = await leftovers();
    const speech = await tts.synthesize({ text: 'Hello world. This is a test of the speech system.', language: 'en-US', speed: 1 }, ctx());
    const result = await stt.transcribe({ audio: speech.audio, contentType: 'audio/wav', language: 'en-US' }, ctx());
    expect(typeof result.text).toBe('string');
    expect(result.text).toBe(result.text.trim());
    expect(result.model).toBe('en-us');
    expect(result.durationSeconds).toBeGreaterThan(1);
    expect(result.durationSeconds).toBeCloseTo(speech.durationSeconds ?? 0, 1);
    // `-time yes`: each utterance timed, in order, within the audio, spelling out the transcript.
    const segments = result.segments ?? [];
    expect(segments.map((s) => s.text).join(' ')).toBe(result.text);
    segments.forEach((segment, i) => {
      expect(segment.start).toBeGreaterThanOrEqual(i === 0 ? 0 : segments[i - 1]!.end);
      expect(segment.end).toBeGreaterThanOrEqual(segment.start);
      expect(segment.end).toBeLessThanOrEqual(result.durationSeconds);
    });
    expect(await leftovers()).toEqual(before);
  });

  it.skipIf(!installed)(`rejects audio sox cannot decode${skipNote}`, async () => {
    const garbage = Buffer.from('this is not audio, just some text bytes');
    await expect(stt.transcribe({ audio: garbage, contentType: 'audio/wav', language: 'en' }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
      failover: false,
      retryable: false,
      message: expect.stringMatching(/^pocketsphinx: could not decode audio: /),
    });
  });

  it('rejects languages other than English', async () => {
    await expect(stt.transcribe({ audio: Buffer.alloc(10), contentType: 'audio/wav', language: 'fr' }, ctx())).rejects.toMatchObject({
      code: 'provider_rejected_input',
    });
  });

  it('reports a missing binary as misconfigured, with the install hint', async () => {
    const missing = createPocketsphinxStt({ soxBin: 'voxq-missing-sox', limiter });
    await expect(missing.transcribe({ audio: Buffer.alloc(10), contentType: 'audio/wav', language: 'en' }, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      message: 'pocketsphinx: voxq-missing-sox is not installed: apt-get install -y sox',
    });
  });
});
