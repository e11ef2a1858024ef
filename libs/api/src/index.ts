export { startApiServer } from './api-server';
export type { ApiServer } from './api-server';
export { createApp } from './create-app';
export type { AppDeps } from './create-app';
