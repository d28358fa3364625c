import { ServerNats, type MessageHandler } from '@nestjs/microservices';
import { natsNames } from '@app/contracts';

/**
 * Billing's NATS server: its handlers name prefix-free subjects (BILLING_SUBJECTS, constants the
 * decorators can read at load time); this server subscribes to them under the deployment's
 * prefix, so no subject is read from the environment when a module loads. Requests are shared
 * by every billing instance through one queue group.
 */
export class BillingNatsServer extends ServerNats {
  constructor(
    private readonly prefix: string,
    connection: { servers: string[]; user?: string; pass?: string },
  ) {
    super({ ...connection, queue: natsNames(prefix).billing.queue });
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void {
    super.addHandler(`${this.prefix}.${String(pattern)}`, callback, isEventHandler, extras);
  }
}
