/**
 * Every NATS subject, stream and consumer name of the system. Apps import names from here and
 * never write a subject literal. All names share a prefix (NATS_PREFIX, default "vmp") so two
 * deployments, or two test runs, on one NATS server never see each other's messages.
 */
export function natsNames(prefix: string = process.env.NATS_PREFIX || 'vmp') {
  const upper = prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return {
    prefix,
    billing: {
      /** Queue group shared by billing instances: each request is answered once. */
      queue: `${prefix}-billing`,
      balance: `${prefix}.billing.balance`,
      purchase: `${prefix}.billing.purchase`,
      reserveForJob: `${prefix}.billing.job.reserve`,
      settleJob: `${prefix}.billing.job.settle`,
      transactions: `${prefix}.billing.transactions`,
      licenceCheck: `${prefix}.billing.licence.check`,
      estimate: `${prefix}.billing.estimate`,
      paymentRefund: `${prefix}.billing.payment.refund`,
      adjustCredits: `${prefix}.billing.credits.adjust`,
      setLicence: `${prefix}.billing.licence.set`,
    },
    media: {
      /** JetStream work-queue stream of media jobs (one delivery per job to one worker). */
      jobsStream: `${upper}_MEDIA_JOBS`,
      jobsSubject: `${prefix}.media.jobs.run`,
      /** Durable pull consumer shared by every media worker. */
      workersConsumer: `${upper}_MEDIA_WORKERS`,
      /** Core NATS broadcast: every worker hears it, the one running the job acts. */
      cancelSubject: `${prefix}.media.jobs.cancel`,
      /** Core NATS progress and status events of one job (gateway SSE listens). */
      jobEvents: (jobId: string) => `${prefix}.media.jobs.events.${jobId}`,
      allJobEvents: `${prefix}.media.jobs.events.*`,
    },
  } as const;
}

export type NatsNames = ReturnType<typeof natsNames>;
