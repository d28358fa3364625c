export * from './generate-clip';
