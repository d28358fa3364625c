import type { NatsNames } from '@app/contracts';

/** The NATS users of the system: one per service. */
export const NATS_SERVICE_USERS = ['gateway', 'billing', 'worker'] as const;
export type NatsServiceUser = (typeof NATS_SERVICE_USERS)[number];

export interface NatsUserPermissions {
  publish: string[];
  subscribe: string[];
  /** May answer the requests it receives (billing replies without any publish right). */
  allowResponses: boolean;
}

/**
 * What each service may publish and subscribe to, derived from the names the code uses
 * (libs/contracts/src/nats-names.ts). JetStream's API (`$JS.API.>`), acks and flow control are
 * granted only to the services that use JetStream (the job queue, the Object Store); replies come
 * back on `_INBOX.>`.
 * - gateway: asks billing (every billing subject), queues and cancels jobs, listens to job events.
 *   It cannot publish job events (forge a job's progress) or listen to billing's requests.
 * - worker: settles its jobs (the one billing subject it sends), publishes job events, takes jobs
 *   from the queue, splits them into tasks on the task queue and takes tasks. It cannot reserve, purchase or adjust credits, nor set licences.
 * - billing: listens to its own subjects and answers them; it publishes nothing else.
 */
export function natsPermissions(names: NatsNames): Record<NatsServiceUser, NatsUserPermissions> {
  const { billing, media } = names;
  const billingSubjects = Object.entries(billing)
    .filter(([key]) => key !== 'queue')
    .map(([, subject]) => subject);
  const jobEvents = media.jobEvents('*').replace(/\*$/, '>');
  const jetStream = ['$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '$O.>'];
  return {
    gateway: {
      publish: [
        ...billingSubjects,
        media.jobsSubject,
        media.cancelSubject,
        names.webhooks.eventsSubject,
        names.auth.revoked,
        names.rateLimits.subjects,
        ...jetStream,
      ],
      subscribe: [jobEvents, names.auth.revoked, '_INBOX.>'],
      allowResponses: false,
    },
    worker: {
      publish: [
        billing.settleJob,
        jobEvents,
        names.webhooks.eventsSubject,
        media.tasksSubjects,
        ...jetStream,
      ],
      subscribe: [
        media.cancelSubject,
        media.maxDeliveriesAdvisory,
        media.taskMaxDeliveriesAdvisory,
        '_INBOX.>',
      ],
      allowResponses: false,
    },
    billing: {
      publish: [],
      subscribe: [`${names.prefix}.billing.>`],
      allowResponses: true,
    },
  };
}

export interface NatsServerConfigOptions {
  port: number;
  /** JetStream's storage folder. */
  storeDir: string;
  /** A password per user, or a `$VARIABLE` nats-server reads from its environment. */
  passwords: Record<NatsServiceUser, string>;
  /** HTTP monitoring port (health checks); omitted when not set. */
  monitorPort?: number;
}

const quote = (s: string) => JSON.stringify(s);
const list = (items: string[]) => `[${items.map(quote).join(', ')}]`;
const secret = (s: string) => (/^\$[A-Z_][A-Z0-9_]*$/.test(s) ? s : quote(s));

/** A nats-server configuration with JetStream, one user per service and their permissions. */
export function renderNatsServerConfig(names: NatsNames, options: NatsServerConfigOptions): string {
  const permissions = natsPermissions(names);
  const users = NATS_SERVICE_USERS.map((user) => {
    const p = permissions[user];
    const publish = p.publish.length ? `allow: ${list(p.publish)}` : `deny: [">"]`;
    return [
      `    {`,
      `      user: ${quote(user)}`,
      `      password: ${secret(options.passwords[user])}`,
      `      permissions: {`,
      `        publish: { ${publish} }`,
      `        subscribe: { allow: ${list(p.subscribe)} }`,
      ...(p.allowResponses ? [`        allow_responses: true`] : []),
      `      }`,
      `    }`,
    ].join('\n');
  });
  return [
    `# Generated from libs/messaging/src/nats-permissions.ts (prefix "${names.prefix}"): every`,
    `# client authenticates, and each service may use only its own subjects. TLS: docs/security.md.`,
    `port: ${options.port}`,
    ...(options.monitorPort ? [`http_port: ${options.monitorPort}`] : []),
    `jetstream {`,
    `  store_dir: ${quote(options.storeDir)}`,
    `}`,
    `authorization {`,
    `  users = [`,
    users.join('\n'),
    `  ]`,
    `}`,
    ``,
  ].join('\n');
}
