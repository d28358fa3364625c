import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { Storage } from '@app/storage';
import { FakeAuditService, FakeProjectsRepository } from '../../../../test/support/gateway-fakes';
import type { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/current-user.decorator';
import type { CreateProjectDto } from './dto/project.dto';
import type { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

const settings = { mixingMode: 'AUTO', outputFormat: 'MP4', quality: 'LOW', outputCount: 2 };
const caller = (id: string) => ({ id }) as AuthUser;

function setup() {
  const projects = new FakeProjectsRepository();
  const audit = new FakeAuditService();
  const deletedPrefixes: string[] = [];
  const storage = { deletePrefix: async (p: string) => void deletedPrefixes.push(p) };
  const config = { getOrThrow: (k: string) => ({ MAX_OUTPUT_COUNT: 10 })[k] };
  const service = new ProjectsService(
    projects as unknown as ProjectsRepository,
    config as unknown as ConfigService,
    storage as unknown as Storage,
    audit as unknown as AuditService,
  );
  return { service, projects, audit, deletedPrefixes };
}

const create = (over: Record<string, unknown> = {}) =>
  ({ name: 'p', settings: { ...settings, ...over } }) as unknown as CreateProjectDto;

describe('ProjectsService', () => {
  describe('create', () => {
    it('stores the settings without the seed groups, and creates the groups', async () => {
      const { service, projects } = setup();
      const groups = [
        { name: 'Hooks', order: 0 },
        { name: 'Endings', order: 1 },
      ];
      const p = await service.create('u1', create({ groups }));
      expect(p.userId).toBe('u1');
      expect(p.settings).toEqual(settings);
      expect(projects.groups.get(p.id)).toEqual(groups);
    });

    it('refuses two seed groups with one order with 400 naming settings.groups', async () => {
      const { service, projects } = setup();
      const groups = [
        { name: 'a', order: 1 },
        { name: 'b', order: 1 },
      ];
      const err = await service.create('u1', create({ groups })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestException);
      expect((err as BadRequestException).getResponse()).toMatchObject({
        details: [{ field: 'settings.groups' }],
      });
      expect(projects.rows.size).toBe(0);
    });

    it('refuses more outputs than MAX_OUTPUT_COUNT with 400', async () => {
      const { service } = setup();
      await expect(service.create('u1', create({ outputCount: 11 }))).rejects.toThrow(
        'outputCount must not be greater than 10',
      );
    });
  });

  it("lists only the caller's projects, a page at a time", async () => {
    const { service, projects } = setup();
    const mine = [projects.add({ userId: 'u1' }), projects.add({ userId: 'u1' })];
    projects.add({ userId: 'u2' });
    const page = await service.list('u1', { page: 2, limit: 1 });
    expect(page).toEqual({ items: [mine[0]], total: 2, page: 2, limit: 1 });
  });

  it("answers 404 for another user's project, as for an unknown id", async () => {
    const { service, projects } = setup();
    const theirs = projects.add({ userId: 'u2' });
    await expect(service.get('u1', theirs.id)).rejects.toThrow(NotFoundException);
    await expect(service.get('u1', 'nope')).rejects.toThrow(NotFoundException);
    await expect(service.update('u1', theirs.id, { name: 'x' })).rejects.toThrow(NotFoundException);
    await expect(service.remove(caller('u1'), theirs.id)).rejects.toThrow(NotFoundException);
    expect(projects.rows.get(theirs.id)?.name).toBe('p');
  });

  describe('while a job runs', () => {
    it('refuses changes and deletion with 409 (a pending or processing job)', async () => {
      const { service, projects } = setup();
      const p = projects.add({ userId: 'u1' });
      projects.activeJobs.set(p.id, 1);
      await expect(service.update('u1', p.id, { name: 'x' })).rejects.toThrow(ConflictException);
      await expect(service.remove(caller('u1'), p.id)).rejects.toThrow(ConflictException);
      expect(projects.rows.get(p.id)?.name).toBe('p');
    });

    it('refuses them with 409 while the project itself is PROCESSING', async () => {
      const { service, projects } = setup();
      const p = projects.add({ userId: 'u1', status: 'PROCESSING' });
      await expect(service.update('u1', p.id, { name: 'x' })).rejects.toThrow(ConflictException);
    });
  });

  it('changes groups only through /groups: settings.groups on update is a 400', async () => {
    const { service, projects } = setup();
    const p = projects.add({ userId: 'u1' });
    const dto = { settings: { ...settings, groups: [{ name: 'a', order: 0 }] } };
    await expect(service.update('u1', p.id, dto as never)).rejects.toThrow(BadRequestException);
    const renamed = await service.update('u1', p.id, { name: 'renamed' });
    expect(renamed.name).toBe('renamed');
  });

  it('deletes the row, records it, then removes its files', async () => {
    const { service, projects, audit, deletedPrefixes } = setup();
    const p = projects.add({ userId: 'u1', name: 'gone' });
    await service.remove(caller('u1'), p.id);
    expect(projects.rows.has(p.id)).toBe(false);
    expect(audit.entries.map((e) => e.entry)).toEqual([
      {
        action: 'project.deleted',
        targetType: 'project',
        targetId: p.id,
        details: { name: 'gone' },
      },
    ]);
    expect(deletedPrefixes).toHaveLength(1);
    expect(deletedPrefixes[0]).toContain(p.id);
  });
});
