import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PrismaService, type Prisma, type Project } from '@app/database';
import { STORAGE, storageKeys, type Storage } from '@app/storage';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/current-user.decorator';
import { skipTake } from '../common/dto/pagination-query.dto';
import type { CreateProjectDto, ListProjectsQueryDto, UpdateProjectDto } from './dto/project.dto';
import type { ProjectSettingsDto } from './dto/project-settings.dto';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: ConfigService,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly audit: AuditService,
  ) {}

  async create(userId: string, dto: CreateProjectDto): Promise<Project> {
    const settings = this.storedSettings(dto.settings);
    const groups = dto.settings.groups ?? [];
    if (new Set(groups.map((g) => g.order)).size !== groups.length) {
      throw fieldError('settings.groups', 'each group needs its own order');
    }
    return this.prisma.project.create({
      data: {
        name: dto.name,
        description: dto.description ?? null,
        userId,
        settings,
        outputCount: dto.settings.outputCount,
        groups: { create: groups.map((g) => ({ name: g.name, order: g.order })) },
      },
    });
  }

  async list(userId: string, q: ListProjectsQueryDto) {
    const where: Prisma.ProjectWhereInput = { userId, ...(q.status ? { status: q.status } : {}) };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.project.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...skipTake(q),
      }),
      this.prisma.project.count({ where }),
    ]);
    return { items, total, page: q.page, limit: q.limit };
  }

  async get(userId: string, id: string) {
    const project = await this.prisma.project.findFirst({
      where: { id, userId },
      include: {
        groups: { orderBy: { order: 'asc' } },
        _count: { select: { videos: true, jobs: true, groups: true } },
      },
    });
    if (!project) throw new NotFoundException('project not found');
    return project;
  }

  async update(userId: string, id: string, dto: UpdateProjectDto): Promise<Project> {
    await this.assertIdle(userId, id);
    if (dto.settings?.groups)
      throw fieldError('settings.groups', 'groups are changed through /projects/:id/groups');
    return this.prisma.project.update({
      where: { id },
      data: {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.description !== undefined ? { description: dto.description } : {}),
        ...(dto.settings
          ? { settings: this.storedSettings(dto.settings), outputCount: dto.settings.outputCount }
          : {}),
      },
    });
  }

  /** The row and everything under it (database cascade), then its files in storage. */
  async remove(user: AuthUser, id: string): Promise<void> {
    await this.assertIdle(user.id, id);
    const project = await this.prisma.project.delete({ where: { id } });
    await this.audit.record(user, {
      action: 'project.deleted',
      targetType: 'project',
      targetId: id,
      details: { name: project.name },
    });
    await this.storage.deletePrefix(storageKeys.project(user.id, id));
  }

  /** 404 for another user's project; 409 while one of its jobs is pending or running. */
  async assertIdle(userId: string, id: string): Promise<void> {
    const project = await this.prisma.project.findFirst({
      where: { id, userId },
      select: {
        status: true,
        _count: { select: { jobs: { where: { status: { in: ['PENDING', 'PROCESSING'] } } } } },
      },
    });
    if (!project) throw new NotFoundException('project not found');
    if (project.status === 'PROCESSING' || project._count.jobs > 0) {
      throw new ConflictException('a job of this project is running; wait for it or cancel it');
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
