import {
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
import { effectiveLicence } from '@app/contracts';
import { PrismaService, type Prisma, type VideoFile } from '@app/database';
import { rm } from 'node:fs/promises';
import { STORAGE, storageKeys, type Storage } from '@app/storage';
import { checkTailDecodes, MediaProbeError, probe, type MediaInfo } from '@app/media';
import { ACCEPTED_CONTAINERS, containerFormat, displayName } from './upload/container-format';
import { receiveUpload, UploadRefusedError } from './upload/multipart-upload';
import { spoolUpload, type SpooledFile } from './upload/upload-spool';
import type { AuthUser } from '../auth/current-user.decorator';
import type { ListVideosQueryDto } from './dto/list-videos-query.dto';

const ACTIVE_JOB_STATES = ['PENDING', 'PROCESSING'] as const;

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

@Injectable()
export class VideosService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly config: ConfigService,
  ) {}

  /** Streams an upload to storage, probes it, and records it; on any refusal nothing is kept. */
  async upload(user: AuthUser, projectId: string, req: IncomingMessage): Promise<VideoFile> {
    const userId = user.id;
    await this.ownedProject(userId, projectId);
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
      const info = await this.probeUpload(stored.path, originalName);
      const format = containerFormat(info.formatName, originalName) as string;
      const filename = `${randomUUID()}.${format}`;
      const final = await this.storage.importFile(
        storageKeys.source(userId, projectId, filename),
        stored.path,
      );
      try {
        return await this.prisma.videoFile.create({
          data: {
            originalName: displayName(originalName),
            filename,
            path: final.location,
            size: BigInt(final.size),
            duration: info.durationSeconds,
            format,
            resolution: `${info.width}x${info.height}`,
            projectId,
            groupId,
          },
        });
      } catch (e) {
        await this.storage.delete(final.location);
        throw e;
      }
    } finally {
      await rm(stored.path, { force: true });
    }
  }

  async list(userId: string, projectId: string, query: ListVideosQueryDto) {
    await this.ownedProject(userId, projectId);
    const where: Prisma.VideoFileWhereInput = { projectId };
    if (query.groupId !== undefined)
      where.groupId = query.groupId === 'none' ? null : query.groupId;
    const [items, total] = await this.prisma.$transaction([
      this.prisma.videoFile.findMany({
        where,
        orderBy: { uploadedAt: 'desc' },
        skip: (query.page - 1) * query.limit,
        take: query.limit,
      }),
      this.prisma.videoFile.count({ where }),
    ]);
    return { items, total, page: query.page, limit: query.limit };
  }

  async move(
    userId: string,
    projectId: string,
    videoId: string,
    groupId: string | null,
  ): Promise<VideoFile> {
    await this.ownedVideo(userId, projectId, videoId);
    if (groupId) await this.groupInProject(projectId, groupId);
    return this.prisma.videoFile.update({ where: { id: videoId }, data: { groupId } });
  }

  async remove(userId: string, projectId: string, videoId: string): Promise<void> {
    const video = await this.ownedVideo(userId, projectId, videoId);
    const active = await this.prisma.processingJob.count({
      where: { projectId, status: { in: [...ACTIVE_JOB_STATES] } },
    });
    if (active)
      throw new ConflictException('a job of this project is running and may use this video');
    await this.prisma.videoFile.delete({ where: { id: videoId } });
    await this.storage.delete(video.path);
  }

  /** ffprobe, then the container check (415), then a decode of the tail (truncation). */
  private async probeUpload(path: string, originalName: string): Promise<MediaInfo> {
    try {
      const info = await probe(path);
      if (!containerFormat(info.formatName, originalName)) {
        throw fieldError(
          415,
          'file',
          `unsupported container "${info.formatName}"; accepted: ${ACCEPTED_CONTAINERS.join(', ')}`,
        );
      }
      await checkTailDecodes(path);
      return info;
    } catch (e) {
      if (e instanceof MediaProbeError) {
        throw fieldError(
          400,
          'file',
          `not a usable video (${e.reason.toLowerCase().replace(/_/g, ' ')}): ${e.detail}`.slice(
            0,
            500,
          ),
        );
      }
      throw e;
    }
  }

  private async ownedProject(userId: string, projectId: string): Promise<void> {
    const found = await this.prisma.project.count({ where: { id: projectId, userId } });
    if (!found) throw new NotFoundException('project not found');
  }

  private async ownedVideo(userId: string, projectId: string, videoId: string): Promise<VideoFile> {
    const video = await this.prisma.videoFile.findFirst({
      where: { id: videoId, projectId, project: { userId } },
    });
    if (!video) throw new NotFoundException('video not found');
    return video;
  }

  private async groupInProject(projectId: string, groupId: string): Promise<void> {
    const found = await this.prisma.videoGroup.count({ where: { id: groupId, projectId } });
    if (!found) throw fieldError(400, 'groupId', 'no such group in this project');
  }
}
