import type { JsMsg } from '@nats-io/jetstream';
import { jobRedeliveries, requestContext } from '@app/observability';
import { requestIdOf } from '@app/messaging';
import type { RunContext } from '../run-task/run-task.usecase';
import type { JobOutcome } from './job-outcome';
import type { RunningJobs } from './running-jobs';

/**
 * Runs one queue message's work: registered in RunningJobs under `key` (so a cancel or a
 * shutdown reaches it), in-progress acks at a third of the ack wait while it runs (two can be
 * lost before redelivery), every log line carrying the request id and the job id. The message is
 * acked once the outcome is recorded, redelivered later on 'retry', handed back now on 'handback'.
 */
export async function runMessage(
  msg: JsMsg,
  work: { key: string; jobId: string; ackWaitMs: number; maxDeliver: number },
  running: RunningJobs,
  run: (ctx: RunContext) => Promise<JobOutcome>,
  onError: (e: Error) => void,
): Promise<JobOutcome> {
  const context = { requestId: requestIdOf(msg.headers), jobId: work.jobId };
  return requestContext.run(context, async () => {
    if (msg.info.deliveryCount > 1) jobRedeliveries.inc();
    const heartbeat = setInterval(() => msg.working(), Math.max(500, work.ackWaitMs / 3));
    const controller = running.start(work.key, work.jobId);
    let outcome: JobOutcome;
    try {
      outcome = await run({
        signal: controller.signal,
        deliveryCount: msg.info.deliveryCount,
        maxDeliver: work.maxDeliver,
      });
    } catch (e) {
      onError(e as Error);
      outcome = { kind: 'retry', delayMs: 5000 };
    } finally {
      clearInterval(heartbeat);
      running.finish(work.key);
    }
    if (outcome.kind === 'done') msg.ack();
    else msg.nak(outcome.kind === 'retry' ? outcome.delayMs : 0);
    return outcome;
  });
}
