import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { ExpensiveRoute } from '../common/throttling/rate-limits';
import { ListVideosQueryDto } from './dto/list-videos-query.dto';
import { MoveVideoDto } from './dto/move-video.dto';
import { UploadVideoDto, VideoDto, VideoPageDto } from './dto/video.dto';
import { TooManyUploadsException } from './upload/intake-limits';
import { VideosService } from './videos.service';

@ApiTags('videos')
@ApiResponse({
  status: 404,
  type: ErrorResponseDto,
  description: 'no such project or video of the caller',
})
@Controller('projects/:id/videos')
export class VideosController {
  constructor(private readonly videos: VideosService) {}

  @Post()
  @Authenticated('write')
  @ExpensiveRoute()
  @ApiOperation({
    operationId: 'uploadVideo',
    summary: 'Upload a video (multipart, field "file"; streamed, then probed with ffprobe)',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadVideoDto })
  @ApiCreatedResponse({ type: VideoDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'not a video, corrupt or truncated, no video stream, empty, or a bad groupId',
  })
  @ApiResponse({
    status: 413,
    type: ErrorResponseDto,
    description: 'larger than the upload limit, or past the storage quota (limit "storageQuota")',
  })
  @ApiResponse({
    status: 415,
    type: ErrorResponseDto,
    description: 'not multipart, or an unsupported container',
  })
  @ApiResponse({
    status: 422,
    type: ErrorResponseDto,
    description:
      'over a media limit of the licence, or the project is full ("maxVideosPerProject")',
  })
  @ApiResponse({
    status: 429,
    type: ErrorResponseDto,
    description:
      'too many uploads in flight for this user ("maxConcurrentUploads"); see Retry-After',
  })
  async upload(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VideoDto> {
    try {
      return VideoDto.from(await this.videos.upload(user, projectId, req));
    } catch (e) {
      // The rest of the body is not read: close the connection instead of draining it.
      if (!req.complete) res.setHeader('Connection', 'close');
      if (e instanceof TooManyUploadsException)
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  }

  @Get()
  @Authenticated('read')
  @ApiOperation({
    operationId: 'listVideos',
    summary: "The project's videos, newest first; ?groupId= filters (groupId=none: ungrouped)",
  })
  @ApiOkResponse({ type: VideoPageDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a bad page, limit or filter' })
  async list(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Query() query: ListVideosQueryDto,
  ): Promise<VideoPageDto> {
    const page = await this.videos.list(user.id, projectId, query);
    return { ...page, items: page.items.map(VideoDto.from) };
  }

  @Get(':videoId/thumbnail')
  @Authenticated('read')
  @Header('Cache-Control', 'private, max-age=86400')
  @ApiOperation({
    operationId: 'getVideoThumbnail',
    summary: "The video's thumbnail: one JPEG frame, 320 px wide, made at upload",
  })
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'the JPEG', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({
    status: 404,
    type: ErrorResponseDto,
    description: 'no such project or video of the caller, or the video has no thumbnail',
  })
  async thumbnail(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Param('videoId') videoId: string,
  ): Promise<StreamableFile> {
    const jpeg = await this.videos.thumbnail(user.id, projectId, videoId);
    return new StreamableFile(jpeg, {
      type: 'image/jpeg',
      disposition: 'inline',
    });
  }

  @Patch(':videoId')
  @Authenticated('write')
  @ApiOperation({
    operationId: 'moveVideo',
    summary:
      'Change a video: its group (null ungroups), its caption and its crop focus (null clears)',
  })
  @ApiOkResponse({ type: VideoDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'no such group in the project, a bad caption or focus, or nothing to change',
  })
  async move(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Param('videoId') videoId: string,
    @Body() body: MoveVideoDto,
  ): Promise<VideoDto> {
    return VideoDto.from(await this.videos.move(user.id, projectId, videoId, body));
  }

  @Delete(':videoId')
  @Authenticated('write')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteVideo', summary: 'Delete a video: its row and its file' })
  @ApiNoContentResponse()
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'a job of the project is running',
  })
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Param('videoId') videoId: string,
  ): Promise<void> {
    await this.videos.remove(user.id, projectId, videoId);
  }
}
