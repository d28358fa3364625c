/** The events a webhook endpoint may subscribe to (docs/webhooks.md). */
export const WEBHOOK_EVENT_TYPES = [
  'job.completed',
  'job.failed',
  'job.cancelled',
  'output.ready',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The job's final event for each final status. */
export const JOB_EVENT_OF_STATUS = {
  COMPLETED: 'job.completed',
  FAILED: 'job.failed',
  CANCELLED: 'job.cancelled',
} as const satisfies Record<string, WebhookEventType>;

export interface WebhookOutput {
  id: string;
  name: string;
  size: number;
  durationSeconds: number;
}

/** The JSON body every endpoint receives. */
export interface WebhookPayload {
  type: WebhookEventType;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: {
    jobId: string;
    projectId: string;
    status: string;
    outputs?: WebhookOutput[];
    metadata?: Record<string, unknown>;
  };
}

/**
 * An event on the webhook events stream. `key` names the event once ("<jobId>:job.completed",
 * "<outputId>:output.ready"): it is the JetStream message id (deduplicated) and, with the
 * endpoint, the unique key of a delivery, so an event published twice is delivered once.
 */
export interface WebhookEventMessage {
  key: string;
  userId: string;
  payload: WebhookPayload;
}

export function isWebhookEventMessage(value: unknown): value is WebhookEventMessage {
  const v = value as WebhookEventMessage;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.key === 'string' &&
    typeof v.userId === 'string' &&
    typeof v.payload === 'object' &&
    v.payload !== null &&
    (WEBHOOK_EVENT_TYPES as readonly string[]).includes(v.payload.type)
  );
}
