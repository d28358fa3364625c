/**
 * Prints the nats-server configuration for a NATS prefix (default "vmp"), from the permissions
 * the code defines (libs/messaging/src/nats-permissions.ts). Passwords are read by nats-server
 * from its environment: NATS_GATEWAY_PASSWORD, NATS_BILLING_PASSWORD, NATS_WORKER_PASSWORD.
 *   npx tsx scripts/nats-config.ts [prefix] > deploy/nats/nats-server.conf
 */
import { natsNames } from '../libs/contracts/src/nats-names';
import { renderNatsServerConfig } from '../libs/messaging/src/nats-permissions';

export const DEPLOY_NATS_CONFIG = (prefix = 'vmp') =>
  renderNatsServerConfig(natsNames(prefix), {
    port: 4222,
    monitorPort: 8222,
    storeDir: '/data',
    passwords: {
      gateway: '$NATS_GATEWAY_PASSWORD',
      billing: '$NATS_BILLING_PASSWORD',
      worker: '$NATS_WORKER_PASSWORD',
    },
  });

if (require.main === module) process.stdout.write(DEPLOY_NATS_CONFIG(process.argv[2]));
