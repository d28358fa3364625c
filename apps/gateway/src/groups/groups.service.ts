import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isUniqueViolation, type VideoGroup } from '@app/database';
import { ProjectsRepository } from '../projects/projects.repository';
import type { CreateGroupDto, GroupOrderDto, UpdateGroupDto } from './dto/group.dto';
import { GroupsRepository } from './groups.repository';

const ORDER_TAKEN = 'another group of the project has this order';

@Injectable()
export class GroupsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly groups: GroupsRepository,
  ) {}

  async create(userId: string, projectId: string, dto: CreateGroupDto): Promise<VideoGroup> {
    await this.projects.assertOwned(userId, projectId);
    return orderClashAs409(() =>
      this.groups.create(projectId, { name: dto.name, order: dto.order }),
    );
  }

  async list(userId: string, projectId: string): Promise<VideoGroup[]> {
    await this.projects.assertOwned(userId, projectId);
    return this.groups.listOf(projectId);
  }

  async update(
    userId: string,
    projectId: string,
    groupId: string,
    dto: UpdateGroupDto,
  ): Promise<VideoGroup> {
    await this.ownedGroup(userId, projectId, groupId);
    return orderClashAs409(() =>
      this.groups.update(groupId, {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.order !== undefined ? { order: dto.order } : {}),
      }),
    );
  }

  /** Several orders at once: swaps are fine, the uniqueness is checked after all of them. */
  async reorder(userId: string, projectId: string, orders: GroupOrderDto[]): Promise<VideoGroup[]> {
    await this.projects.assertOwned(userId, projectId);
    if (new Set(orders.map((o) => o.id)).size !== orders.length) {
      throw new ConflictException('a group is listed twice');
    }
    const missing = await orderClashAs409(() => this.groups.reorder(projectId, orders));
    if (missing.length)
      throw new NotFoundException(`group ${missing[0]} not found in this project`);
    return this.groups.listOf(projectId);
  }

  /** The group goes; its videos stay in the project, ungrouped. */
  async remove(userId: string, projectId: string, groupId: string): Promise<void> {
    await this.ownedGroup(userId, projectId, groupId);
    await this.groups.delete(groupId);
  }

  private async ownedGroup(userId: string, projectId: string, groupId: string): Promise<void> {
    await this.projects.assertOwned(userId, projectId);
    if (!(await this.groups.findInProject(projectId, groupId)))
      throw new NotFoundException('group not found');
  }
}

async function orderClashAs409<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictException(ORDER_TAKEN);
    throw e;
  }
}
