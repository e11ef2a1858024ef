export { startApiServer } from './api-server';
export type { ApiServer } from './api-server';
export { createApp } from './create-app';
export type { AppDeps } from './create-app';
export { JobService } from './services/job-service';
export type { InlineAudio, Submission, SubmittedJob } from './services/job-service';
export { startDropPoller } from './drop-poller-runtime';
export type { DropPollerRuntime } from './drop-poller-runtime';
