import {
  Body,
  Controller,
  Get,
  Head,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { Public } from '../auth/public.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { CreateLinkDto, SignedLinkDto } from './links/create-link.dto';
import { linkOwner, signedLink } from './links/signed-links';
import { SignedTokens } from './links/signed-tokens';
import { sendOutput } from './output-response';
import { OutputsService } from './outputs.service';

const BINARY = { type: 'string', format: 'binary' } as const;

@ApiTags('outputs')
@Controller('outputs')
export class OutputsController {
  constructor(
    private readonly outputs: OutputsService,
    private readonly tokens: SignedTokens,
  ) {}

  @Get(':id/download')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'downloadOutput',
    summary: 'Download an output file; supports HTTP Range (206), ETag and If-None-Match (304)',
  })
  @ApiProduces('video/mp4', 'video/quicktime', 'video/x-msvideo')
  @ApiResponse({ status: 200, description: 'the whole file', schema: BINARY })
  @ApiResponse({ status: 206, description: 'the requested byte range', schema: BINARY })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such output of the caller' })
  @ApiResponse({ status: 416, description: 'range not satisfiable', type: ErrorResponseDto })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendOutput(this.outputs, await this.outputs.owned(user.id, id), req, res);
  }

  @Head(':id/download')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'headOutput',
    summary: 'Size, type, ETag and Accept-Ranges of an output file, no body',
  })
  @ApiResponse({ status: 200, description: 'headers only' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such output of the caller' })
  async head(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendOutput(this.outputs, await this.outputs.owned(user.id, id), req, res);
  }

  @Post(':id/link')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'createOutputLink',
    summary: 'A signed URL to the output that works without headers until it expires',
  })
  @ApiCreatedResponse({ type: SignedLinkDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'expiresInSeconds outside 1 s … 7 days',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such output of the caller' })
  async link(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: CreateLinkDto,
    @Req() req: Request,
  ): Promise<SignedLinkDto> {
    const output = await this.outputs.owned(user.id, id);
    return signedLink(this.tokens, req, {
      purpose: 'output',
      resourceId: output.id,
      userId: user.id,
      seconds: body.expiresInSeconds,
      path: `outputs/${encodeURIComponent(output.id)}/shared`,
    });
  }

  @Get(':id/shared')
  @Public()
  @ApiOperation({
    operationId: 'downloadSharedOutput',
    summary: 'Download through a signed link (no headers needed); Range, ETag, HEAD as download',
  })
  @ApiQuery({ name: 'token', description: 'from POST /outputs/:id/link' })
  @ApiProduces('video/mp4', 'video/quicktime', 'video/x-msvideo')
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a malformed Range header' })
  @ApiResponse({ status: 200, description: 'the whole file' })
  @ApiResponse({ status: 206, description: 'the requested byte range' })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'the token is missing, malformed, tampered with or expired',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'the output is gone' })
  async shared(
    @Param('id') id: string,
    @Query('token') token: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendOutput(this.outputs, await this.bySignedLink(id, token), req, res);
  }

  @Head(':id/shared')
  @Public()
  @ApiOperation({
    operationId: 'headSharedOutput',
    summary: 'Headers of a signed-link download, no body',
  })
  @ApiQuery({ name: 'token', description: 'from POST /outputs/:id/link' })
  @ApiResponse({ status: 200, description: 'headers only' })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a malformed Range header' })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'the token is missing, malformed, tampered with or expired',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'the output is gone' })
  async sharedHead(
    @Param('id') id: string,
    @Query('token') token: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendOutput(this.outputs, await this.bySignedLink(id, token), req, res);
  }

  @Get(':id/poster')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'getOutputPoster',
    summary: "A JPEG frame of the output (its first clip's first frame)",
  })
  @ApiProduces('image/jpeg')
  @ApiResponse({ status: 200, description: 'the poster' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such output, or no poster' })
  async poster(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    const output = await this.outputs.owned(user.id, id);
    const poster = await this.outputs.poster(output);
    res.status(200);
    res.setHeader('Content-Type', 'image/jpeg');
    res.setHeader('Content-Length', String(poster.size));
    res.setHeader('Cache-Control', 'private, max-age=86400');
    await pipeline(await poster.open(), res).catch(() => res.destroy());
  }

  /** The output a valid link names, read as the user who made the link. */
  private async bySignedLink(id: string, token: string | undefined) {
    return this.outputs.owned(linkOwner(this.tokens, 'output', id, token), id);
  }
}
