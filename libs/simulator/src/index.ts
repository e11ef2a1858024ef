export { startSimulator } from './simulator-server';
export type { Simulator, StartSimulatorOptions } from './simulator-server';
export { chaosSchema, faultSchema, latencySchema } from './faults';
export type { Chaos, Fault, Latency } from './faults';
export type { RecordedRequest } from './request-log';
export { INVALID_KEY } from './vendor';
export type { SimRequest, SimResponse, SimVendor, VendorRoute } from './vendor';
