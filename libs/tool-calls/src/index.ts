export { MAX_TOOL_ANSWER_BYTES, postToTool } from './call-tool';
export type { ToolHttpAnswer } from './call-tool';
export { createToolCallProcessor } from './tool-call-processor';
export type { SecretLookup } from './tool-call-processor';
export { signingKeyOf, toolRequestHeaders } from './tool-request-headers';
export type { ToolSecrets } from './tool-request-headers';
export { startToolWorker } from './tool-worker';
export { startDispatcherProcess } from './dispatcher-process';
export type { DispatcherProcess } from './dispatcher-process';
