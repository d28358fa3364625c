import {
  UnprocessableEntityException,
  BadRequestException,
  ConflictException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { effectiveLicence, type LicenseType } from '@app/contracts';
import type { Prisma, VideoFile } from '@app/database';
import { rm } from 'node:fs/promises';
import { STORAGE, storageKeys, type Storage } from '@app/storage';
import {
  inspectUpload,
  MediaLimitError,
  mediaLimitsFor,
  MediaProbeError,
  type MediaInfo,
} from '@app/media';
import { ACCEPTED_CONTAINERS, containerFormat, displayName } from './upload/container-format';
import { receiveUpload, UploadRefusedError } from './upload/multipart-upload';
import { spoolUpload, type SpooledFile } from './upload/upload-spool';
import type { AuthUser } from '../auth/current-user.decorator';
import { skipTake, type Page } from '../common/dto/pagination-query.dto';
import { GroupsRepository } from '../groups/groups.repository';
import { ProjectsRepository } from '../projects/projects.repository';
import type { ListVideosQueryDto } from './dto/list-videos-query.dto';
import { VideosRepository } from './videos.repository';

function fieldError(status: number, field: string, message: string): HttpException {
  const body = { message, details: [{ field, problems: [message] }] };
  switch (status) {
    case 413:
      return new PayloadTooLargeException(body);
    case 415:
      return new UnsupportedMediaTypeException(body);
    default:
      return new BadRequestException(body);
  }
}

/** What PATCH /videos/:videoId changes (absent: unchanged; null: cleared). */
export interface VideoChange {
  groupId?: string | null;
  caption?: string | null;
  focus?: { x: number; y: number } | null;
}

@Injectable()
export class VideosService {
  constructor(
    private readonly videos: VideosRepository,
    private readonly projects: ProjectsRepository,
    private readonly groups: GroupsRepository,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly config: ConfigService,
  ) {}

  /** Streams an upload to storage, probes it, and records it; on any refusal nothing is kept. */
  async upload(user: AuthUser, projectId: string, req: IncomingMessage): Promise<VideoFile> {
    const userId = user.id;
    await this.projects.assertOwned(userId, projectId);
    // The smaller of the server's limit and the caller's licence's (docs/billing.md).
    const licence = effectiveLicence(user.licenseType, user.licenseExpiry);
    const maxBytes = Math.min(
      this.config.getOrThrow<number>('MAX_UPLOAD_BYTES'),
      licence.limits.maxUploadBytes,
    );
    let received;
    try {
      received = await receiveUpload<SpooledFile>(req, {
        maxBytes,
        allowedFields: ['groupId'],
        store: (file) => spoolUpload(this.config.getOrThrow<string>('UPLOAD_TMP_DIR'), file),
        discard: (spooled) => rm(spooled.path, { force: true }),
      });
    } catch (e) {
      if (e instanceof UploadRefusedError) throw fieldError(e.status, e.field, e.message);
      throw e;
    }
    const { stored, fields, originalName } = received;
    try {
      if (stored.size === 0) throw fieldError(400, 'file', 'the file is empty');
      const groupId = fields.groupId || null;
      if (groupId) await this.groupInProject(projectId, groupId);
      const info = await this.probeUpload(stored.path, originalName, licence.type);
      const format = containerFormat(info.formatName, originalName) as string;
      const filename = `${randomUUID()}.${format}`;
      const final = await this.storage.importFile(
        storageKeys.source(userId, projectId, filename),
        stored.path,
      );
      try {
        return await this.videos.create({
          originalName: displayName(originalName),
          filename,
          path: final.location,
          size: BigInt(final.size),
          duration: info.durationSeconds,
          format,
          resolution: `${info.width}x${info.height}`,
          projectId,
          groupId,
        });
      } catch (e) {
        await this.storage.delete(final.location);
        throw e;
      }
    } finally {
      await rm(stored.path, { force: true });
    }
  }

  async list(
    userId: string,
    projectId: string,
    query: ListVideosQueryDto,
  ): Promise<Page<VideoFile>> {
    await this.projects.assertOwned(userId, projectId);
    const where: Prisma.VideoFileWhereInput = { projectId };
    if (query.groupId !== undefined)
      where.groupId = query.groupId === 'none' ? null : query.groupId;
    const { items, total } = await this.videos.page(where, skipTake(query));
    return { items, total, page: query.page, limit: query.limit };
  }

  /** Changes the fields given: group, caption, crop focus (null clears each). */
  async move(
    userId: string,
    projectId: string,
    videoId: string,
    change: VideoChange,
  ): Promise<VideoFile> {
    await this.ownedVideo(userId, projectId, videoId);
    const { groupId, caption, focus } = change;
    if (groupId === undefined && caption === undefined && focus === undefined) {
      throw fieldError(400, 'groupId', 'give groupId, caption or focus');
    }
    if (groupId) await this.groupInProject(projectId, groupId);
    if (caption === undefined && focus === undefined) {
      return this.videos.setGroup(videoId, groupId ?? null);
    }
    return this.videos.update(videoId, {
      ...(groupId !== undefined ? { groupId } : {}),
      ...(caption !== undefined ? { caption: caption?.trim() || null } : {}),
      ...(focus !== undefined ? { focus: focus ? { x: focus.x, y: focus.y } : null } : {}),
    });
  }

  async remove(userId: string, projectId: string, videoId: string): Promise<void> {
    const video = await this.ownedVideo(userId, projectId, videoId);
    if (await this.projects.countActiveJobs(projectId))
      throw new ConflictException('a job of this project is running and may use this video');
    await this.videos.delete(videoId);
    await this.storage.delete(video.path);
  }

  /**
   * ffprobe in the sandbox, the licence's media limits from the headers (422 naming the limit and
   * the value: nothing hostile is decoded), a decode of the tail (truncation), then the container
   * check (415). A refusal never echoes ffprobe's words or a server path.
   */
  private async probeUpload(
    path: string,
    originalName: string,
    licence: LicenseType,
  ): Promise<MediaInfo> {
    try {
      const info = await inspectUpload(path, mediaLimitsFor(licence));
      if (!containerFormat(info.formatName, originalName)) {
        throw fieldError(
          415,
          'file',
          `unsupported container "${info.formatName}"; accepted: ${ACCEPTED_CONTAINERS.join(', ')}`,
        );
      }
      return info;
    } catch (e) {
      if (e instanceof MediaLimitError) {
        const { limit, value, max, message } = e;
        throw new UnprocessableEntityException({
          message,
          details: [{ field: 'file', problems: [message], limit, value, max }],
        });
      }
      if (e instanceof MediaProbeError && e.reason === 'UNSUPPORTED_CONTAINER') {
        throw fieldError(
          415,
          'file',
          `unsupported container; accepted: ${ACCEPTED_CONTAINERS.join(', ')}`,
        );
      }
      if (e instanceof MediaProbeError) {
        throw fieldError(
          400,
          'file',
          `not a usable video (${e.reason.toLowerCase().replace(/_/g, ' ')})`,
        );
      }
      throw e;
    }
  }

  private async ownedVideo(userId: string, projectId: string, videoId: string): Promise<VideoFile> {
    await this.projects.assertOwned(userId, projectId);
    const video = await this.videos.findInProject(projectId, videoId);
    if (!video) throw new NotFoundException('video not found');
    return video;
  }

  private async groupInProject(projectId: string, groupId: string): Promise<void> {
    if (!(await this.groups.findInProject(projectId, groupId)))
      throw fieldError(400, 'groupId', 'no such group in this project');
  }
}
