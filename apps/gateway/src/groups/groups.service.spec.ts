import { ConflictException, NotFoundException } from '@nestjs/common';
import {
  FakeGroupsRepository,
  FakeProjectsRepository,
} from '../../../../test/support/gateway-fakes';
import type { ProjectsRepository } from '../projects/projects.repository';
import type { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

function setup() {
  const projects = new FakeProjectsRepository();
  const groups = new FakeGroupsRepository();
  const service = new GroupsService(
    projects as unknown as ProjectsRepository,
    groups as unknown as GroupsRepository,
  );
  const project = projects.add({ userId: 'u1' });
  const theirs = projects.add({ userId: 'u2' });
  return { service, projects, groups, project, theirs };
}

const orders = async (groups: FakeGroupsRepository, projectId: string) =>
  (await groups.listOf(projectId)).map((g) => [g.name, g.order]);

describe('GroupsService', () => {
  it("answers 404 for another user's project on every route", async () => {
    const { service, groups, theirs } = setup();
    const g = groups.add(theirs.id, 'theirs', 0);
    await expect(service.create('u1', theirs.id, { name: 'x', order: 1 })).rejects.toThrow(
      'project not found',
    );
    await expect(service.list('u1', theirs.id)).rejects.toThrow(NotFoundException);
    await expect(service.update('u1', theirs.id, g.id, { name: 'x' })).rejects.toThrow(
      NotFoundException,
    );
    await expect(service.reorder('u1', theirs.id, [{ id: g.id, order: 5 }])).rejects.toThrow(
      NotFoundException,
    );
    await expect(service.remove('u1', theirs.id, g.id)).rejects.toThrow(NotFoundException);
    expect(await orders(groups, theirs.id)).toEqual([['theirs', 0]]);
  });

  it("answers 404 for a group of another project, even the caller's own", async () => {
    const { service, projects, groups, project } = setup();
    const other = projects.add({ userId: 'u1' });
    const g = groups.add(other.id, 'elsewhere', 0);
    await expect(service.update('u1', project.id, g.id, { name: 'x' })).rejects.toThrow(
      'group not found',
    );
    await expect(service.remove('u1', project.id, g.id)).rejects.toThrow('group not found');
    expect(groups.rows.has(g.id)).toBe(true);
  });

  it('refuses an order already taken in the project with 409, on create and update', async () => {
    const { service, groups, project } = setup();
    await service.create('u1', project.id, { name: 'Hooks', order: 0 });
    const endings = await service.create('u1', project.id, { name: 'Endings', order: 1 });
    await expect(service.create('u1', project.id, { name: 'Dup', order: 0 })).rejects.toThrow(
      ConflictException,
    );
    await expect(service.update('u1', project.id, endings.id, { order: 0 })).rejects.toThrow(
      'another group of the project has this order',
    );
    expect(await orders(groups, project.id)).toEqual([
      ['Hooks', 0],
      ['Endings', 1],
    ]);
  });

  describe('reorder', () => {
    it('swaps two orders in one go', async () => {
      const { service, groups, project } = setup();
      const a = groups.add(project.id, 'a', 0);
      const b = groups.add(project.id, 'b', 1);
      const result = await service.reorder('u1', project.id, [
        { id: a.id, order: 1 },
        { id: b.id, order: 0 },
      ]);
      expect(result.map((g) => [g.name, g.order])).toEqual([
        ['b', 0],
        ['a', 1],
      ]);
    });

    it('refuses a result where two groups share an order with 409, changing nothing', async () => {
      const { service, groups, project } = setup();
      const a = groups.add(project.id, 'a', 0);
      groups.add(project.id, 'b', 1);
      await expect(service.reorder('u1', project.id, [{ id: a.id, order: 1 }])).rejects.toThrow(
        ConflictException,
      );
      expect(await orders(groups, project.id)).toEqual([
        ['a', 0],
        ['b', 1],
      ]);
    });

    it('refuses a group listed twice with 409 and an unknown group with 404', async () => {
      const { service, groups, project } = setup();
      const a = groups.add(project.id, 'a', 0);
      await expect(
        service.reorder('u1', project.id, [
          { id: a.id, order: 3 },
          { id: a.id, order: 4 },
        ]),
      ).rejects.toThrow('a group is listed twice');
      await expect(
        service.reorder('u1', project.id, [
          { id: a.id, order: 3 },
          { id: 'nope', order: 4 },
        ]),
      ).rejects.toThrow('group nope not found in this project');
      expect(await orders(groups, project.id)).toEqual([['a', 0]]);
    });
  });

  it('deletes a group of the caller', async () => {
    const { service, groups, project } = setup();
    const g = groups.add(project.id, 'a', 0);
    await service.remove('u1', project.id, g.id);
    expect(groups.rows.size).toBe(0);
  });
});
