export * from './webhook-events';
export * from './webhook-names';
export * from './webhook-events.stream';
export * from './webhook-events.publisher';
export * from './webhook-events.module';
export * from './webhook-url-policy';
export * from './webhook-secrets';
export * from './retry-schedule';
