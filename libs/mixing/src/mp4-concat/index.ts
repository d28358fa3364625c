export * from './boxes';
export * from './metadata-box';
export * from './mp4-index';
export * from './mp4-join';
