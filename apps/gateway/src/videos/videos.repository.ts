import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type VideoFile } from '@app/database';
import type { Page } from '../common/dto/pagination-query.dto';

@Injectable()
export class VideosRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The video when it belongs to this project; null otherwise. */
  findInProject(projectId: string, videoId: string): Promise<VideoFile | null> {
    return this.prisma.videoFile.findFirst({ where: { id: videoId, projectId } });
  }

  /** Read-only: the page and the total side by side, no transaction. */
  async page(
    where: Prisma.VideoFileWhereInput,
    window: { skip: number; take: number },
  ): Promise<Omit<Page<VideoFile>, 'page' | 'limit'>> {
    const [items, total] = await Promise.all([
      this.prisma.videoFile.findMany({
        where,
        orderBy: [{ uploadedAt: 'desc' }, { id: 'desc' }],
        ...window,
      }),
      this.prisma.videoFile.count({ where }),
    ]);
    return { items, total };
  }

  /** Bytes of all the user's stored videos (the storage quota's "used"). */
  async storedBytesOf(userId: string): Promise<number> {
    const { _sum } = await this.prisma.videoFile.aggregate({
      where: { project: { userId } },
      _sum: { size: true },
    });
    return Number(_sum.size ?? 0n);
  }

  countInProject(projectId: string): Promise<number> {
    return this.prisma.videoFile.count({ where: { projectId } });
  }

  create(data: Prisma.VideoFileUncheckedCreateInput): Promise<VideoFile> {
    return this.prisma.videoFile.create({ data });
  }

  setGroup(videoId: string, groupId: string | null): Promise<VideoFile> {
    return this.prisma.videoFile.update({ where: { id: videoId }, data: { groupId } });
  }

  /** The clip's group, caption and focus point, as given (null clears). */
  update(
    videoId: string,
    change: {
      groupId?: string | null;
      caption?: string | null;
      focus?: { x: number; y: number } | null;
    },
  ): Promise<VideoFile> {
    const { focus, ...rest } = change;
    return this.prisma.videoFile.update({
      where: { id: videoId },
      data: {
        ...rest,
        ...(focus !== undefined ? { focus: focus ?? Prisma.DbNull } : {}),
      },
    });
  }

  async delete(videoId: string): Promise<void> {
    await this.prisma.videoFile.delete({ where: { id: videoId } });
  }
}
