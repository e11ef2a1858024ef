import { z } from 'zod';

/** `POST /images/generations`, as far as voxq speaks it. Stays in this folder. */
export interface ImagesWireRequest {
  model: string;
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  style?: string;
  background?: string;
  output_format?: string;
  output_compression?: number;
  moderation?: string;
  user?: string;
  /** Only to models that take it (DALL·E, compatible servers), and always `b64_json`: voxq stores the bytes itself. */
  response_format?: 'b64_json';
}

/**
 * The `POST /images/generations` answer. An image is base64 (`b64_json`); one with only a
 * `url` is refused as a broken answer (voxq asked for the bytes, and fetches nothing a
 * provider points at).
 */
export const wireImagesSchema = z.object({
  created: z.number().nullish(),
  data: z
    .array(
      z.object({
        b64_json: z.string().nullish(),
        url: z.string().nullish(),
        revised_prompt: z.string().nullish(),
      }),
    )
    .min(1),
  model: z.string().nullish(),
  size: z.string().nullish(),
  quality: z.string().nullish(),
  background: z.string().nullish(),
  output_format: z.string().nullish(),
  usage: z.object({ input_tokens: z.number().int().min(0), output_tokens: z.number().int().min(0) }).nullish(),
});
export type WireImages = z.infer<typeof wireImagesSchema>;
