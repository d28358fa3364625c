import {
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
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { answeredNotModified, jobEtag } from '../common/etag';
import { ExpensiveRoute } from '../common/throttling/rate-limits';
import { PaginationQueryDto } from '../common/dto/pagination-query.dto';
import { CreateJobDto } from './dto/create-job.dto';
import { EstimateDto, JobDto, JobPageDto, OutputDto } from './dto/job.dto';
import { parseIdempotencyKey } from './idempotency-key';
import { JobEventsStream } from './job-events.stream';
import { CancelJob } from './cancel-job/cancel-job.usecase';
import { CreateJob } from './create-job/create-job.usecase';
import { JobsService } from './jobs.service';

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
  ) {}

  @Post('projects/:id/jobs/estimate')
  @Authenticated('jobs')
  @ExpensiveRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'What a job of this project would cost and produce (spends nothing)' })
  @ApiOkResponse({ type: EstimateDto })
  @ApiResponse({ status: 422, type: ErrorResponseDto, description: 'the project is not mixable' })
  estimate(@CurrentUser() user: AuthUser, @Param('id') projectId: string): Promise<EstimateDto> {
    return this.jobs.estimate(user.id, projectId);
  }

  @Post('projects/:id/jobs')
  @Authenticated('jobs')
  @ExpensiveRoute()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start mixing per the project settings; reserves the credits' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'same key and body within 24 h: the same job, nothing spent again',
  })
  @ApiAcceptedResponse({ type: JobDto, description: 'the job, PENDING' })
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
        projectId,
        seed: body?.seed,
        idempotencyKey: key,
      }),
    );
  }

  @Get('projects/:id/jobs')
  @Authenticated('read')
  @ApiOperation({ summary: "The project's jobs, newest first" })
  @ApiOkResponse({ type: JobPageDto })
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
  @ApiOperation({ summary: 'A job: status, progress, times, error and the outputs so far' })
  @ApiOkResponse({ type: JobDto, headers: { ETag: { description: ETAG } } })
  @ApiResponse({ status: 304, description: NOT_MODIFIED })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // A conditional poll reads only what the ETag is made of; the job itself is one query.
    if (
      req.headers['if-none-match'] &&
      answeredNotModified(req, res, await this.etag('job', user, id))
    )
      return;
    const job = await this.jobs.get(user.id, id);
    res.setHeader('ETag', jobEtag('job', { ...job, outputs: job.outputs.length }));
    res.json(JobDto.from(job));
  }

  @Post('jobs/:id/cancel')
  @Authenticated('jobs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Stop the job; unused credits are refunded' })
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
  @ApiOperation({ summary: 'The outputs the job has made' })
  @ApiOkResponse({ type: [OutputDto], headers: { ETag: { description: ETAG } } })
  @ApiResponse({ status: 304, description: NOT_MODIFIED })
  async outputs(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (
      req.headers['if-none-match'] &&
      answeredNotModified(req, res, await this.etag('outputs', user, id))
    )
      return;
    const job = await this.jobs.get(user.id, id);
    res.setHeader('ETag', jobEtag('outputs', { ...job, outputs: job.outputs.length }));
    res.json(job.outputs.map(OutputDto.from));
  }

  private async etag(kind: 'job' | 'outputs', user: AuthUser, id: string): Promise<string> {
    return jobEtag(kind, await this.jobs.version(user.id, id));
  }

  @Sse('jobs/:id/events')
  @Authenticated('read')
  @ApiOperation({ summary: 'Server-Sent Events: progress and status changes until a final state' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'events "progress" and, last, "status" with a JobEvent as data' })
  async stream(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<Observable<MessageEvent>> {
    await this.jobs.owned(user.id, id);
    return this.events.events(id);
  }
}
