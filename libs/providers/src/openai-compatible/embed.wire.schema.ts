import { z } from 'zod';

/** `POST /embeddings`, as far as voxq speaks it. Stays in this folder. */
export interface EmbeddingsWireRequest {
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
  /** Always `float`: every compatible server understands it (some ignore or refuse `base64`). */
  encoding_format: 'float';
}

/**
 * The `POST /embeddings` answer. A vector is a number array, or base64 little-endian float32
 * from a server that sends it whatever was asked.
 */
export const wireEmbeddingsSchema = z.object({
  data: z
    .array(
      z.object({
        index: z.number().int().min(0),
        embedding: z.union([z.array(z.number()).min(1), z.string().min(1)]),
      }),
    )
    .min(1),
  model: z.string().nullish(),
  usage: z.object({ prompt_tokens: z.number().int().min(0) }).nullish(),
});
export type WireEmbeddings = z.infer<typeof wireEmbeddingsSchema>;
