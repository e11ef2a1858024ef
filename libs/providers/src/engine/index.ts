/** The one upstream call engine every HTTP adapter runs (local engines spawn processes instead). */
export { callUpstream } from './call-upstream';
export type { UpstreamCall } from './call-upstream';
export { binaryBody, jsonBody, multipartBody } from './request-body';
export type { UpstreamBody } from './request-body';
export { jsonAnswer, tryParseJson } from './json-answer';
export { audioAnswer } from './audio-answer';
export type { AudioAnswer } from './audio-answer';
export type { AnswerSpec } from './answer';
export { errorFromAnswer, errorFromFetchFailure } from './upstream-errors';
export type { ErrorReader, ErrorReading } from './upstream-errors';
export type { MultipartFields, MultipartFile } from './multipart';
export { streamUpstream } from './stream-upstream';
export type { StreamCall, UpstreamEvent } from './stream-upstream';
