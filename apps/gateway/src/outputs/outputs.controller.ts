import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { contentTypeOf, parseRange } from './byte-range';
import { OutputsService } from './outputs.service';

const BINARY = { type: 'string', format: 'binary' } as const;

@ApiTags('outputs')
@Controller('outputs')
export class OutputsController {
  constructor(private readonly outputs: OutputsService) {}

  @Get(':id/download')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'downloadOutput',
    summary: 'Download an output file; supports HTTP Range (206)',
  })
  @ApiProduces('video/mp4', 'video/quicktime', 'video/x-msvideo')
  @ApiResponse({ status: 200, description: 'the whole file', schema: BINARY })
  @ApiResponse({ status: 206, description: 'the requested byte range', schema: BINARY })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such output of the caller' })
  @ApiResponse({ status: 416, description: 'range not satisfiable', type: ErrorResponseDto })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Headers('range') rangeHeader: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const output = await this.outputs.owned(user.id, id);
    const size = output.storedSize;
    const range = parseRange(rangeHeader, size);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', contentTypeOf(output.filename));
    res.setHeader('Content-Disposition', `attachment; filename="${output.filename}"`);
    if (range.kind === 'unsatisfiable') {
      res.status(416).setHeader('Content-Range', `bytes */${size}`);
      res.json({
        statusCode: 416,
        error: 'Range Not Satisfiable',
        message: `the file has ${size} bytes`,
      });
      return;
    }
    const part = range.kind === 'partial' ? { start: range.start, end: range.end } : undefined;
    if (part) {
      res.status(206).setHeader('Content-Range', `bytes ${part.start}-${part.end}/${size}`);
    } else res.status(200);
    res.setHeader('Content-Length', String(part ? part.end - part.start + 1 : size));
    await pipeline(await this.outputs.open(output, part), res).catch(() => res.destroy());
  }
}
