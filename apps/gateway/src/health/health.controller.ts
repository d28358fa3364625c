import { Controller, Get, Logger } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { NatsLifecycle } from '@app/messaging';
import { Public } from '../auth/public.decorator';
import { HealthRepository } from './health.repository';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: HealthRepository,
    private readonly nats: NatsLifecycle,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness: the process answers' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary:
      'Readiness: the database answers and NATS is connected (503 names the dependency that is down, not why)',
  })
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const check = this.indicator.check('database');
        try {
          await this.database.ping();
          return check.up();
        } catch (e) {
          // Which dependency is down, never why: the driver's message stays in the log.
          this.logger.warn(`readiness: the database is down: ${(e as Error).message}`);
          return check.down();
        }
      },
      async () => {
        const check = this.indicator.check('nats');
        return this.nats.isConnected() ? check.up() : check.down();
      },
    ]);
  }
}
