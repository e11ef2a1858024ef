// The intake core: every way in (HTTP routes, batch lines, bucket drops) submits jobs
// through the JobService. No HTTP here.
export { createJobService, JobService } from './job-service';
export type { InlineAudio, JobServiceDeps, Submission, SubmitOptions, SubmittedJob } from './job-service';
export { jsonSubmission } from './job-request';
export { parseOrThrow, toValidationError } from './validation';
export { AUDIO_FETCH_USER_AGENT, assertS3Allowed, defaultS3AllowList, parseS3Url, resolveAudioSource } from './audio-source';
export type { AudioSourceDeps, AudioSourceOptions, S3AllowListEntry } from './audio-source';
export { uploadKey, UploadService, uploadServiceFor } from './upload-service';
export type { IncomingUpload, UploadServiceDeps } from './upload-service';
export { boundaryOf, readMultipart } from './multipart-stream';
export type { FilePart } from './multipart-stream';
export { JobWaiter } from './job-waiter';
export { JobChannels } from './job-channels';
export { JobFeed } from './job-feed';
export type { FeedItem, FollowJob } from './job-feed';
export { InlineRunner } from './inline-runner';
export type { InlineRunnerDeps } from './inline-runner';
