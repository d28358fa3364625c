import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { effectiveLicence } from '@app/contracts';
import { Public } from '../auth/public.decorator';
import { SignedTokens } from '../outputs/links/signed-tokens';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { answeredNotModified, jobEtag } from '../common/etag';
import { ExpensiveRoute } from '../common/throttling/rate-limits';
import { PaginationQueryDto } from '../common/dto/pagination-query.dto';
import { CreateJobDto } from './dto/create-job.dto';
import { EstimateDto, JobDto, JobPageDto, OutputDto } from './dto/job.dto';
import { parseIdempotencyKey } from './idempotency-key';
import { ManifestDto, PlanDto, PlanRequestDto, StreamTokenDto } from './dto/plan.dto';
import { JobEventsStream } from './job-events/job-events.stream';
import { StreamAuthGuard, type StreamRequest } from './job-events/stream-auth.guard';
import { writeSse } from './job-events/sse-writer';
import { JobFiles } from './job-files/job-files.service';
import { sendArchive } from './job-files/archive-response';
import { PlanJob } from './plan-job/plan-job.usecase';
import { CancelJob } from './cancel-job/cancel-job.usecase';
import { CreateJob } from './create-job/create-job.usecase';
import { JobsService } from './jobs.service';

/** How long a stream token lets an EventSource (re)connect. */
const STREAM_TOKEN_SECONDS = 300;
const ETAG = 'changes with the status, progress or outputs; send it back in If-None-Match';
const NOT_MODIFIED = 'If-None-Match holds the current ETag: nothing changed, no body';

@ApiTags('jobs')
@Authenticated()
@ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such resource of the caller' })
@Controller()
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly createJob: CreateJob,
    private readonly cancelJob: CancelJob,
    private readonly events: JobEventsStream,
    private readonly planJob: PlanJob,
    private readonly files: JobFiles,
    private readonly tokens: SignedTokens,
    private readonly config: ConfigService,
  ) {}

  @Post('projects/:id/plan')
  @Authenticated('jobs')
  @ExpensiveRoute()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'planJob',
    summary:
      'Every combination a job would render with this seed, named, and its price (spends nothing)',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'seed is not a whole number' })
  @ApiResponse({
    status: 404,
    type: ErrorResponseDto,
    description: 'no such project of the caller',
  })
  @ApiResponse({ status: 422, type: ErrorResponseDto, description: 'the project is not mixable' })
  plan(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Body() body: PlanRequestDto,
  ): Promise<PlanDto> {
    return this.planJob.execute(user.id, projectId, body?.seed);
  }

  @Post('projects/:id/jobs/estimate')
  @Authenticated('jobs')
  @ExpensiveRoute()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'estimateJob',
    summary: 'What a job of this project would cost and produce (spends nothing)',
  })
  @ApiOkResponse({ type: EstimateDto })
  @ApiResponse({ status: 422, type: ErrorResponseDto, description: 'the project is not mixable' })
  estimate(@CurrentUser() user: AuthUser, @Param('id') projectId: string): Promise<EstimateDto> {
    return this.jobs.estimate(user.id, projectId);
  }

  @Post('projects/:id/jobs')
  @Authenticated('jobs')
  @ExpensiveRoute()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createJob',
    summary: 'Start mixing per the project settings; reserves the credits',
  })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description: 'same key and body within 24 h: the same job, nothing spent again',
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'the job, PENDING' })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'a bad seed or Idempotency-Key',
  })
  @ApiResponse({ status: 402, type: ErrorResponseDto, description: 'not enough credits' })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'licence limit or licence expired',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'a job of the project is already active',
  })
  @ApiResponse({
    status: 422,
    type: ErrorResponseDto,
    description: 'not mixable, or the Idempotency-Key was used with another body',
  })
  @ApiResponse({
    status: 503,
    type: ErrorResponseDto,
    description: 'billing or the queue is unavailable; nothing charged',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Body() body: CreateJobDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<JobDto> {
    const key = parseIdempotencyKey(idempotencyKey);
    return JobDto.from(
      await this.createJob.execute({
        userId: user.id,
        band: effectiveLicence(user.licenseType, user.licenseExpiry).type,
        projectId,
        seed: body?.seed,
        metadata: body?.metadata,
        priority: body?.priority,
        idempotencyKey: key,
      }),
    );
  }

  @Get('projects/:id/jobs')
  @Authenticated('read')
  @ApiOperation({ operationId: 'listJobs', summary: "The project's jobs, newest first" })
  @ApiOkResponse({ type: JobPageDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a bad page or limit' })
  async list(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<JobPageDto> {
    const page = await this.jobs.list(user.id, projectId, query.page, query.limit);
    return { ...page, items: page.items.map((j) => JobDto.from(j)) };
  }

  @Get('jobs/:id')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'getJob',
    summary: 'A job: status, progress, times, error and the outputs so far',
  })
  @ApiOkResponse({
    type: JobDto,
    headers: { ETag: { description: ETAG, schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: NOT_MODIFIED })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sendWithEtag('job', user, id, req, res, (job) => JobDto.from(job));
  }

  @Post('jobs/:id/cancel')
  @Authenticated('jobs')
  @HttpCode(202)
  @ApiOperation({ operationId: 'cancelJob', summary: 'Stop the job; unused credits are refunded' })
  @ApiAcceptedResponse({
    type: JobDto,
    description: 'the job, CANCELLED (the worker stops within seconds)',
  })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'the job is already final' })
  async cancel(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobDto> {
    return JobDto.from(await this.cancelJob.execute(user.id, id));
  }

  @Get('jobs/:id/outputs')
  @Authenticated('read')
  @ApiOperation({ operationId: 'listOutputs', summary: 'The outputs the job has made' })
  @ApiOkResponse({
    type: [OutputDto],
    headers: { ETag: { description: ETAG, schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: NOT_MODIFIED })
  async outputs(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sendWithEtag('outputs', user, id, req, res, (job) =>
      job.outputs.map(OutputDto.from),
    );
  }

  /**
   * A job poll with its ETag: a conditional request reads only what the ETag is made of and may
   * answer 304; otherwise the job (one query) is sent as `body` makes it.
   */
  private async sendWithEtag(
    kind: 'job' | 'outputs',
    user: AuthUser,
    id: string,
    req: Request,
    res: Response,
    body: (job: Awaited<ReturnType<JobsService['get']>>) => unknown,
  ): Promise<void> {
    if (
      req.headers['if-none-match'] &&
      answeredNotModified(req, res, jobEtag(kind, await this.jobs.version(user.id, id)))
    )
      return;
    const job = await this.jobs.get(user.id, id);
    res.setHeader('ETag', jobEtag(kind, { ...job, outputs: job.outputs.length }));
    res.json(body(job));
  }

  @Get('jobs/:id/manifest')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'getJobManifest',
    summary:
      'Per output: id, name, clips by group, duration, size, SHA-256, metadata (JSON or CSV)',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ManifestDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'format is not json or csv' })
  async manifest(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query('format') format: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ManifestDto | string> {
    if (format !== undefined && format !== 'json' && format !== 'csv') {
      throw new BadRequestException({
        message: 'format must be json or csv',
        details: [{ field: 'format', problems: ['must be json or csv'] }],
      });
    }
    const { labels: _labels, ...manifest } = await this.files.manifest(user.id, id);
    if (format !== 'csv') return manifest;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="manifest-${id}.csv"`);
    return this.files.csv({ ...manifest, labels: _labels });
  }

  @Get('jobs/:id/archive')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'downloadJobArchive',
    summary: 'A streamed ZIP (stored, not recompressed) of every output plus manifest.csv',
  })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, description: 'the ZIP' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'the job is not final' })
  async archive(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    await sendArchive(this.files, user.id, id, res);
  }

  @Post('jobs/:id/events/token')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'createJobEventsToken',
    summary:
      'A short-lived token for GET /jobs/:id/events?token= (an EventSource sends no headers)',
  })
  @ApiCreatedResponse({ type: StreamTokenDto })
  async streamToken(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<StreamTokenDto> {
    await this.jobs.owned(user.id, id);
    return this.tokens.sign('events', id, user.id, STREAM_TOKEN_SECONDS);
  }

  @Get('jobs/:id/events')
  @Public()
  @UseGuards(StreamAuthGuard)
  @Authenticated('read')
  @ApiOperation({
    operationId: 'streamJobEvents',
    summary:
      'Server-Sent Events: progress and status changes until a final state; credentials or ?token=',
  })
  @ApiQuery({
    name: 'token',
    required: false,
    description: 'from POST /jobs/:id/events/token, instead of credentials (401 when expired)',
  })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a malformed query' })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'on reconnect: the current state comes first, then nothing older than this id',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'events "progress" and, last, "status" with a JobEvent as data, each with an id; a ": heartbeat" comment every 15 s',
  })
  async stream(
    @Param('id') id: string,
    @Req() req: StreamRequest,
    @Res() res: Response,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<void> {
    await this.jobs.owned(req.streamUserId as string, id);
    const since = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const heartbeatMs = Number(this.config.get('SSE_HEARTBEAT_MS') ?? 15_000) || 15_000;
    writeSse(res, this.events.events(id, since), heartbeatMs);
  }
}
