export * from './metrics';
export * from './http-metrics.middleware';
export * from './metrics-server';
export * from './shared-gauges';
export * from './request-context';
export * from './logging.module';
