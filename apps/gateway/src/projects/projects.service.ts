import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Prisma, Project } from '@app/database';
import { STORAGE, storageKeys, type Storage } from '@app/storage';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/current-user.decorator';
import { skipTake, type Page } from '../common/dto/pagination-query.dto';
import type { CreateProjectDto, ListProjectsQueryDto, UpdateProjectDto } from './dto/project.dto';
import type { ProjectSettingsDto } from './dto/project-settings.dto';
import { ProjectsRepository, type ProjectDetail } from './projects.repository';

const RUNNING = 'a job of this project is running; wait for it or cancel it';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly config: ConfigService,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly audit: AuditService,
  ) {}

  async create(userId: string, dto: CreateProjectDto): Promise<Project> {
    const settings = this.storedSettings(dto.settings);
    // A new project has no assets yet: settings naming one are refused like a missing one.
    await this.assertAssets(null, dto.settings);
    const groups = dto.settings.groups ?? [];
    if (new Set(groups.map((g) => g.order)).size !== groups.length) {
      throw fieldError('settings.groups', 'each group needs its own order');
    }
    return this.projects.create({
      userId,
      name: dto.name,
      description: dto.description ?? null,
      settings,
      outputCount: dto.settings.outputCount,
      groups: groups.map((g) => ({ name: g.name, order: g.order })),
    });
  }

  async list(userId: string, q: ListProjectsQueryDto): Promise<Page<Project>> {
    const where = { userId, ...(q.status ? { status: q.status } : {}) };
    const { items, total } = await this.projects.page(where, skipTake(q));
    return { items, total, page: q.page, limit: q.limit };
  }

  async get(userId: string, id: string): Promise<ProjectDetail> {
    const project = await this.projects.findOwnedDetail(userId, id);
    if (!project) throw new NotFoundException('project not found');
    return project;
  }

  async update(userId: string, id: string, dto: UpdateProjectDto): Promise<Project> {
    await this.assertIdle(userId, id);
    if (dto.settings?.groups)
      throw fieldError('settings.groups', 'groups are changed through /projects/:id/groups');
    if (dto.settings) await this.assertAssets(id, dto.settings);
    return this.projects.update(id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.settings
        ? { settings: this.storedSettings(dto.settings), outputCount: dto.settings.outputCount }
        : {}),
    });
  }

  /** The row and everything under it (database cascade), then its files in storage. */
  async remove(user: AuthUser, id: string): Promise<void> {
    await this.projects.assertOwned(user.id, id);
    const project = await this.projects.deleteIdle(id);
    if (project === 'busy') throw new ConflictException(RUNNING);
    if (!project) throw new NotFoundException('project not found');
    await this.audit.record(user, {
      action: 'project.deleted',
      targetType: 'project',
      targetId: id,
      details: { name: project.name },
    });
    await this.storage.deletePrefix(storageKeys.project(user.id, id));
  }

  /** 404 for another user's project; 409 while one of its jobs is pending or running. */
  private async assertIdle(userId: string, id: string): Promise<void> {
    const project = await this.projects.assertOwned(userId, id);
    if (project.status === 'PROCESSING' || (await this.projects.countActiveJobs(id)) > 0) {
      throw new ConflictException(RUNNING);
    }
  }

  /** 400 naming the field when the watermark or the music is not an asset of this kind here. */
  private async assertAssets(projectId: string | null, settings: ProjectSettingsDto) {
    const refs = [
      { field: 'settings.watermark.assetId', id: settings.watermark?.assetId, kind: 'image' },
      { field: 'settings.music.assetId', id: settings.music?.assetId, kind: 'audio' },
    ].filter((r): r is { field: string; id: string; kind: string } => !!r.id);
    if (!refs.length) return;
    const kinds = projectId
      ? await this.projects.assetKinds(
          projectId,
          refs.map((r) => r.id),
        )
      : new Map<string, string>();
    for (const ref of refs) {
      const kind = kinds.get(ref.id);
      if (!kind) throw fieldError(ref.field, `no asset ${ref.id} in this project`);
      if (kind !== ref.kind)
        throw fieldError(ref.field, `asset ${ref.id} is not an ${ref.kind} asset`);
    }
  }

  /** What is stored in projects.settings: the validated settings, without the seed groups. */
  private storedSettings(settings: ProjectSettingsDto): Prisma.InputJsonObject {
    const max = this.config.getOrThrow<number>('MAX_OUTPUT_COUNT');
    if (settings.outputCount > max)
      throw fieldError('settings.outputCount', `outputCount must not be greater than ${max}`);
    const { groups: _groups, ...rest } = settings;
    return JSON.parse(JSON.stringify(rest)) as Prisma.InputJsonObject;
  }
}

function fieldError(field: string, problem: string): BadRequestException {
  return new BadRequestException({ message: problem, details: [{ field, problems: [problem] }] });
}
