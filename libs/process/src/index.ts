export { runService } from './run-service';
export type { Service } from './run-service';
