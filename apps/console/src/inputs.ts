/**
 * What this tab submitted, by job id. The API's job view has no input (a job's input lives in
 * its queue entry, not in the record the API reads), so the job page shows the input of jobs
 * submitted from this tab only: texts in sessionStorage, audio as in-memory object URLs (gone
 * on reload; the recording is never stored).
 */
const STORAGE_KEY = 'voxq.console.inputs';
const MAX_KEPT = 50;

export type SubmittedInput =
  | { type: 'synthesize'; text: string; voice?: string | undefined; format?: string | undefined }
  | { type: 'complete'; prompt: string; systemPrompt?: string | undefined }
  | { type: 'transcribe'; fileName: string; contentType: string; bytes: number };

const audioUrls = new Map<string, string>();

function readAll(): Record<string, SubmittedInput> {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, SubmittedInput>;
  } catch {
    return {};
  }
}

export function rememberInput(jobId: string, input: SubmittedInput, audio?: Blob): void {
  const entries = Object.entries({ ...readAll(), [jobId]: input }).slice(-MAX_KEPT);
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Storage full or off: the job page then says the input is not known here.
  }
  if (audio) audioUrls.set(jobId, URL.createObjectURL(audio));
}

export function submittedInput(jobId: string): SubmittedInput | undefined {
  return readAll()[jobId];
}

/** An object URL of the audio this tab sent for the job, while the page lives. */
export function submittedAudio(jobId: string): string | undefined {
  return audioUrls.get(jobId);
}
