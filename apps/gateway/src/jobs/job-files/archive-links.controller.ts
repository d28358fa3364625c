import {
  BadRequestException,
  Body,
  Controller,
  Get,
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
import { Authenticated } from '../../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../../auth/current-user.decorator';
import { Public } from '../../auth/public.decorator';
import { ErrorResponseDto } from '../../common/dto/error-response.dto';
import { CreateLinkDto, SignedLinkDto } from '../../outputs/links/create-link.dto';
import { linkOwner, signedLink } from '../../outputs/links/signed-links';
import { SignedTokens } from '../../outputs/links/signed-tokens';
import { sendArchive } from './archive-response';
import { JobFiles } from './job-files.service';

/**
 * A signed link to a job's archive, as POST /outputs/:id/link is to one output: a browser can
 * then download the ZIP with a plain `<a href download>` (no headers), streamed to disk.
 */
@ApiTags('jobs')
@Controller('jobs/:id/archive')
export class ArchiveLinksController {
  constructor(
    private readonly files: JobFiles,
    private readonly tokens: SignedTokens,
  ) {}

  @Post('link')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'createJobArchiveLink',
    summary: "A signed URL to the job's archive that works without headers until it expires",
  })
  @ApiCreatedResponse({ type: SignedLinkDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'expiresInSeconds outside 1 s … 7 days',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such job of the caller' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'the job is not final' })
  async link(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: CreateLinkDto,
    @Req() req: Request,
  ): Promise<SignedLinkDto> {
    const job = await this.files.finalJob(user.id, id);
    return signedLink(this.tokens, req, {
      purpose: 'archive',
      resourceId: job.id,
      userId: user.id,
      seconds: body.expiresInSeconds,
      path: `jobs/${encodeURIComponent(job.id)}/archive/shared`,
    });
  }

  @Get('shared')
  @Public()
  @ApiOperation({
    operationId: 'downloadSharedJobArchive',
    summary: "Download the job's archive (ZIP) through a signed link (no headers needed)",
  })
  @ApiQuery({ name: 'token', type: String, description: 'from POST /jobs/:id/archive/link' })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, description: 'the ZIP' })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'token given more than once, or not as a string',
  })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'the token is missing, malformed, tampered with or expired',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'the job is gone' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'the job is not final' })
  async shared(
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Res() res: Response,
  ): Promise<void> {
    if (token !== undefined && typeof token !== 'string') {
      throw new BadRequestException({
        message: 'token must be one string',
        details: [{ field: 'token', problems: ['must be one string'] }],
      });
    }
    const userId = linkOwner(this.tokens, 'archive', id, token);
    await sendArchive(this.files, userId, id, res);
  }
}
