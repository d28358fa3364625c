import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { renderMetrics } from '@app/observability';
import { Public } from '../auth/public.decorator';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await renderMetrics();
    res.type(contentType).send(body);
  }
}
