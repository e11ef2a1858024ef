import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '@voxq/errors';
import type { CallContext, SttProvider, SttRequest, SttResponse } from '../provider';
import { excerpt } from '../shared/excerpt';
import { runProcess } from '../shared/run-process';
import type { Semaphore } from '../shared/semaphore';
import { readWav } from '../shared/wav';
import { soxInputArgs } from './sox-input';

export const POCKETSPHINX_NAME = 'pocketsphinx';
const MODEL = 'en-us';

export interface PocketsphinxOptions {
  /** @defaultValue `'pocketsphinx_continuous'` */
  bin?: string;
  /** @defaultValue `'sox'` */
  soxBin?: string;
  limiter: Semaphore;
  /** Where per-call scratch folders go. @defaultValue `os.tmpdir()` */
  tmpRoot?: string;
}

/** pocketsphinx prints one hypothesis line per utterance. */
export function transcriptFromOutput(stdout: string): string {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}

/**
 * Speech to text with the local CMU pocketsphinx (Debian's `pocketsphinx_continuous` and its
 * US-English model). It only reads 16 kHz mono 16-bit WAV, so sox converts the input first.
 */
export function createPocketsphinxStt(options: PocketsphinxOptions): SttProvider {
  const bin = options.bin ?? 'pocketsphinx_continuous';
  const soxBin = options.soxBin ?? 'sox';

  async function transcribe(request: SttRequest, ctx: CallContext): Promise<SttResponse> {
    if (request.language.split('-')[0]?.toLowerCase() !== 'en') {
      throw errors.providerRejectedInput(POCKETSPHINX_NAME, `language '${request.language}' is not supported (English only)`);
    }
    const dir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'voxq-pocketsphinx-'));
    try {
      const input = join(dir, 'input');
      const converted = join(dir, 'converted.wav');
      await writeFile(input, request.audio);

      const sox = await runProcess({
        provider: POCKETSPHINX_NAME,
        bin: soxBin,
        args: [...soxInputArgs(request.contentType), input, '-r', '16000', '-c', '1', '-b', '16', converted],
        signal: ctx.signal,
        limiter: options.limiter,
        installHint: 'apt-get install -y sox',
      });
      if (sox.exitCode !== 0) {
        const reason = excerpt(sox.stderr.replaceAll(`${dir}/`, '')) || `sox exited with ${sox.exitCode}`;
        throw errors.providerRejectedInput(POCKETSPHINX_NAME, `could not decode audio: ${reason}`);
      }

      const recognised = await runProcess({
        provider: POCKETSPHINX_NAME,
        bin,
        args: ['-infile', converted, '-logfn', '/dev/null'],
        signal: ctx.signal,
        limiter: options.limiter,
        installHint: 'apt-get install -y pocketsphinx pocketsphinx-en-us',
      });
      if (recognised.exitCode !== 0) {
        throw errors.providerUnavailable(
          POCKETSPHINX_NAME,
          `${bin} exited with ${recognised.exitCode}: ${excerpt(recognised.stderr) || 'no stderr'}`,
        );
      }

      const { durationSeconds } = readWav(await readFile(converted));
      return {
        text: transcriptFromOutput(recognised.stdout.toString('utf8')),
        model: request.model ?? MODEL,
        language: 'en',
        durationSeconds,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return { name: POCKETSPHINX_NAME, capability: 'stt', languages: ['en'], defaultModel: MODEL, transcribe };
}
