// Streamed replies: workers write each provider call's pieces into a per-job Redis stream,
// API replicas follow it and relay what a client may see.
export { ReplyStreamWriter } from './reply-writer';
export type { JobDeltas, ReplyMeta, ReplyStream, StreamLimits } from './reply-writer';
export { compareStreamIds, followJobStream } from './stream-follower';
export type { ChannelListen, FollowOptions, StreamFollower, StreamItem } from './stream-follower';
export { replyName, ReplyTracker } from './reply-tracker';
export type { ReplyEvent } from './reply-tracker';
