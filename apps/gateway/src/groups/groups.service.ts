import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, PrismaService, type VideoGroup } from '@app/database';
import type { CreateGroupDto, GroupOrderDto, UpdateGroupDto } from './dto/group.dto';

const ORDER_TAKEN = 'another group of the project has this order';

/** A unique violation, immediate (P2002) or raised at commit by the deferred constraint. */
function isOrderClash(e: unknown): boolean {
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return true;
  return /video_groups_project_order_unique|23505|unique constraint/i.test(
    (e as Error)?.message ?? '',
  );
}

@Injectable()
export class GroupsService {
  constructor(private readonly prisma: PrismaService) {}

  async create(userId: string, projectId: string, dto: CreateGroupDto): Promise<VideoGroup> {
    await this.ownedProject(userId, projectId);
    try {
      return await this.prisma.videoGroup.create({
        data: { name: dto.name, order: dto.order, projectId },
      });
    } catch (e) {
      if (isOrderClash(e)) throw new ConflictException(ORDER_TAKEN);
      throw e;
    }
  }

  async list(userId: string, projectId: string): Promise<VideoGroup[]> {
    await this.ownedProject(userId, projectId);
    return this.prisma.videoGroup.findMany({ where: { projectId }, orderBy: { order: 'asc' } });
  }

  async update(
    userId: string,
    projectId: string,
    groupId: string,
    dto: UpdateGroupDto,
  ): Promise<VideoGroup> {
    await this.ownedGroup(userId, projectId, groupId);
    try {
      return await this.prisma.videoGroup.update({
        where: { id: groupId },
        data: {
          ...(dto.name !== undefined ? { name: dto.name } : {}),
          ...(dto.order !== undefined ? { order: dto.order } : {}),
        },
      });
    } catch (e) {
      if (isOrderClash(e)) throw new ConflictException(ORDER_TAKEN);
      throw e;
    }
  }

  /** Several orders at once: swaps are fine, the uniqueness is checked at commit. */
  async reorder(userId: string, projectId: string, orders: GroupOrderDto[]): Promise<VideoGroup[]> {
    await this.ownedProject(userId, projectId);
    if (new Set(orders.map((o) => o.id)).size !== orders.length) {
      throw new ConflictException('a group is listed twice');
    }
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SET CONSTRAINTS video_groups_project_order_unique DEFERRED`;
        for (const o of orders) {
          const { count } = await tx.videoGroup.updateMany({
            where: { id: o.id, projectId },
            data: { order: o.order },
          });
          if (!count) throw new NotFoundException(`group ${o.id} not found in this project`);
        }
        // Check the deferred constraint here rather than at COMMIT: a violation raised by COMMIT
        // escapes Prisma's transaction manager without releasing the pooled connection.
        await tx.$executeRaw`SET CONSTRAINTS video_groups_project_order_unique IMMEDIATE`;
      });
    } catch (e) {
      if (!(e instanceof NotFoundException) && isOrderClash(e))
        throw new ConflictException(ORDER_TAKEN);
      throw e;
    }
    return this.prisma.videoGroup.findMany({ where: { projectId }, orderBy: { order: 'asc' } });
  }

  /** The group goes; its videos stay in the project, ungrouped (ON DELETE SET NULL). */
  async remove(userId: string, projectId: string, groupId: string): Promise<void> {
    await this.ownedGroup(userId, projectId, groupId);
    await this.prisma.videoGroup.delete({ where: { id: groupId } });
  }

  private async ownedProject(userId: string, projectId: string): Promise<void> {
    if (!(await this.prisma.project.count({ where: { id: projectId, userId } }))) {
      throw new NotFoundException('project not found');
    }
  }

  private async ownedGroup(userId: string, projectId: string, groupId: string): Promise<void> {
    if (
      !(await this.prisma.videoGroup.count({
        where: { id: groupId, projectId, project: { userId } },
      }))
    ) {
      throw new NotFoundException('group not found');
    }
  }
}
