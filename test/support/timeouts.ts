// Real servers and processes on a 2-core machine running files in parallel: a test that takes
// 2 s alone can take 6 s under load. The project-level `testTimeout` of jest.config.js is not
// applied to hooks by Jest 30, so it is set here for every test and hook of the file; files
// that need more set their own.
jest.setTimeout(30_000);
