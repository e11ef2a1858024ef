import { z } from 'zod';
import { CAPABILITIES } from '@voxq/contracts';

/** `GET /v1/models`'s query. */
export const modelsQuerySchema = z.strictObject({ recommended_for: z.enum(CAPABILITIES).optional() });
