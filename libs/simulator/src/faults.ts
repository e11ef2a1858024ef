import { z } from 'zod';

/** One-shot misbehaviours, each applied to the next chat request in the order queued. */
export const faultSchema = z.union([
  /** Answer with this status in the OpenAI error envelope (429 may carry `Retry-After`). */
  z.strictObject({
    status: z.number().int().min(400).max(599),
    retryAfterSeconds: z.number().int().min(0).optional(),
    message: z.string().max(1000).optional(),
  }),
  /** Never answer; the client must time out or abort. */
  z.strictObject({ hang: z.literal(true) }),
  /** Destroy the socket without answering. */
  z.strictObject({ reset: z.literal(true) }),
  /** 200 with a body that is not valid JSON. */
  z.strictObject({ malformed: z.literal(true) }),
  /** The real answer, cut off halfway: headers and half the body, then the socket closes. */
  z.strictObject({ cut: z.literal(true) }),
  /** The real answer, trickled out in ten pieces over `totalMs`. */
  z.strictObject({ slowMs: z.number().int().min(1).max(600_000) }),
]);
export type Fault = z.infer<typeof faultSchema>;

export const latencySchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000),
  /** A uniformly random extra delay in [0, jitterMs). */
  jitterMs: z.number().int().min(0).max(600_000).default(0),
  /** A streamed answer's pace: the delay between its events (tokens). */
  tokenMs: z.number().int().min(0).max(60_000).default(0),
});
export type Latency = z.input<typeof latencySchema>;

/** One fault drawn at random: each request gets `fault` with probability `rate`. */
const singleChaosSchema = z.strictObject({
  rate: z.number().min(0).max(1),
  fault: faultSchema.default({ status: 503 }),
});

/**
 * Faults drawn at random, or several kinds at once (`{mix: [{rate: 0.2, fault: {status: 503}},
 * {rate: 0.05, fault: {hang: true}}]}`): each request gets at most one of them, each with its
 * own probability, so the rates add up (at most 1).
 */
export const chaosSchema = z.union([
  singleChaosSchema,
  z.strictObject({
    mix: z
      .array(singleChaosSchema)
      .min(1)
      .refine((mix) => mix.reduce((sum, m) => sum + m.rate, 0) <= 1 + 1e-9, 'the rates of a mix add up to more than 1'),
  }),
]);
export type Chaos = z.input<typeof chaosSchema>;

/** The faults and latency the next requests will get. */
export class FaultPlan {
  private queue: Fault[] = [];
  private latency = { latencyMs: 0, jitterMs: 0, tokenMs: 0 };
  private chaos: z.infer<typeof chaosSchema> | null = null;
  /** Requests being answered now, and the most there have been at once. */
  inFlight = 0;
  maxInFlight = 0;

  enqueue(faults: readonly Fault[]): number {
    this.queue.push(...faults.map((f) => faultSchema.parse(f)));
    return this.queue.length;
  }

  /** The fault for the request being served: a queued one first, else a random one. */
  next(): Fault | undefined {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (!this.chaos) return undefined;
    // One draw for the whole mix, so the kinds never stack on one request.
    let draw = Math.random();
    for (const { rate, fault } of 'mix' in this.chaos ? this.chaos.mix : [this.chaos]) {
      if (draw < rate) return fault;
      draw -= rate;
    }
    return undefined;
  }

  stats(): { inFlight: number; maxInFlight: number } {
    return { inFlight: this.inFlight, maxInFlight: this.maxInFlight };
  }

  setChaos(chaos: Chaos | null): z.infer<typeof chaosSchema> | null {
    this.chaos = chaos === null ? null : chaosSchema.parse(chaos);
    return this.chaos;
  }

  get pending(): readonly Fault[] {
    return this.queue;
  }

  /** @param defaultTokenMs the pace streams get until `setLatency` says otherwise, and after `reset`. */
  constructor(private readonly defaultTokenMs = 0) {
    this.latency.tokenMs = defaultTokenMs;
  }

  setLatency(latency: Latency): { latencyMs: number; jitterMs: number; tokenMs: number } {
    this.latency = latencySchema.parse(latency);
    return this.latency;
  }

  /** 0 by default, so the benchmark's hot path schedules no timer at all. */
  delayMs(): number {
    const { latencyMs, jitterMs } = this.latency;
    return jitterMs > 0 ? latencyMs + Math.floor(Math.random() * jitterMs) : latencyMs;
  }

  /** The delay between a streamed answer's events. */
  tokenMs(): number {
    return this.latency.tokenMs;
  }

  reset(): void {
    this.queue = [];
    this.latency = { latencyMs: 0, jitterMs: 0, tokenMs: this.defaultTokenMs };
    this.chaos = null;
    this.maxInFlight = this.inFlight;
  }
}
