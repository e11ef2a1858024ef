export { INVALID_KEY, startSimulator } from './simulator-server';
export type { Simulator, StartSimulatorOptions } from './simulator-server';
export { faultSchema, latencySchema } from './faults';
export type { Fault, Latency } from './faults';
export type { RecordedRequest } from './request-log';
