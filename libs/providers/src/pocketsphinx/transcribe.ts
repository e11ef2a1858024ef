import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptSegment, TranscriptWord } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import type { CallContext, SttProvider, SttRequest, SttResponse } from '../provider';
import { excerpt } from '../shared/excerpt';
import { runProcess } from '../shared/run-process';
import type { Semaphore } from '../shared/semaphore';
import { readWav } from '@voxq/wav';
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

/** A word-timing line of `-time yes`: `word start end posterior`, times in seconds from the start of the file. */
const TIMING_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i;
/** Markers and fillers in the timings, not words: `<s>`, `</s>`, `<sil>`, `[NOISE]`, `++UH++`. */
const NOT_A_WORD = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

/** What `pocketsphinx_continuous -time yes` printed: the transcript, one segment per utterance, and each word timed. */
export interface Recognition {
  text: string;
  segments: TranscriptSegment[];
  words: TranscriptWord[];
}

/**
 * Reads `-time yes` output: per utterance, its hypothesis line, then one timing line per word
 * (`<s>` first, `</s>` last, with silences and fillers between). An utterance's segment runs
 * from its first word's start to its last word's end; an empty hypothesis adds none.
 */
export function recognitionFromOutput(stdout: string): Recognition {
  const utterances: Array<{ text: string; times: TranscriptWord[] }> = [];
  for (const line of stdout.split('\n').map((l) => l.trim())) {
    const timing = TIMING_LINE.exec(line);
    if (!timing) utterances.push({ text: line, times: [] });
    else if (!NOT_A_WORD.test(timing[1]!)) {
      const start = Number(timing[2]);
      // Alternate pronunciations are marked `word(2)`: the word is the same.
      utterances.at(-1)?.times.push({ word: timing[1]!.replace(/\(\d+\)$/, ''), start, end: Math.max(start, Number(timing[3])) });
    }
  }
  const spoken = utterances.filter((u) => u.text);
  return {
    text: spoken.map((u) => u.text).join(' '),
    words: spoken.flatMap((u) => u.times),
    segments: spoken.flatMap(({ text, times }) => {
      const first = times[0];
      const last = times.at(-1);
      return first && last ? [{ start: first.start, end: Math.max(first.start, last.end), text }] : [];
    }),
  };
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
        // `-time yes` adds a timing line per word after each utterance's hypothesis.
        args: ['-infile', converted, '-logfn', '/dev/null', '-time', 'yes'],
        signal: ctx.signal,
        limiter: options.limiter,
        installHint: 'apt-get install -y pocketsphinx pocketsphinx-en-us',
      });
      if (recognised.exitCode !== 0) {
        throw errors.providerUnavailable(POCKETSPHINX_NAME, `${bin} exited with ${recognised.exitCode}: ${excerpt(recognised.stderr) || 'no stderr'}`);
      }

      const { durationSeconds } = readWav(await readFile(converted));
      const { text, segments, words } = recognitionFromOutput(recognised.stdout.toString('utf8'));
      return {
        text,
        model: request.model ?? MODEL,
        language: 'en',
        durationSeconds,
        ...(segments.length ? { segments } : {}),
        ...(words.length ? { words } : {}),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return { name: POCKETSPHINX_NAME, capability: 'stt', languages: ['en'], defaultModel: MODEL, transcribe };
}
