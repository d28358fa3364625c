import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { MediaTaskMessage, parsePayload, type NatsNames, type TaskBand } from '@app/contracts';
import {
  decodeJson,
  ensureMediaTasksQueue,
  InjectNats,
  InjectNatsNames,
  taskQueues,
  type TaskQueue,
} from '@app/messaging';
import { tasksInFlight, tasksRun } from '@app/observability';
import { runMessage } from '../job-queue/message-runner';
import { RunningJobs } from '../job-queue/running-jobs';
import { SHUTDOWN_GRACE_MS } from '../job-queue/jobs-consumer.service';
import { RunTask } from '../run-task/run-task.usecase';
import { BandSchedule, parseBandWeights } from './band-schedule';
import { WorkerRecycler } from './worker-recycler';

/** How long an idle worker waits before looking at the queue again. */
const IDLE_POLL_MS = 300;

/**
 * Takes tasks from the task queue, WORKER_CONCURRENCY at a time: each time a slot is free it
 * asks every band and level how many tasks wait, and takes one from the first non-empty queue in
 * the order BandSchedule gives (ENTERPRISE, PREMIUM, FREE by TASK_BAND_WEIGHTS; within a band,
 * high, normal, low priority). On SIGTERM it takes nothing new and hands back what has not
 * finished within the grace period; when WorkerRecycler says so, it stops taking and lets the
 * running tasks finish.
 */
@Injectable()
export class TasksConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TasksConsumer.name);
  private stopping = false;
  private loop?: Promise<void>;
  private readonly concurrency: number;
  private readonly ackWaitMs: number;
  private readonly maxDeliver: number;
  private readonly schedule: BandSchedule;
  private queues: (TaskQueue & { handle: Consumer })[] = [];
  private turn = 0;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
    private readonly runTask: RunTask,
    private readonly running: RunningJobs,
    private readonly recycler: WorkerRecycler,
    config: ConfigService,
  ) {
    this.concurrency = config.getOrThrow<number>('WORKER_CONCURRENCY');
    this.ackWaitMs = config.getOrThrow<number>('JOB_ACK_WAIT_MS');
    this.maxDeliver = config.getOrThrow<number>('JOB_MAX_DELIVER');
    this.schedule = new BandSchedule(parseBandWeights(config.getOrThrow('TASK_BAND_WEIGHTS')));
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureMediaTasksQueue(jsm, this.names, {
      ackWaitMs: this.ackWaitMs,
      maxDeliver: this.maxDeliver,
    });
    const js = jetstream(this.nc);
    this.queues = await Promise.all(
      taskQueues(this.names).map(async (q) => ({
        ...q,
        handle: await js.consumers.get(this.names.media.tasksStream, q.consumer),
      })),
    );
    this.loop = this.pull(jsm);
    this.logger.log(
      `taking tasks from ${this.names.media.tasksStream} (concurrency ${this.concurrency})`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.logger.log(`stopping: no new tasks; ${this.running.size} running`);
    await this.loop;
    const finished = await this.running.waitForAll(SHUTDOWN_GRACE_MS);
    if (!finished) {
      this.logger.warn('handing running tasks back to the queue');
      this.running.abortAll('shutdown');
      await this.running.waitForAll(SHUTDOWN_GRACE_MS);
    }
  }

  private async pull(jsm: JetStreamManager): Promise<void> {
    while (!this.stopping) {
      if (this.running.count('task:') >= this.concurrency) {
        await this.running.waitForSlot();
        continue;
      }
      if (!this.recycler.mayTake()) break;
      let msg: JsMsg | null = null;
      try {
        msg = await this.take(jsm);
      } catch (e) {
        if (this.stopping) break;
        this.logger.warn(`pull failed, retrying: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (msg) {
        this.recycler.taken();
        void this.handle(msg);
      } else {
        await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
      }
    }
    if (this.recycler.due && !this.stopping) {
      await this.running.waitForAll(Number.MAX_SAFE_INTEGER);
      this.recycler.done();
    }
  }

  /** The next task by band schedule and level, or null when every queue is empty. */
  private async take(jsm: JetStreamManager): Promise<JsMsg | null> {
    const infos = await Promise.all(
      this.queues.map((q) => jsm.consumers.info(this.names.media.tasksStream, q.consumer)),
    );
    const waiting = this.queues.filter((_, i) => infos[i].num_pending > 0);
    if (!waiting.length) {
      // Nothing new; but a task whose worker died (or that asked to be retried later) comes back
      // once its ack wait (or delay) ends, which num_pending does not count: wait on one of the
      // queues with tasks out, in turn.
      const out = this.queues.filter((_, i) => infos[i].num_ack_pending > 0);
      if (!out.length) return null;
      this.turn = (this.turn + 1) % out.length;
      return out[this.turn].handle.next({ expires: 1000 });
    }
    const bands: TaskBand[] = this.schedule.next();
    for (const band of bands) {
      for (const queue of waiting.filter((q) => q.band === band)) {
        // Another worker may have taken it meanwhile: then next() gives up after a second.
        const msg = await queue.handle.next({ expires: 1000 });
        if (msg) return msg;
      }
    }
    return null;
  }

  private async handle(msg: JsMsg): Promise<void> {
    let task: MediaTaskMessage;
    try {
      task = parsePayload(MediaTaskMessage, decodeJson(msg.data));
    } catch (e) {
      this.logger.error(`dropping a malformed task message: ${(e as Error).message}`);
      msg.term('malformed');
      return;
    }
    const { jobId, seq } = task;
    tasksInFlight.inc();
    try {
      const outcome = await runMessage(
        msg,
        {
          key: `task:${jobId}.${seq}`,
          jobId,
          ackWaitMs: this.ackWaitMs,
          maxDeliver: this.maxDeliver,
        },
        this.running,
        (ctx) => this.runTask.execute(jobId, seq, ctx),
        (e) => this.logger.error(`task ${jobId}.${seq}: ${e.message}`),
      );
      tasksRun.inc({ outcome: outcome.kind });
    } finally {
      tasksInFlight.dec();
    }
  }
}
