export type { HandlerOutput, JobContext, JobKind, JobStorage, Suspension } from './job-kind';
export { routeOptions } from './job-kind';
export { JOB_KINDS } from './job-kinds';
export { runKindHandler } from './run-kind';
export { freshToolLoop, toolCallJobId, toolLoopStateSchema, ToolLoopStore, type ServerToolCall, type ToolLoopState } from './tool-loop';
export { runBuiltinTool } from './builtin-tools';
