import { Injectable } from '@nestjs/common';
import { PrismaService, type VideoGroup } from '@app/database';

/** The deferrable unique constraint on (project_id, "order"). */
const GROUP_ORDER_CONSTRAINT = 'video_groups_project_order_unique';

@Injectable()
export class GroupsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The group when it belongs to this project; null otherwise. */
  findInProject(projectId: string, groupId: string): Promise<VideoGroup | null> {
    return this.prisma.videoGroup.findFirst({ where: { id: groupId, projectId } });
  }

  listOf(projectId: string): Promise<VideoGroup[]> {
    return this.prisma.videoGroup.findMany({ where: { projectId }, orderBy: { order: 'asc' } });
  }

  /** Throws a unique violation when the order is taken. */
  create(projectId: string, data: { name: string; order: number }): Promise<VideoGroup> {
    return this.prisma.videoGroup.create({ data: { ...data, projectId } });
  }

  /** Throws a unique violation when the order is taken. */
  update(groupId: string, changes: { name?: string; order?: number }): Promise<VideoGroup> {
    return this.prisma.videoGroup.update({ where: { id: groupId }, data: changes });
  }

  /**
   * Sets several orders in one transaction, uniqueness checked once at the end (so swaps work).
   * Returns the ids not found in the project (nothing is changed then); throws a unique
   * violation when two groups would share an order.
   */
  async reorder(projectId: string, orders: { id: string; order: number }[]): Promise<string[]> {
    const missing: string[] = [];
    await this.prisma
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET CONSTRAINTS ${GROUP_ORDER_CONSTRAINT} DEFERRED`);
        for (const o of orders) {
          const { count } = await tx.videoGroup.updateMany({
            where: { id: o.id, projectId },
            data: { order: o.order },
          });
          if (!count) missing.push(o.id);
        }
        if (missing.length) throw new MissingGroups();
        // Check the deferred constraint here rather than at COMMIT: a violation raised by COMMIT
        // escapes Prisma's transaction manager without releasing the pooled connection.
        await tx.$executeRawUnsafe(`SET CONSTRAINTS ${GROUP_ORDER_CONSTRAINT} IMMEDIATE`);
      })
      .catch((e: unknown) => {
        if (!(e instanceof MissingGroups)) throw e;
      });
    return missing;
  }

  /** Its videos stay in the project, ungrouped (ON DELETE SET NULL). */
  async delete(groupId: string): Promise<void> {
    await this.prisma.videoGroup.delete({ where: { id: groupId } });
  }
}

/** Rolls the reorder transaction back. */
class MissingGroups extends Error {}
