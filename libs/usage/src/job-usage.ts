import { z } from 'zod';
import { CAPABILITIES, type Capability, type JobType } from '@voxq/contracts';

/**
 * What a finished job used, counted in whole units so Redis adds them exactly (HINCRBY):
 * audio in milliseconds, text in characters, tokens, images; a realtime session counts itself
 * and its length in milliseconds. Stored names: these strings are hash fields of the day
 * counters, so renaming one loses what was counted under it.
 */
export const USAGE_METRICS = ['jobs', 'audio_ms', 'characters', 'input_tokens', 'output_tokens', 'images', 'sessions', 'session_ms'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** The capability a job type's provider serves (how the catalog prices it). */
export const CAPABILITY_OF: Readonly<Record<JobType, Capability>> = {
  transcribe: 'stt',
  synthesize: 'tts',
  complete: 'llm',
  embed: 'embedding',
  image: 'image',
};

export interface JobUsage {
  capability: Capability;
  provider: string;
  counts: Partial<Record<UsageMetric, number>>;
}

// Results were validated by their type's schema when written; these read back only the fields
// metering needs, so a result stored by an older voxq (no duration) still counts its job.
const seconds = z.number().min(0).optional();
const provider = z.string().min(1);
const resultUsage = {
  transcribe: z.object({ provider, usage: z.object({ audioSeconds: z.number().min(0) }) }),
  synthesize: z.object({ provider, usage: z.object({ characters: z.number().int().min(0) }), audio: z.object({ durationSeconds: seconds }) }),
  complete: z.object({ provider, usage: z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) }) }),
  embed: z.object({ provider, usage: z.object({ promptTokens: z.number().int().min(0) }) }),
  image: z.object({ provider, usage: z.object({ images: z.number().int().min(0) }) }),
};

const ms = (s: number | undefined) => Math.round((s ?? 0) * 1000);

/**
 * The usage a completed job's result reports: audio minutes in for transcribe and out for
 * synthesize, characters for synthesize, prompt and completion tokens for complete, input
 * tokens for embed, images made for image, and the job itself. Null for a result without them (nothing to count).
 */
export function usageOfResult(type: JobType, result: unknown): JobUsage | null {
  const capability = CAPABILITY_OF[type];
  switch (type) {
    case 'transcribe': {
      const r = resultUsage.transcribe.safeParse(result);
      return r.success ? { capability, provider: r.data.provider, counts: { jobs: 1, audio_ms: ms(r.data.usage.audioSeconds) } } : null;
    }
    case 'synthesize': {
      const r = resultUsage.synthesize.safeParse(result);
      if (!r.success) return null;
      return { capability, provider: r.data.provider, counts: { jobs: 1, characters: r.data.usage.characters, audio_ms: ms(r.data.audio.durationSeconds) } };
    }
    case 'complete': {
      const r = resultUsage.complete.safeParse(result);
      if (!r.success) return null;
      const { promptTokens, completionTokens } = r.data.usage;
      return { capability, provider: r.data.provider, counts: { jobs: 1, input_tokens: promptTokens, output_tokens: completionTokens } };
    }
    case 'embed': {
      const r = resultUsage.embed.safeParse(result);
      return r.success ? { capability, provider: r.data.provider, counts: { jobs: 1, input_tokens: r.data.usage.promptTokens } } : null;
    }
    case 'image': {
      const r = resultUsage.image.safeParse(result);
      return r.success ? { capability, provider: r.data.provider, counts: { jobs: 1, images: r.data.usage.images } } : null;
    }
  }
}

/** A day counter's hash field: `<capability>|<provider>|<metric>` (provider names hold no `|`). */
export const counterField = (capability: Capability, provider: string, metric: UsageMetric) => `${capability}|${provider}|${metric}`;

/** The parts of a counter field, or null for one this voxq does not know (skipped when read). */
export function parseCounterField(field: string): { capability: Capability; provider: string; metric: UsageMetric } | null {
  const first = field.indexOf('|');
  const last = field.lastIndexOf('|');
  // No `|`, one, or an empty provider; an empty capability fails the check below.
  if (last <= first + 1) return null;
  const capability = field.slice(0, first);
  const metric = field.slice(last + 1);
  if (!(CAPABILITIES as readonly string[]).includes(capability) || !(USAGE_METRICS as readonly string[]).includes(metric)) return null;
  return { capability: capability as Capability, provider: field.slice(first + 1, last), metric: metric as UsageMetric };
}
