// The operator dashboard (`/admin`): token auth, the status page and JSON, and bull-board.
export { adminRoutes } from './admin.routes';
export type { AdminDeps } from './admin.routes';
