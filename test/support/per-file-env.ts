import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

// Runs before each test file's imports (jest setupFiles): a NATS prefix and a storage folder of
// the file's own, so test files running in parallel never see each other's messages or files.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'warn';
process.env.NATS_PREFIX = `t${randomBytes(5).toString('hex')}`;
process.env.STORAGE_DIR = mkdtempSync(path.join(tmpdir(), 'vmp-storage-'));
process.env.WORK_DIR = mkdtempSync(path.join(tmpdir(), 'vmp-work-'));
process.env.BCRYPT_COST = process.env.BCRYPT_COST ?? '4';
process.env.AUTH_RATE_LIMIT = process.env.AUTH_RATE_LIMIT ?? '1000';
process.env.UPLOAD_TMP_DIR = mkdtempSync(path.join(tmpdir(), 'vmp-spool-'));
process.env.WORKER_METRICS_PORT = process.env.WORKER_METRICS_PORT ?? '0';
process.env.EXPENSIVE_RATE_LIMIT = process.env.EXPENSIVE_RATE_LIMIT ?? '10000';
// Tests build several projects at once; intake-limits sets its own (small) cap.
process.env.MAX_CONCURRENT_UPLOADS_PER_USER = process.env.MAX_CONCURRENT_UPLOADS_PER_USER ?? '100';
process.env.JWT_SECRET = randomBytes(32).toString('base64url');
