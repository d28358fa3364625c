import {
  UnprocessableEntityException,
  BadRequestException,
  ConflictException,
  HttpException,
  Inject,
  Injectable,
  Logger,
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
import type { Readable } from 'node:stream';
import { STORAGE, storageKeys, type Storage } from '@app/storage';
import { deleteVideoMezzanines } from '@app/mixing';
import {
  ConcurrencyLimiter,
  inspectUpload,
  MediaLimitError,
  mediaLimitsFor,
  MediaProbeError,
  extractThumbnail,
  type MediaInfo,
} from '@app/media';
import { ACCEPTED_CONTAINERS, containerFormat, displayName } from './upload/container-format';
import {
  quotaExceeded,
  storageQuotaVariable,
  tooManyVideos,
  UploadSlots,
} from './upload/intake-limits';
import { receiveUpload, UploadRefusedError } from './upload/multipart-upload';
import { spoolUpload, type SpooledFile } from './upload/upload-spool';
import type { AuthUser } from '../auth/current-user.decorator';
import { skipTake, type Page } from '../common/dto/pagination-query.dto';
import { GroupsRepository } from '../groups/groups.repository';
import { ProjectsRepository } from '../projects/projects.repository';
import type { ListVideosQueryDto } from './dto/list-videos-query.dto';
import { VideosRepository } from './videos.repository';

/** What a client is told when ffprobe refuses a file: a fixed sentence per reason. */
const PROBE_REFUSALS: Record<MediaProbeError['reason'], string> = {
  NOT_A_VIDEO: 'not a usable video: the file is not a video that can be read',
  CORRUPT: 'not a usable video: the file is damaged or truncated',
  NO_VIDEO_STREAM: 'not a usable video: the file has no video stream',
  ZERO_DURATION: 'not a usable video: the video has no duration',
  UNSUPPORTED_CONTAINER: 'not a usable video: its container is not accepted',
};

const STILL_IMAGE_REFUSAL = 'not a usable video: the file is a still image';

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
  private readonly logger = new Logger(VideosService.name);
  /** Uploads in flight per user (MAX_CONCURRENT_UPLOADS_PER_USER; a 429 beyond). */
  private readonly uploadSlots: UploadSlots;
  /** ffprobe runs and tail decodes at once in this process (MAX_CONCURRENT_PROBES). */
  private readonly probes: ConcurrencyLimiter;

  constructor(
    private readonly videos: VideosRepository,
    private readonly projects: ProjectsRepository,
    private readonly groups: GroupsRepository,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly config: ConfigService,
  ) {
    this.uploadSlots = new UploadSlots(config.get<number>('MAX_CONCURRENT_UPLOADS_PER_USER') ?? 3);
    this.probes = new ConcurrencyLimiter(config.get<number>('MAX_CONCURRENT_PROBES') ?? 2);
  }

  /**
   * Streams an upload to storage, probes it, and records it; on any refusal nothing is kept.
   * The intake limits (docs/security.md): uploads in flight per user (429), videos per project
   * (422) and the storage quota (413), each refusal naming the limit, the value and the maximum.
   */
  async upload(user: AuthUser, projectId: string, req: IncomingMessage): Promise<VideoFile> {
    await this.projects.assertOwned(user.id, projectId);
    const release = this.uploadSlots.acquire(user.id);
    try {
      return await this.receiveAndStore(user, projectId, req);
    } finally {
      release();
    }
  }

  private async receiveAndStore(
    user: AuthUser,
    projectId: string,
    req: IncomingMessage,
  ): Promise<VideoFile> {
    const userId = user.id;
    // The smaller of the server's limit and the caller's licence's (docs/billing.md).
    const licence = effectiveLicence(user.licenseType, user.licenseExpiry);
    const maxBytes = Math.min(
      this.config.getOrThrow<number>('MAX_UPLOAD_BYTES'),
      licence.limits.maxUploadBytes,
    );
    await this.assertRoomInProject(projectId);
    const quotaBytes = this.config.getOrThrow<number>(storageQuotaVariable(licence.type));
    const usedBytes = await this.videos.storedBytesOf(userId);
    let received;
    try {
      received = await receiveUpload<SpooledFile>(req, {
        maxBytes,
        quota: { usedBytes, quotaBytes },
        allowedFields: ['groupId'],
        store: (file) => spoolUpload(this.config.getOrThrow<string>('UPLOAD_TMP_DIR'), file),
        discard: (spooled) => rm(spooled.path, { force: true }),
      });
    } catch (e) {
      if (e instanceof UploadRefusedError && e.quota) {
        const { usedBytes: used, incomingBytes, quotaBytes: max } = e.quota;
        throw quotaExceeded(used, incomingBytes, max);
      }
      if (e instanceof UploadRefusedError) throw fieldError(e.status, e.field, e.message);
      throw e;
    }
    const { stored, fields, originalName } = received;
    try {
      if (stored.size === 0) throw fieldError(400, 'file', 'the file is empty');
      const groupId = fields.groupId || null;
      if (groupId) await this.groupInProject(projectId, groupId);
      const info = await this.probeUpload(stored.path, originalName, licence.type);
      // Other uploads of the user may have finished meanwhile: the limits hold for the sum.
      await this.assertRoomInProject(projectId);
      const usedNow = await this.videos.storedBytesOf(userId);
      if (usedNow + stored.size > quotaBytes) throw quotaExceeded(usedNow, stored.size, quotaBytes);
      const format = containerFormat(info.formatName, originalName) as string;
      const filename = `${randomUUID()}.${format}`;
      const thumbnail = await this.storeThumbnail(
        stored.path,
        storageKeys.thumbnail(userId, projectId, filename),
        info.durationSeconds,
      );
      const final = await this.storage
        .importFile(storageKeys.source(userId, projectId, filename), stored.path)
        .catch(async (e: unknown) => {
          if (thumbnail) await this.storage.delete(thumbnail);
          throw e;
        });
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
        if (thumbnail) await this.storage.delete(thumbnail);
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
    await this.storage.delete(this.thumbnailLocation(userId, projectId, video.filename));
    // The normalized copies the workers made of it go with it (every profile, either layout).
    await deleteVideoMezzanines(this.storage, userId, projectId, videoId);
  }

  /** The JPEG thumbnail of a video of the caller; 404 when it has none. */
  async thumbnail(userId: string, projectId: string, videoId: string): Promise<Readable> {
    const video = await this.ownedVideo(userId, projectId, videoId);
    const location = this.thumbnailLocation(userId, projectId, video.filename);
    if ((await this.storage.size(location)) === null)
      throw new NotFoundException('this video has no thumbnail');
    return this.storage.read(location);
  }

  private thumbnailLocation(userId: string, projectId: string, filename: string): string {
    return this.storage.locationOf(storageKeys.thumbnail(userId, projectId, filename));
  }

  /**
   * One JPEG frame of the spooled upload, stored under `key`; its location, or null when it could
   * not be made (a thumbnail never fails an upload: the studio shows a placeholder).
   */
  private async storeThumbnail(
    path: string,
    key: string,
    durationSeconds: number,
  ): Promise<string | null> {
    const out = `${path}.thumb.jpg`;
    try {
      await this.probes.run(() => extractThumbnail(path, out, durationSeconds));
      return (await this.storage.importFile(key, out)).location;
    } catch (e) {
      this.logger.warn(`no thumbnail for an upload: ${(e as Error).message}`);
      return null;
    } finally {
      await rm(out, { force: true });
    }
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
      const info = await this.probes.run(() => inspectUpload(path, mediaLimitsFor(licence)));
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
        // ffprobe's own words name server paths: they go to the log, the client gets the category.
        this.logger.warn(`upload refused by the probe: ${e.reason}: ${e.detail}`);
        const still = e.reason === 'NOT_A_VIDEO' && e.detail.startsWith('still image');
        throw fieldError(400, 'file', still ? STILL_IMAGE_REFUSAL : PROBE_REFUSALS[e.reason]);
      }
      throw e;
    }
  }

  private async assertRoomInProject(projectId: string): Promise<void> {
    const max = this.config.get<number>('MAX_VIDEOS_PER_PROJECT') ?? 200;
    const count = await this.videos.countInProject(projectId);
    if (count >= max) throw tooManyVideos(count, max);
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
