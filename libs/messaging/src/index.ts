export * from './nats-connection.provider';
export * from './messaging.module';
export * from './json-codec';
export * from './media-jobs-stream';
export * from './billing-client';
export * from './request-id-headers';
export * from './billing-server';
export * from './nats-permissions';
