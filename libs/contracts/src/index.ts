export * from './chat.schema';
export * from './error-envelope.schema';
export * from './job-inputs.schema';
export * from './job-results.schema';
export * from './job.schema';
export * from './routing.schema';
export * from './webhook-event.schema';
