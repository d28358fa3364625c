import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { renderMetrics } from '@app/observability';
import { DatabasePingRepository } from './database-ping.repository';

/** The HTTP side of billing: liveness, readiness (database) and Prometheus metrics. */
@Controller()
export class BillingHealthController {
  constructor(private readonly database: DatabasePingRepository) {}

  @Get('health')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    try {
      await this.database.ping();
      res.json({ status: 'ok', database: 'up' });
    } catch {
      res.status(503).json({ status: 'error', database: 'down' });
    }
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await renderMetrics();
    res.type(contentType).send(body);
  }
}
