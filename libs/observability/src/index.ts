export * from './metrics';
export * from './http-metrics.middleware';
export * from './metrics-server';
export * from './shared-gauges';
