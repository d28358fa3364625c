import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { Storage } from '@app/storage';
import {
  FakeGroupsRepository,
  FakeProjectsRepository,
  FakeVideosRepository,
} from '../../../../test/support/gateway-fakes';
import type { GroupsRepository } from '../groups/groups.repository';
import type { ProjectsRepository } from '../projects/projects.repository';
import type { VideosRepository } from './videos.repository';
import { VideosService } from './videos.service';

function setup() {
  const projects = new FakeProjectsRepository();
  const groups = new FakeGroupsRepository();
  const videos = new FakeVideosRepository();
  const deleted: string[] = [];
  const storage = {
    delete: async (path: string) => void deleted.push(path),
    deletePrefix: async (prefix: string) => void deleted.push(`${prefix}/`),
    locationOf: (key: string) => `s3://bucket/${key}`,
    localFile: () => null,
  };
  const service = new VideosService(
    videos as unknown as VideosRepository,
    projects as unknown as ProjectsRepository,
    groups as unknown as GroupsRepository,
    storage as unknown as Storage,
    { get: () => undefined } as unknown as ConfigService,
  );
  const project = projects.add({ userId: 'u1' });
  return { service, projects, groups, videos, deleted, project };
}

describe('VideosService', () => {
  it("answers 404 for a video of another user's project, and for one of another project", async () => {
    const { service, projects, videos, project } = setup();
    const theirs = projects.add({ userId: 'u2' });
    const v = videos.add(theirs.id);
    await expect(service.move('u1', theirs.id, v.id, { groupId: null })).rejects.toThrow(
      'project not found',
    );
    await expect(service.remove('u1', theirs.id, v.id)).rejects.toThrow(NotFoundException);
    await expect(service.list('u1', theirs.id, { page: 1, limit: 20 })).rejects.toThrow(
      NotFoundException,
    );
    await expect(service.remove('u1', project.id, v.id)).rejects.toThrow('video not found');
    expect(videos.rows.has(v.id)).toBe(true);
  });

  it('moves a video into a group of its project, or out of any group', async () => {
    const { service, groups, videos, project } = setup();
    const g = groups.add(project.id, 'Hooks', 0);
    const v = videos.add(project.id);
    expect((await service.move('u1', project.id, v.id, { groupId: g.id })).groupId).toBe(g.id);
    expect((await service.move('u1', project.id, v.id, { groupId: null })).groupId).toBeNull();
  });

  it('refuses a group of another project with 400 naming groupId', async () => {
    const { service, projects, groups, videos, project } = setup();
    const other = projects.add({ userId: 'u1' });
    const g = groups.add(other.id, 'elsewhere', 0);
    const v = videos.add(project.id);
    const err = await service
      .move('u1', project.id, v.id, { groupId: g.id })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect((err as BadRequestException).getResponse()).toMatchObject({
      details: [{ field: 'groupId' }],
    });
    expect(videos.rows.get(v.id)?.groupId).toBeNull();
  });

  it('lists ungrouped videos with groupId=none, a page at a time', async () => {
    const { service, groups, videos, project } = setup();
    const g = groups.add(project.id, 'Hooks', 0);
    videos.add(project.id, { groupId: g.id });
    const loose = [videos.add(project.id), videos.add(project.id)];
    const page = await service.list('u1', project.id, { page: 1, limit: 1, groupId: 'none' });
    expect(page).toEqual({ items: [loose[1]], total: 2, page: 1, limit: 1 });
  });

  it('refuses to delete while a job of the project runs (409), keeping row and file', async () => {
    const { service, projects, videos, deleted, project } = setup();
    const v = videos.add(project.id);
    projects.activeJobs.set(project.id, 1);
    await expect(service.remove('u1', project.id, v.id)).rejects.toThrow(ConflictException);
    expect(videos.rows.has(v.id)).toBe(true);
    expect(deleted).toEqual([]);
    projects.activeJobs.set(project.id, 0);
    await service.remove('u1', project.id, v.id);
    expect(videos.rows.has(v.id)).toBe(false);
    // The source, its thumbnail, then every mezzanine made from it.
    expect(deleted).toEqual([
      v.path,
      `s3://bucket/users/u1/projects/${project.id}/sources/${v.filename}.thumb.jpg`,
      `users/u1/projects/${project.id}/mezzanines/${v.id}/`,
    ]);
  });
});
