import { natsNames } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { PrismaService, type Prisma } from '@app/database';
import { encodeJson, InjectNats } from '@app/messaging';
import {
  JOB_EVENT_OF_STATUS,
  type WebhookEventMessage,
  type WebhookEventType,
  type WebhookOutput,
} from './webhook-events';
import { ensureWebhookEventsStream } from './webhook-events.stream';
import type { WebhookNames } from './webhook-names';

const outputSelect = { id: true, filename: true, size: true, duration: true } as const;
type OutputRow = Prisma.OutputFileGetPayload<{ select: typeof outputSelect }>;

const toWebhookOutput = (o: OutputRow): WebhookOutput => ({
  id: o.id,
  name: o.filename,
  size: Number(o.size),
  durationSeconds: Number(o.duration),
});

/**
 * Puts webhook events on the durable JetStream stream, built from the database at the moment
 * they happen. The event's key is the message id, so publishing one twice (a redelivered settle,
 * a retried output) stores it once; the deliverer also keeps one delivery per key and endpoint.
 * Publishing awaits JetStream's acknowledgement: a failure throws, for the caller to retry.
 */
@Injectable()
export class WebhookEventsPublisher {
  private readonly logger = new Logger(WebhookEventsPublisher.name);
  private readonly names: WebhookNames;
  private streamReady?: Promise<void>;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    private readonly prisma: PrismaService,
    config: ConfigService,
  ) {
    this.names = natsNames(config.getOrThrow<string>('NATS_PREFIX')).webhooks;
  }

  /**
   * For a job in a final state: `output.ready` for each output it recorded (a catch-up, in case
   * the one published when the output was made was lost; deduplicated otherwise), then
   * `job.completed` / `job.failed` / `job.cancelled`. Nothing for a job not final or gone.
   */
  async publishJobFinished(jobId: string): Promise<void> {
    const job = await this.readJob(jobId);
    if (!job) return;
    const type = JOB_EVENT_OF_STATUS[job.status as keyof typeof JOB_EVENT_OF_STATUS];
    if (!type) return;
    for (const output of job.outputs) await this.publishOutput(job, output);
    await this.publish(`${jobId}:${type}`, job.userId, type, job.completedAt ?? new Date(), {
      jobId,
      projectId: job.projectId,
      status: job.status,
      outputs: job.outputs.map(toWebhookOutput),
      ...(job.metadata ? { metadata: job.metadata } : {}),
    });
  }

  /** `output.ready` for the job's output at `combinationIndex` (and rendition), once recorded. */
  async publishOutputReady(jobId: string, combinationIndex: number, rendition = 0): Promise<void> {
    const job = await this.readJob(jobId, { combinationIndex, rendition });
    const output = job?.outputs[0];
    if (job && output) await this.publishOutput(job, output);
  }

  private publishOutput(
    job: NonNullable<Awaited<ReturnType<WebhookEventsPublisher['readJob']>>>,
    output: OutputRow & { createdAt: Date },
  ): Promise<void> {
    return this.publish(`${output.id}:output.ready`, job.userId, 'output.ready', output.createdAt, {
      jobId: job.id,
      projectId: job.projectId,
      status: job.status,
      outputs: [toWebhookOutput(output)],
      ...(job.metadata ? { metadata: job.metadata } : {}),
    });
  }

  private async readJob(jobId: string, output?: { combinationIndex: number; rendition: number }) {
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      select: {
        id: true,
        status: true,
        projectId: true,
        completedAt: true,
        clientMetadata: true,
        project: { select: { userId: true } },
        outputs: {
          select: { ...outputSelect, createdAt: true },
          where: output ?? {},
          orderBy: [{ combinationIndex: 'asc' }, { rendition: 'asc' }],
        },
      },
    });
    if (!job) return null;
    const metadata =
      job.clientMetadata && typeof job.clientMetadata === 'object'
        ? (job.clientMetadata as Record<string, unknown>)
        : undefined;
    return { ...job, userId: job.project.userId, metadata };
  }

  private async publish(
    key: string,
    userId: string,
    type: WebhookEventType,
    at: Date,
    data: WebhookEventMessage['payload']['data'],
  ): Promise<void> {
    const message: WebhookEventMessage = {
      key,
      userId,
      payload: { type, timestamp: at.toISOString(), data },
    };
    this.streamReady ??= jetstreamManager(this.nc).then((jsm) =>
      ensureWebhookEventsStream(jsm, this.names),
    );
    try {
      await this.streamReady;
    } catch (e) {
      this.streamReady = undefined;
      throw e;
    }
    await jetstream(this.nc).publish(this.names.eventsSubject, encodeJson(message), {
      msgID: key,
      timeout: 5000,
    });
    this.logger.debug(`webhook event ${key}`);
  }
}
