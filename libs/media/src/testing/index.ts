export * from './generate-clip';
export * from './hostile-corpus';
