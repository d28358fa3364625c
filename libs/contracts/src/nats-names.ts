/**
 * Every NATS subject, stream and consumer name of the system. Apps import names from here and
 * never write a subject literal. All names share a prefix (NATS_PREFIX, default "vmp") so two
 * deployments, or two test runs, on one NATS server never see each other's messages. Call it
 * where the names are needed (a provider, a beforeAll), never at module level: the default
 * prefix is read from the environment at call time.
 */
/**
 * Billing's request-reply subjects without the deployment prefix: constants, so the billing
 * handlers' @MessagePattern decorators can name them at load time; the billing server adds the
 * prefix when it subscribes (libs/messaging PrefixedNatsServer), and clients use natsNames().
 */
export const BILLING_SUBJECTS = {
  balance: 'billing.balance',
  purchase: 'billing.purchase',
  reserveForJob: 'billing.job.reserve',
  settleJob: 'billing.job.settle',
  transactions: 'billing.transactions',
  licenceCheck: 'billing.licence.check',
  estimate: 'billing.estimate',
  paymentRefund: 'billing.payment.refund',
  adjustCredits: 'billing.credits.adjust',
  setLicence: 'billing.licence.set',
} as const;

function withPrefix<T extends Record<string, string>>(
  prefix: string,
  subjects: T,
): { [K in keyof T]: string } {
  return Object.fromEntries(Object.entries(subjects).map(([k, v]) => [k, `${prefix}.${v}`])) as {
    [K in keyof T]: string;
  };
}

export function natsNames(prefix: string = process.env.NATS_PREFIX || 'vmp') {
  const upper = prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const jobsStream = `${upper}_MEDIA_JOBS`;
  const workersConsumer = `${upper}_MEDIA_WORKERS`;
  const tasksStream = `${upper}_MEDIA_TASKS`;
  return {
    prefix,
    billing: {
      /** Queue group shared by billing instances: each request is answered once. */
      queue: `${prefix}-billing`,
      ...withPrefix(prefix, BILLING_SUBJECTS),
    },
    auth: {
      /**
       * Core NATS broadcast `{ userId }` or `{ apiKeyId }` when a user is deactivated or a key
       * revoked: every gateway process drops its cached look-up at once.
       */
      revoked: `${prefix}.auth.revoked`,
    },
    rateLimits: {
      /** JetStream stream used as the key-value bucket of the gateway's rate-limit counters. */
      bucket: `${upper}_RATE_LIMITS`,
      /** Its subjects: one per counter (`key` is a subject-safe token). */
      subjects: `${prefix}.ratelimits.>`,
      counter: (key: string) => `${prefix}.ratelimits.${key}`,
    },
    media: {
      /** JetStream work-queue stream of media jobs (one delivery per job to one worker). */
      jobsStream,
      jobsSubject: `${prefix}.media.jobs.run`,
      /** Durable pull consumer shared by every media worker. */
      workersConsumer,
      /**
       * JetStream's advisory that a job message was delivered JOB_MAX_DELIVER times and never
       * acked (every worker holding it died): the job is abandoned.
       */
      maxDeliveriesAdvisory: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${jobsStream}.${workersConsumer}`,
      /** Queue group of the workers listening to that advisory: one of them handles each. */
      advisoriesQueue: `${workersConsumer}_ADVISORIES`,
      /**
       * JetStream work-queue stream of the jobs' tasks (docs/scaling.md): a subject, and a durable
       * pull consumer shared by every worker, per licence band and priority level.
       */
      tasksStream,
      tasksSubjects: `${prefix}.media.tasks.>`,
      taskSubject: (band: string, level: string) =>
        `${prefix}.media.tasks.${band.toLowerCase()}.${level}`,
      taskConsumer: (band: string, level: string) =>
        `${upper}_TASKS_${band.toUpperCase()}_${level.toUpperCase()}`,
      /** MAX_DELIVERIES advisories of every task consumer: the task's job is abandoned. */
      taskMaxDeliveriesAdvisory: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${tasksStream}.*`,
      /** Core NATS broadcast: every worker hears it, the one running the job acts. */
      cancelSubject: `${prefix}.media.jobs.cancel`,
      /** Core NATS progress and status events of one job (gateway SSE listens). */
      jobEvents: (jobId: string) => `${prefix}.media.jobs.events.${jobId}`,
    },
    webhooks: {
      /** JetStream work-queue stream of webhook events (acked once fanned out into deliveries). */
      eventsStream: `${upper}_WEBHOOK_EVENTS`,
      eventsSubject: `${prefix}.webhooks.events`,
      /** Durable pull consumer shared by every deliverer. */
      fanoutConsumer: `${upper}_WEBHOOK_FANOUT`,
    },
  } as const;
}

export type NatsNames = ReturnType<typeof natsNames>;
