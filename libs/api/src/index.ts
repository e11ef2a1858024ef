export { startApiProcess, startApiServer } from './api-server';
export type { ApiServer } from './api-server';
export { buildAppServices } from './app-services';
export type { AppResources, AppServices } from './app-services';
export { createApp } from './create-app';
export type { AppDeps } from './create-app';
