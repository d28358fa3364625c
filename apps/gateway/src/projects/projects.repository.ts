import { Injectable, NotFoundException } from '@nestjs/common';
import { ACTIVE_JOB_STATUSES } from '@app/contracts';
import {
  PrismaService,
  type PreparedRead,
  type Prisma,
  type Project,
  type ProjectStatus,
  type VideoGroup,
} from '@app/database';
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

/** Which of the user's projects a page lists. */
export interface ProjectFilter {
  userId: string;
  status?: ProjectStatus;
}

/**
 * A page of the user's projects, newest first, and their total, in one prepared read: the
 * total on every row, and one row of nulls besides it when the page is past the end.
 */
function pageStatement(withStatus: boolean): PreparedRead {
  const where = `user_id = $1${withStatus ? ' AND status = $4' : ''}`;
  return {
    name: withStatus ? 'projects.page_by_status' : 'projects.page',
    text: `SELECT p.*, t.total
      FROM (SELECT count(*)::int AS total FROM projects WHERE ${where}) t
      LEFT JOIN LATERAL (
        SELECT id, name, description, user_id AS "userId", status, output_count AS "outputCount",
               settings, created_at AS "createdAt", updated_at AS "updatedAt"
        FROM projects WHERE ${where}
        ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) p ON true`,
  };
}
const PAGE = pageStatement(false);
const PAGE_BY_STATUS = pageStatement(true);

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

  /** Read-only: the page and the total in one round trip, no transaction. */
  async page(
    filter: ProjectFilter,
    window: { skip: number; take: number },
  ): Promise<Omit<Page<Project>, 'page' | 'limit'>> {
    const values = [filter.userId, window.take, window.skip];
    const rows = filter.status
      ? await this.prisma.prepared<Project & { total: number }>(PAGE_BY_STATUS, [
          ...values,
          filter.status,
        ])
      : await this.prisma.prepared<Project & { total: number }>(PAGE, values);
    const total = rows[0]?.total ?? 0;
    const items = rows.filter((r) => r.id !== null).map(({ total: _total, ...project }) => project);
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
