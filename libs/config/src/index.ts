export * from './env.schema';
export * from './app-config.module';
export * from './log-levels';
export * from './payment-packs';
