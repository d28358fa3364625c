import Joi from 'joi';
import { billingPacksEnv } from './payment-packs';

/**
 * Environment variables, validated at boot by every app (a missing or malformed variable stops
 * the app with a message naming it). Defaults here are the ones `.env.example` lists.
 */
export const commonEnvSchema = {
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  LOG_LEVEL: Joi.string()
    .valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')
    .default('info'),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .default('postgresql://vmp_app@127.0.0.1:5432/videomixpro'),
  DATABASE_POOL_MAX: Joi.number().integer().min(1).max(200).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: Joi.number().integer().min(100).default(5000),
  DATABASE_IDLE_TIMEOUT_MS: Joi.number().integer().min(100).default(30000),
  DATABASE_STATEMENT_TIMEOUT_MS: Joi.number().integer().min(0).default(30000),
  /** Queries slower than this are logged as warnings (0 = off). */
  DATABASE_SLOW_QUERY_MS: Joi.number().integer().min(0).default(500),
  NATS_URL: Joi.string()
    .uri({ scheme: ['nats', 'tls', 'ws', 'wss'] })
    .default('nats://127.0.0.1:4222'),
  /**
   * The service's own NATS user (gateway, billing or worker) and password: the server grants
   * each user only its subjects (deploy/nats/nats-server.conf, docs/security.md). Unset: no
   * credentials are sent (a server without authorization, as in development).
   */
  NATS_USER: Joi.string().allow('').default(''),
  NATS_PASSWORD: Joi.string().allow('').default(''),
  /** Prefix of every NATS subject, stream and consumer name: lets test runs never collide. */
  NATS_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_-]+$/)
    .max(40)
    .default('vmp'),
  /** Where files live: local disk (one machine) or the NATS Object Store (docs/storage.md). */
  STORAGE_DRIVER: Joi.string().valid('local', 'nats', 's3').default('local'),
  STORAGE_DIR: Joi.string().default('./data/storage'),
  /** Object Store buckets are `<prefix>_sources|_mezzanines|_outputs`; defaults to NATS_PREFIX. */
  STORAGE_NATS_BUCKET_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_-]+$/)
    .max(40)
    .allow('')
    .default(''),
  STORAGE_NATS_REPLICAS: Joi.number().integer().min(1).max(5).default(1),
  /** STORAGE_DRIVER=s3: any S3-compatible service (AWS, MinIO with S3_FORCE_PATH_STYLE=true). */
  S3_BUCKET: Joi.string()
    .pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .when('STORAGE_DRIVER', { is: 's3', then: Joi.required(), otherwise: Joi.optional() }),
  S3_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .allow('')
    .default(''),
  S3_REGION: Joi.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: Joi.boolean().default(false),
  S3_ACCESS_KEY_ID: Joi.string().allow('').default(''),
  S3_SECRET_ACCESS_KEY: Joi.string()
    .allow('')
    .default('')
    .when('S3_ACCESS_KEY_ID', { is: Joi.string().min(1), then: Joi.string().min(1).required() }),
  S3_VERSIONING: Joi.boolean().default(true),
  /**
   * At boot (gateway, workers), the s3 driver's lifecycle rule: old versions expire this many
   * days after they became old (docs/storage.md). Logged, never fatal; 0 = off.
   */
  S3_VERSION_LIFECYCLE_DAYS: Joi.number().integer().min(0).max(36500).default(0),
  S3_PART_BYTES: Joi.number()
    .integer()
    .min(5 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  FFMPEG_PATH: Joi.string().default('ffmpeg'),
  FFPROBE_PATH: Joi.string().default('ffprobe'),
  /**
   * Webhook endpoints on loopback or private addresses (development and tests only: refused at
   * boot when NODE_ENV is production). Link-local and metadata addresses are refused regardless.
   */
  WEBHOOK_ALLOW_PRIVATE: Joi.boolean()
    .default(false)
    .when('NODE_ENV', {
      is: 'production',
      then: Joi.valid(false).messages({
        'any.only': '"WEBHOOK_ALLOW_PRIVATE" may be true only when NODE_ENV is development or test',
      }),
    }),
};

/** The secret the repository once shipped as a default: published, so refused in every mode. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

/**
 * A secret must be long and varied in every mode (a development machine's tokens work wherever
 * the same secret does): not the published default, no "change-me" placeholder, not a word
 * repeated. `npm start` writes a random one into .env.
 */
function strongSecret(value: string, helpers: Joi.CustomHelpers): string | Joi.ErrorReport {
  const distinct = new Set(value).size;
  if (value === DEV_JWT_SECRET || /change-?me/i.test(value) || distinct < 12) {
    return helpers.error('any.invalid');
  }
  return value;
}

/** An app's own database role's URL; empty = DATABASE_URL (the shared application role). */
const ownDatabaseUrl = () =>
  Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .allow('')
    .default('');

export const gatewayEnvSchema = {
  ...commonEnvSchema,
  PORT: Joi.number().port().default(3000),
  /**
   * The gateway's own database role (tenant-only: row level security limits it to the request's
   * user whatever it sets); DATABASE_URL when unset. `npm start` creates the role.
   */
  GATEWAY_DATABASE_URL: ownDatabaseUrl(),
  HOST: Joi.string().default('0.0.0.0'),
  PUBLIC_URL: Joi.string().uri().optional(),
  JWT_SECRET: Joi.string().required().min(32).custom(strongSecret).messages({
    'string.min': '"JWT_SECRET" must be at least 32 characters',
    'any.required':
      '"JWT_SECRET" must be set (npm start writes a random one into .env; or openssl rand -base64 48)',
    'any.invalid':
      '"JWT_SECRET" is a published or weak secret: use 32+ random characters (openssl rand -base64 48)',
  }),
  JWT_EXPIRES_IN_SECONDS: Joi.number().integer().min(60).max(2592000).default(3600),
  BCRYPT_COST: Joi.number().integer().min(4).max(15).default(12),
  MAX_UPLOAD_BYTES: Joi.number()
    .integer()
    .min(1)
    .default(2 * 1024 * 1024 * 1024),
  MAX_BODY_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(100 * 1024),
  MAX_OUTPUT_COUNT: Joi.number().integer().min(1).max(10000).default(500),
  BILLING_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(5000),
  AUTH_RATE_LIMIT: Joi.number().integer().min(1).default(10),
  AUTH_RATE_WINDOW_SECONDS: Joi.number().integer().min(1).default(60),
  /** Uploads, job starts and estimates: per user, or per API key when one is used. */
  EXPENSIVE_RATE_LIMIT: Joi.number().integer().min(1).default(60),
  EXPENSIVE_RATE_WINDOW_SECONDS: Joi.number().integer().min(1).default(60),
  CORS_ORIGINS: Joi.string().allow('').default(''),
  /**
   * GET /metrics answers only a request with `Authorization: Bearer <METRICS_TOKEN>`; unset,
   * /metrics is off (404). Counters cover every tenant: never public.
   */
  METRICS_TOKEN: Joi.string().min(16).allow('').default(''),
  /** Open Server-Sent Event streams one user may hold at once; the next is refused with 429. */
  SSE_MAX_STREAMS_PER_USER: Joi.number().integer().min(1).max(1000).default(20),
  /** Uploads are spooled here while ffprobe checks them, then streamed into storage. */
  UPLOAD_TMP_DIR: Joi.string().default('./data/tmp/uploads'),
  /** Bytes of stored videos a user may hold, per licence (docs/security.md, "Intake limits"). */
  STORAGE_QUOTA_FREE_BYTES: Joi.number()
    .integer()
    .min(0)
    .default(2 * 1024 ** 3),
  STORAGE_QUOTA_PREMIUM_BYTES: Joi.number()
    .integer()
    .min(0)
    .default(50 * 1024 ** 3),
  STORAGE_QUOTA_ENTERPRISE_BYTES: Joi.number()
    .integer()
    .min(0)
    .default(500 * 1024 ** 3),
  MAX_VIDEOS_PER_PROJECT: Joi.number().integer().min(1).default(200),
  /** Uploads one user may have in flight at once, per gateway process (a 429 beyond). */
  MAX_CONCURRENT_UPLOADS_PER_USER: Joi.number().integer().min(1).default(3),
  /** ffprobe runs and tail decodes at once per gateway process; the others wait their turn. */
  MAX_CONCURRENT_PROBES: Joi.number().integer().min(1).default(2),
  ...paymentsEnvSchema(),
};

/**
 * How credits and licences are paid for. `stripe`: Checkout Sessions and signed webhooks (the
 * keys are then required). `dev`: the self-service POST /billing/purchase, and only while
 * NODE_ENV is development or test (404 otherwise).
 */
function paymentsEnvSchema() {
  const whenStripe = (rule: Joi.StringSchema) =>
    Joi.string()
      .allow('')
      .default('')
      .when('PAYMENTS_PROVIDER', { is: 'stripe', then: rule.required().invalid('') });
  return {
    PAYMENTS_PROVIDER: Joi.string().valid('stripe', 'dev').default('dev'),
    STRIPE_SECRET_KEY: whenStripe(Joi.string().pattern(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/)),
    STRIPE_WEBHOOK_SECRET: whenStripe(Joi.string().pattern(/^whsec_[A-Za-z0-9+/=]+$/)),
    /** The Stripe API's address: left at Stripe's own except to point tests at a local fake. */
    STRIPE_API_HOST: Joi.string().hostname().allow('').default(''),
    STRIPE_API_PORT: Joi.number().port().optional(),
    STRIPE_API_PROTOCOL: Joi.string().valid('http', 'https').default('https'),
    STRIPE_TIMEOUT_MS: Joi.number().integer().min(500).max(60000).default(10000),
    /** Where Stripe Checkout sends the buyer back; defaults to PUBLIC_URL (or localhost). */
    CHECKOUT_SUCCESS_URL: Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .optional(),
    CHECKOUT_CANCEL_URL: Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .optional(),
    /** JSON array of credit packs and licence plans; empty: small/medium/large, premium/enterprise. */
    BILLING_PACKS: billingPacksEnv,
  };
}

export const billingEnvSchema = {
  ...commonEnvSchema,
  /**
   * Billing's own database role (the ledger, credits and licences; nothing of uploads, webhooks
   * or API keys); DATABASE_URL when unset. `npm start` creates the role (prisma/app-role.ts).
   */
  BILLING_DATABASE_URL: ownDatabaseUrl(),
  /** HTTP side of billing: health and metrics only. */
  BILLING_PORT: Joi.number().port().default(3001),
  /** How often the reconciler settles reservations stranded by failed, cancelled or deleted jobs (0 = off). */
  BILLING_RECONCILE_INTERVAL_MS: Joi.number().integer().min(0).default(60000),
};

export const workerEnvSchema = {
  ...commonEnvSchema,
  /**
   * The media workers' own database role (jobs, outputs, webhook deliveries; nothing of users,
   * API keys or the ledger); DATABASE_URL when unset. `npm start` creates the role.
   */
  WORKER_DATABASE_URL: ownDatabaseUrl(),
  /**
   * Tasks a worker holds at once. A task runs at most one ffmpeg at a time, so by default one
   * more than the ffmpeg processes that may run (FFMPEG_MAX_PROCESSES + 1): one job's clips are
   * normalized in parallel, and while they encode the next task is already being prepared (its
   * database work, its probe) or an MP4/MOV batch is joined in process, which needs no ffmpeg.
   */
  WORKER_CONCURRENCY: Joi.number()
    .integer()
    .min(1)
    .max(64)
    .default(Joi.ref('FFMPEG_MAX_PROCESSES', { adjust: (n: number) => n + 1 })),
  FFMPEG_MAX_PROCESSES: Joi.number().integer().min(1).max(64).default(2),
  FFMPEG_TIMEOUT_MS: Joi.number()
    .integer()
    .min(1000)
    .default(30 * 60 * 1000),
  JOB_ACK_WAIT_MS: Joi.number().integer().min(1000).default(30000),
  JOB_MAX_DELIVER: Joi.number().integer().min(1).max(100).default(5),
  // The fleet (docs/scaling.md).
  /** A user's tasks on the task queue or running at once, across the fleet (fair shares). */
  TASKS_PER_USER: Joi.number().integer().min(1).max(10000).default(16),
  /** Outputs per ASSEMBLE task. */
  TASK_ASSEMBLE_BATCH: Joi.number().integer().min(1).max(500).default(9),
  /** How often each worker looks for tasks left undispatched (0 = off). */
  TASK_SWEEP_INTERVAL_MS: Joi.number().integer().min(0).default(10000),
  /** Picks starting at ENTERPRISE, PREMIUM, FREE per round: a higher band first, none starved. */
  TASK_BAND_WEIGHTS: Joi.string()
    .pattern(/^\s*[1-9]\d*\s*,\s*[1-9]\d*\s*,\s*[1-9]\d*\s*$/)
    .default('4,2,1'),
  /** Restart (exit code 75) after this many tasks, once they are done (0 = never). */
  WORKER_MAX_TASKS: Joi.number().integer().min(0).default(0),
  /** Restart (exit code 75), once the running tasks are done, when RSS passes this (0 = never). */
  WORKER_MAX_RSS_MB: Joi.number().integer().min(0).default(0),
  /** This worker's name in job_tasks.done_by (default: host-pid). */
  WORKER_ID: Joi.string().max(100).optional(),
  WORK_DIR: Joi.string().default('./data/work'),
  /** GET /metrics of this worker; 0 = off. */
  WORKER_METRICS_PORT: Joi.number().port().default(9464),
  /** Local copies of sources from a remote store (STORAGE_DRIVER=nats), least recently used first out. */
  WORKER_CACHE_MAX_BYTES: Joi.number()
    .integer()
    .min(1024 * 1024)
    .default(10 * 1024 * 1024 * 1024),
  /** Waits between webhook attempts, ms, comma-separated; empty: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
  WEBHOOK_RETRY_SCHEDULE_MS: Joi.string()
    .pattern(/^\s*\d+(\s*,\s*\d+)*\s*$/)
    .allow('')
    .default(''),
  /** How often the deliverer looks for due webhook deliveries. */
  WEBHOOK_POLL_INTERVAL_MS: Joi.number().integer().min(50).default(2000),
  /** One webhook attempt's limit (connect, send, answer). */
  WEBHOOK_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(10000),
  /** An endpoint failing without a success for this long is disabled (default 5 days). */
  WEBHOOK_DISABLE_AFTER_MS: Joi.number()
    .integer()
    .min(1000)
    .default(5 * 24 * 3600 * 1000),
  /** Webhook attempts made at the same time by one worker. */
  WEBHOOK_DELIVERY_CONCURRENCY: Joi.number().integer().min(1).max(100).default(8),
};

export type EnvSchema = Record<string, Joi.Schema>;
