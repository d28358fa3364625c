import { Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';

@Module({ controllers: [MetricsController], providers: [GatewayMetrics, MetricsRepository] })
export class MetricsModule {}
