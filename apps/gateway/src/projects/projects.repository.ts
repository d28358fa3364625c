import { Injectable, NotFoundException } from '@nestjs/common';
import { ACTIVE_JOB_STATUSES } from '@app/contracts';
import { PrismaService, type Prisma, type Project, type VideoGroup } from '@app/database';
import type { Page } from '../common/dto/pagination-query.dto';

export interface NewProject {
  userId: string;
  name: string;
  description: string | null;
  settings: Prisma.InputJsonObject;
  outputCount: number;
  groups: { name: string; order: number }[];
}

export interface ProjectChanges {
  name?: string;
  description?: string | null;
  settings?: Prisma.InputJsonObject;
  outputCount?: number;
}

export type ProjectDetail = Project & {
  groups: VideoGroup[];
  _count: { videos: number; jobs: number; groups: number };
};

/**
 * Projects, and the one place that says what "this user's project" means: every route under
 * /projects/:id (groups, videos, jobs) asks findOwned or assertOwned first.
 */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The user's project, or null for an unknown id or another user's project. */
  findOwned(userId: string, projectId: string): Promise<Project | null> {
    return this.prisma.project.findFirst({ where: { id: projectId, userId } });
  }

  /** The user's project; 404 otherwise (another user's project looks like no project). */
  async assertOwned(userId: string, projectId: string): Promise<Project> {
    const project = await this.findOwned(userId, projectId);
    if (!project) throw new NotFoundException('project not found');
    return project;
  }

  /** With its groups by order and its counts; null as findOwned. */
  findOwnedDetail(userId: string, projectId: string): Promise<ProjectDetail | null> {
    return this.prisma.project.findFirst({
      where: { id: projectId, userId },
      include: {
        groups: { orderBy: { order: 'asc' } },
        _count: { select: { videos: true, jobs: true, groups: true } },
      },
    });
  }

  /** Read-only: the page and the total side by side, no transaction. */
  async page(
    where: Prisma.ProjectWhereInput,
    window: { skip: number; take: number },
  ): Promise<Omit<Page<Project>, 'page' | 'limit'>> {
    const [items, total] = await Promise.all([
      this.prisma.project.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...window,
      }),
      this.prisma.project.count({ where }),
    ]);
    return { items, total };
  }

  /** Pending or processing jobs of the project. */
  countActiveJobs(projectId: string): Promise<number> {
    return this.prisma.processingJob.count({
      where: { projectId, status: { in: [...ACTIVE_JOB_STATUSES] } },
    });
  }

  /** The kind ('image' | 'audio') of each of these assets that belongs to the project. */
  async assetKinds(projectId: string, ids: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.projectAsset.findMany({
      where: { projectId, id: { in: ids } },
      select: { id: true, kind: true },
    });
    return new Map(rows.map((r) => [r.id, r.kind]));
  }

  create({ groups, ...data }: NewProject): Promise<Project> {
    return this.prisma.project.create({ data: { ...data, groups: { create: groups } } });
  }

  update(projectId: string, changes: ProjectChanges): Promise<Project> {
    return this.prisma.project.update({ where: { id: projectId }, data: changes });
  }

  /**
   * The row, unless one of its jobs is pending or running ('busy'); the database cascades to
   * groups, videos, jobs and outputs. The row lock is the one a job start takes (JobLifecycle
   * .create), so a delete and a start never interleave.
   */
  deleteIdle(projectId: string): Promise<Project | 'busy' | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ status: string }[]>`
        SELECT status FROM projects WHERE id = ${projectId} FOR UPDATE`;
      if (!locked.length) return null;
      const active = await tx.processingJob.count({
        where: { projectId, status: { in: [...ACTIVE_JOB_STATUSES] } },
      });
      if (active || locked[0].status === 'PROCESSING') return 'busy';
      return tx.project.delete({ where: { id: projectId } });
    });
  }
}
