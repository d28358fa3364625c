import type { MessageEvent } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { NatsConnection } from '@nats-io/nats-core';
import { natsNames } from '@app/contracts';
import type { JobsRepository } from '../jobs.repository';
import { jobEventId, JobEventsStream } from './job-events.stream';

type Callback = (error: Error | null, msg: { data: Uint8Array }) => void;

/** The database says PROCESSING at 50 %; workers' events arrive through a fake NATS. */
function setup() {
  let deliver: Callback = () => undefined;
  const nc = {
    subscribe: (_subject: string, opts: { callback: Callback }) => {
      deliver = opts.callback;
      return { unsubscribe: () => undefined };
    },
  } as unknown as NatsConnection;
  const state = {
    status: 'PROCESSING',
    progress: 50,
    errorMessage: null,
    outputsDone: 2,
    outputsTotal: 4,
  };
  const jobs = { liveState: async () => ({ ...state }) } as unknown as JobsRepository;
  const config = { get: () => undefined } as unknown as ConfigService;
  const stream = new JobEventsStream(jobs, nc, natsNames(), config);
  const publish = (progress: number, outputsDone: number) =>
    deliver(null, {
      data: new TextEncoder().encode(
        JSON.stringify({
          jobId: 'job1',
          status: 'PROCESSING',
          progress,
          outputsDone,
          outputsTotal: 4,
          at: new Date().toISOString(),
        }),
      ),
    });
  return { stream, publish, state };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('JobEventsStream', () => {
  it('sends the current state first, then only events newer than Last-Event-ID', async () => {
    const { stream, publish } = setup();
    const seen = jobEventId({ status: 'PROCESSING', progress: 70, outputsDone: 3 });
    const events: MessageEvent[] = [];
    const sub = stream.events('job1', seen).subscribe((e) => events.push(e));
    await flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'progress', data: { progress: 50, outputsDone: 2 } });
    expect(events[0].id).toBe(
      String(jobEventId({ status: 'PROCESSING', progress: 50, outputsDone: 2 })),
    );
    publish(60, 2); // older than what the client had: not repeated
    publish(70, 3); // the very event it had: not repeated
    publish(80, 3);
    await flush();
    sub.unsubscribe();
    expect(events.map((e) => (e.data as { progress: number }).progress)).toEqual([50, 80]);
    expect(Number(events[1].id)).toBeGreaterThan(seen);
  });

  it('without Last-Event-ID sends every change, each with a growing id', async () => {
    const { stream, publish } = setup();
    const events: MessageEvent[] = [];
    const sub = stream.events('job1').subscribe((e) => events.push(e));
    await flush();
    publish(60, 2);
    publish(70, 3);
    await flush();
    sub.unsubscribe();
    const ids = events.map((e) => Number(e.id));
    expect(ids).toHaveLength(3);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
