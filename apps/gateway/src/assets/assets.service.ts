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
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { rm } from 'node:fs/promises';
import type { ProjectAsset } from '@app/database';
import { AssetProbeError, probeAsset, type AssetInfo } from '@app/media';
import { STORAGE, storageKeys, type Storage } from '@app/storage';
import { ProjectsRepository } from '../projects/projects.repository';
import { displayName } from '../videos/upload/container-format';
import { receiveUpload, UploadRefusedError } from '../videos/upload/multipart-upload';
import { spoolUpload, type SpooledFile } from '../videos/upload/upload-spool';
import { AssetsRepository } from './assets.repository';

const MiB = 1024 * 1024;

/** Asset limits: a logo is small, a music track bounded; a project holds at most `perProject`. */
export const ASSET_LIMITS = {
  imageBytes: 20 * MiB,
  audioBytes: 100 * MiB,
  perProject: 50,
} as const;

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

/** The asset ids a settings object (project settings or a job snapshot) refers to. */
function referencedAssets(settings: unknown): string[] {
  const s = (settings ?? {}) as {
    watermark?: { assetId?: unknown };
    music?: { assetId?: unknown };
  };
  return [s.watermark?.assetId, s.music?.assetId].filter(
    (id): id is string => typeof id === 'string',
  );
}

/**
 * A project's brand assets (issue 17): logos (PNG, JPEG, WebP) and music (MP3, AAC, WAV, FLAC),
 * streamed to a spool file, probed with the sandboxed ffprobe under the `asset` input policy,
 * limited by kind, then stored beside the project's sources.
 */
@Injectable()
export class AssetsService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly projects: ProjectsRepository,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly config: ConfigService,
  ) {}

  async upload(userId: string, projectId: string, req: IncomingMessage): Promise<ProjectAsset> {
    await this.projects.assertOwned(userId, projectId);
    if ((await this.assets.count(projectId)) >= ASSET_LIMITS.perProject) {
      throw new ConflictException(
        `a project holds at most ${ASSET_LIMITS.perProject} assets; delete one first`,
      );
    }
    let received;
    try {
      received = await receiveUpload<SpooledFile>(req, {
        maxBytes: ASSET_LIMITS.audioBytes,
        allowedFields: [],
        store: (file) => spoolUpload(this.config.getOrThrow<string>('UPLOAD_TMP_DIR'), file),
        discard: (spooled) => rm(spooled.path, { force: true }),
      });
    } catch (e) {
      if (e instanceof UploadRefusedError) throw fieldError(e.status, e.field, e.message);
      throw e;
    }
    const { stored, originalName } = received;
    try {
      if (stored.size === 0) throw fieldError(400, 'file', 'the file is empty');
      const info = await this.probe(stored.path);
      const limit = info.kind === 'image' ? ASSET_LIMITS.imageBytes : ASSET_LIMITS.audioBytes;
      if (stored.size > limit) {
        throw fieldError(413, 'file', `an ${info.kind} asset is at most ${limit / MiB} MB`);
      }
      const filename = `asset-${randomUUID()}.${info.format === 'jpeg' ? 'jpg' : info.format}`;
      const final = await this.storage.importFile(
        storageKeys.source(userId, projectId, filename),
        stored.path,
      );
      try {
        return await this.assets.create({
          projectId,
          kind: info.kind,
          originalName: displayName(originalName),
          path: final.location,
          size: BigInt(final.size),
          format: info.format,
          resolution: info.kind === 'image' ? `${info.width}x${info.height}` : null,
          duration: info.kind === 'audio' ? info.durationSeconds : null,
        });
      } catch (e) {
        await this.storage.delete(final.location);
        throw e;
      }
    } finally {
      await rm(stored.path, { force: true });
    }
  }

  async list(userId: string, projectId: string): Promise<ProjectAsset[]> {
    await this.projects.assertOwned(userId, projectId);
    return this.assets.list(projectId);
  }

  /** 409 while the project's settings or one of its active jobs uses the asset. */
  async remove(userId: string, projectId: string, assetId: string): Promise<void> {
    await this.projects.assertOwned(userId, projectId);
    const asset = await this.assets.find(projectId, assetId);
    if (!asset) throw new NotFoundException('asset not found');
    const refs = await this.assets.references(projectId);
    if (refs && referencedAssets(refs.settings).includes(assetId)) {
      throw new ConflictException("the project's settings use this asset; change them first");
    }
    if (refs?.jobs.some((j) => referencedAssets(j.settings).includes(assetId))) {
      throw new ConflictException('a job of this project is running and uses this asset');
    }
    await this.assets.delete(assetId);
    await this.storage.delete(asset.path);
  }

  /** The asset's kind and format, or a refusal naming `file` (never ffprobe's words). */
  private async probe(path: string): Promise<AssetInfo> {
    try {
      return await probeAsset(path);
    } catch (e) {
      if (!(e instanceof AssetProbeError)) throw e;
      if (e.reason === 'UNSUPPORTED') {
        throw fieldError(
          415,
          'file',
          'an asset is a PNG, JPEG or WebP image, or MP3, AAC, WAV or FLAC sound',
        );
      }
      if (e.reason === 'VIDEO') {
        throw fieldError(
          400,
          'file',
          'this is a video, not an image or a sound: upload it as a video',
        );
      }
      throw fieldError(400, 'file', 'the file is corrupt or truncated');
    }
  }
}
