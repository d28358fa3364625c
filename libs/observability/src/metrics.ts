import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client). One registry per process; each app registers
 * the gauges it can fill (jobs by status, queue depth, pool use) through `onScrape`.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const ffmpegSeconds = new Counter({
  name: 'ffmpeg_seconds_total',
  help: 'Wall-clock seconds spent in ffmpeg processes, by outcome (ok, failed, killed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const creditsMoved = new Counter({
  name: 'credits_total',
  help: 'Credits moved by billing: purchased, reserved (for jobs) and refunded',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const jobRedeliveries = new Counter({
  name: 'media_job_redeliveries_total',
  help: 'Media jobs delivered to a worker again (a worker died, failed or handed it back)',
  registers: [metricsRegistry],
});

export const runningJobs = new Gauge({
  name: 'media_worker_running_jobs',
  help: 'Jobs this worker is rendering now',
  registers: [metricsRegistry],
});

export const jobsByStatus = new Gauge({
  name: 'media_jobs',
  help: 'Processing jobs by status',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

export const queueDepth = new Gauge({
  name: 'media_job_queue_depth',
  help: 'Jobs waiting in the JetStream work queue (not yet delivered)',
  registers: [metricsRegistry],
});

export const dbPool = new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections by state',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

// The fleet (issue 18, docs/scaling.md): what an autoscaler needs.
export const tasksRun = new Counter({
  name: 'media_tasks_run_total',
  help: 'Tasks this worker ran, by outcome (done, retry, handback)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const tasksInFlight = new Gauge({
  name: 'media_worker_tasks_in_flight',
  help: 'Tasks this worker runs now',
  registers: [metricsRegistry],
});

export const taskBacklog = new Gauge({
  name: 'media_tasks',
  help: 'Tasks of running jobs by licence band and status: WAITING (held back by fair shares or by clips not ready yet) or QUEUED (on the task queue or running)',
  labelNames: ['band', 'status'] as const,
  registers: [metricsRegistry],
});

export const taskQueuePending = new Gauge({
  name: 'media_task_queue_pending',
  help: 'Tasks on the JetStream task queue not yet delivered to a worker, by band and priority level',
  labelNames: ['band', 'level'] as const,
  registers: [metricsRegistry],
});

export const taskOldestSeconds = new Gauge({
  name: 'media_task_oldest_seconds',
  help: 'Age of the oldest unfinished task of a running job, by band',
  labelNames: ['band'] as const,
  registers: [metricsRegistry],
});

export const taskDrainSeconds = new Gauge({
  name: 'media_task_drain_seconds',
  help: 'Estimated seconds until every unfinished task is done at the current pace: unfinished tasks × mean task time (last 10 min) ÷ tasks running now',
  registers: [metricsRegistry],
});

type ScrapeHook = () => Promise<void> | void;
const hooks = new Set<ScrapeHook>();

/** Runs before each scrape, to refresh gauges read from elsewhere (database, JetStream). */
export function onScrape(hook: ScrapeHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** The Prometheus text exposition of this process's metrics. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  await Promise.all(
    [...hooks].map(async (hook) => {
      try {
        await hook();
      } catch {
        // a gauge that cannot be refreshed keeps its last value; the scrape still answers
      }
    }),
  );
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
