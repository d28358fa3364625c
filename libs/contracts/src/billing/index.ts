export * from './billing.messages';
export * from './cost-model';
export * from './licence-rules';
export * from './payments.messages';
