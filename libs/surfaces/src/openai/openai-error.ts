import type { AppError } from '@voxq/errors';

/** OpenAI's error envelope `{error: {message, type, param, code}}`. */
export const openAiErrorBody = (error: AppError) => ({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } });
