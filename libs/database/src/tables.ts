/** Tables whose rows belong to one user: row level security applies to them. */
export const TENANT_TABLES = [
  'projects',
  'video_groups',
  'video_files',
  'project_assets',
  'processing_jobs',
  'output_files',
  'credit_transactions',
] as const;

/** A user's webhook endpoints and their deliveries: row level security applies to them too. */
export const WEBHOOK_TABLES = ['webhook_endpoints', 'webhook_deliveries'] as const;

/** The fleet's task book-keeping (workers only; row level security: services only). */
export const WORKER_TABLES = ['job_tasks'] as const;

/** Every table the services read and write (the tenant tables, users, API keys, webhooks, tasks). */
export const APP_TABLES = [
  'users',
  ...TENANT_TABLES,
  'api_keys',
  ...WEBHOOK_TABLES,
  ...WORKER_TABLES,
] as const;

/** Tables the services may only append to and read. */
export const APPEND_ONLY_TABLES = ['audit_logs', 'job_settlements'] as const;
