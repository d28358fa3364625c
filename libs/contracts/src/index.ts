export * from './enums';
export * from './nats-names';
export * from './validation';
export * from './reply';
export * from './media';
export * from './billing';
