import {
  Controller,
  Get,
  Header,
  Headers,
  NotFoundException,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { renderMetrics } from '@app/observability';
import { Public } from '../auth/public.decorator';
import { metricsTokenAccepted } from './metrics-token';

/**
 * Prometheus metrics, which count every tenant's work: behind a bearer token of their own
 * (METRICS_TOKEN, not a user's credentials). Without a token configured the route is off (404).
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly token: string;

  constructor(config: ConfigService) {
    this.token = config.get<string>('METRICS_TOKEN') ?? '';
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.token) throw new NotFoundException('metrics are off (METRICS_TOKEN is not set)');
    if (!metricsTokenAccepted(this.token, authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('metrics need the metrics bearer token');
    }
    const { contentType, body } = await renderMetrics();
    res.type(contentType).send(body);
  }
}
