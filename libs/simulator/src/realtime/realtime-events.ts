import { z } from 'zod';

/**
 * Just enough of OpenAI's Realtime client events (the GA protocol, as the `openai` SDK types
 * them) to answer them; unknown fields pass through, as the vendor ignores what it does not use.
 */
const modalities = z.array(z.enum(['text', 'audio'])).min(1);

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional(), transcript: z.string().nullish(), audio: z.string().optional() });

export const clientEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('session.update'),
    event_id: z.string().optional(),
    session: z.looseObject({
      type: z.literal('realtime').optional(),
      instructions: z.string().optional(),
      output_modalities: modalities.optional(),
      audio: z.looseObject({ output: z.looseObject({ voice: z.string().optional() }).optional() }).optional(),
    }),
  }),
  z.looseObject({
    type: z.literal('conversation.item.create'),
    event_id: z.string().optional(),
    previous_item_id: z.string().nullish(),
    item: z.looseObject({
      id: z.string().optional(),
      type: z.literal('message'),
      role: z.enum(['user', 'assistant', 'system']),
      content: z.array(contentPart).min(1),
    }),
  }),
  z.looseObject({ type: z.literal('input_audio_buffer.append'), event_id: z.string().optional(), audio: z.base64() }),
  z.looseObject({ type: z.literal('input_audio_buffer.commit'), event_id: z.string().optional() }),
  z.looseObject({ type: z.literal('input_audio_buffer.clear'), event_id: z.string().optional() }),
  z.looseObject({
    type: z.literal('response.create'),
    event_id: z.string().optional(),
    response: z.looseObject({ output_modalities: modalities.optional(), instructions: z.string().optional() }).optional(),
  }),
  z.looseObject({ type: z.literal('response.cancel'), event_id: z.string().optional() }),
]);
export type ClientEvent = z.infer<typeof clientEventSchema>;

export const CLIENT_EVENT_TYPES: readonly string[] = clientEventSchema.options.map((o) => o.shape.type.value);
