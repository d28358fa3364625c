/**
 * In-memory stand-ins for the gateway's repositories, for the services' unit tests (*.spec.ts).
 * Each keeps the rules its real counterpart gets from the database: unique orders and emails
 * (a unique violation, as Prisma raises it), owner scoping, the live-key filter.
 */
import { NotFoundException } from '@nestjs/common';
import {
  Prisma,
  type ApiKey,
  type Project,
  type User,
  type VideoFile,
  type VideoGroup,
} from '@app/database';
import type { NewApiKey } from '../../apps/gateway/src/api-keys/api-keys.repository';
import type {
  NewProject,
  ProjectChanges,
  ProjectDetail,
} from '../../apps/gateway/src/projects/projects.repository';
import type { NewUser } from '../../apps/gateway/src/users/users.repository';

let seq = 0;
const nextId = (kind: string) => `${kind}_${++seq}`;

export const uniqueViolation = (target: string) =>
  new Prisma.PrismaClientKnownRequestError(`Unique constraint failed on ${target}`, {
    code: 'P2002',
    clientVersion: 'fake',
    meta: { target },
  });

export function makeUser(over: Partial<User> = {}): User {
  return {
    id: nextId('user'),
    email: `u${seq}@example.com`,
    password: 'hash',
    firstName: 'Ana',
    lastName: 'Silva',
    isActive: true,
    credits: 0,
    licenseType: 'FREE',
    licenseExpiry: null,
    role: 'USER',
    stripeCustomerId: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  };
}

export function makeProject(over: Partial<Project> = {}): Project {
  return {
    id: nextId('project'),
    name: 'p',
    description: null,
    userId: 'nobody',
    status: 'DRAFT',
    outputCount: 2,
    settings: {},
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  };
}

export class FakeUsersRepository {
  readonly rows = new Map<string, User>();

  add(over: Partial<User> = {}): User {
    const user = makeUser(over);
    this.rows.set(user.id, user);
    return user;
  }
  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  async findForLogin(email: string) {
    return [...this.rows.values()].find((u) => u.email === email) ?? null;
  }
  /** Null when the email is taken, as gateway_register_user answers. */
  async create(data: NewUser) {
    if (await this.findForLogin(data.email)) return null;
    return this.add(data);
  }
}

export class FakeApiKeysRepository {
  readonly rows = new Map<string, ApiKey>();
  constructor(private readonly users = new FakeUsersRepository()) {}

  async findByPrefix(prefix: string) {
    const key = [...this.rows.values()].find((k) => k.prefix === prefix);
    const user = key && this.users.rows.get(key.userId);
    return key && user ? { ...key, user } : null;
  }
  async findByHash(keyHash: string) {
    const key = [...this.rows.values()].find((k) => k.keyHash === keyHash);
    return key ? this.findByPrefix(key.prefix) : null;
  }
  async touchLastUsed(userId: string, id: string, at: Date) {
    const key = this.rows.get(id);
    if (key?.userId === userId) key.lastUsedAt = at;
  }
  async countLive(userId: string) {
    return [...this.rows.values()].filter((k) => k.userId === userId && !k.revokedAt).length;
  }
  async create(data: NewApiKey) {
    const row: ApiKey = {
      id: nextId('key'),
      ...data,
      revokedAt: null,
      lastUsedAt: null,
      createdAt: new Date(),
    };
    this.rows.set(row.id, row);
    return row;
  }
  async listOf(userId: string) {
    return [...this.rows.values()].filter((k) => k.userId === userId).reverse();
  }
  async revoke(userId: string, id: string, at: Date) {
    const key = this.rows.get(id);
    if (!key || key.userId !== userId || key.revokedAt) return false;
    key.revokedAt = at;
    return true;
  }
}

export class FakeProjectsRepository {
  readonly rows = new Map<string, Project>();
  readonly groups = new Map<string, { name: string; order: number }[]>();
  /** Pending or processing jobs per project. */
  readonly activeJobs = new Map<string, number>();

  add(over: Partial<Project> = {}): Project {
    const project = makeProject(over);
    this.rows.set(project.id, project);
    return project;
  }
  async findOwned(userId: string, projectId: string) {
    const p = this.rows.get(projectId);
    return p && p.userId === userId ? p : null;
  }
  async assertOwned(userId: string, projectId: string) {
    const p = await this.findOwned(userId, projectId);
    if (!p) throw new NotFoundException('project not found');
    return p;
  }
  async findOwnedDetail(userId: string, projectId: string): Promise<ProjectDetail | null> {
    const p = await this.findOwned(userId, projectId);
    return p ? { ...p, groups: [], _count: { videos: 0, jobs: 0, groups: 0 } } : null;
  }
  async page(where: { userId: string; status?: string }, window: { skip: number; take: number }) {
    const all = [...this.rows.values()]
      .filter((p) => p.userId === where.userId && (!where.status || p.status === where.status))
      .reverse();
    return { items: all.slice(window.skip, window.skip + window.take), total: all.length };
  }
  async countActiveJobs(projectId: string) {
    return this.activeJobs.get(projectId) ?? 0;
  }
  async create({ groups, ...data }: NewProject) {
    const p = this.add(data as Partial<Project>);
    this.groups.set(p.id, groups);
    return p;
  }
  async update(projectId: string, changes: ProjectChanges) {
    const p = this.rows.get(projectId)!;
    Object.assign(p, changes);
    return p;
  }
  async deleteIdle(projectId: string) {
    const p = this.rows.get(projectId);
    if (!p) return null;
    if (p.status === 'PROCESSING' || (this.activeJobs.get(projectId) ?? 0) > 0) return 'busy';
    this.rows.delete(projectId);
    return p;
  }
}

export class FakeGroupsRepository {
  readonly rows = new Map<string, VideoGroup>();

  add(projectId: string, name: string, order: number): VideoGroup {
    const g: VideoGroup = { id: nextId('group'), name, order, projectId, createdAt: new Date() };
    this.rows.set(g.id, g);
    return g;
  }
  private clash(projectId: string, order: number, except?: string) {
    return [...this.rows.values()].some(
      (g) => g.projectId === projectId && g.order === order && g.id !== except,
    );
  }
  async findInProject(projectId: string, groupId: string) {
    const g = this.rows.get(groupId);
    return g && g.projectId === projectId ? g : null;
  }
  async listOf(projectId: string) {
    return [...this.rows.values()]
      .filter((g) => g.projectId === projectId)
      .sort((a, b) => a.order - b.order);
  }
  async create(projectId: string, data: { name: string; order: number }) {
    if (this.clash(projectId, data.order)) throw uniqueViolation('video_groups_project_order');
    return this.add(projectId, data.name, data.order);
  }
  async update(groupId: string, changes: { name?: string; order?: number }) {
    const g = this.rows.get(groupId)!;
    if (changes.order !== undefined && this.clash(g.projectId, changes.order, g.id))
      throw uniqueViolation('video_groups_project_order');
    Object.assign(g, changes);
    return g;
  }
  /** All or nothing, uniqueness checked after every order is set (as the deferred constraint). */
  async reorder(projectId: string, orders: { id: string; order: number }[]) {
    const missing = orders.filter(
      (o) => !this.rows.get(o.id) || this.rows.get(o.id)!.projectId !== projectId,
    );
    if (missing.length) return missing.map((o) => o.id);
    const next = new Map([...this.rows.values()].map((g) => [g.id, g.order]));
    for (const o of orders) next.set(o.id, o.order);
    const taken = [...this.rows.values()]
      .filter((g) => g.projectId === projectId)
      .map((g) => next.get(g.id));
    if (new Set(taken).size !== taken.length) throw uniqueViolation('video_groups_project_order');
    for (const o of orders) this.rows.get(o.id)!.order = o.order;
    return [];
  }
  async delete(groupId: string) {
    this.rows.delete(groupId);
  }
}

export class FakeVideosRepository {
  readonly rows = new Map<string, VideoFile>();

  add(projectId: string, over: Partial<VideoFile> = {}): VideoFile {
    const v = {
      id: nextId('video'),
      originalName: 'a.mp4',
      filename: 'a.mp4',
      path: `/videos/${seq}.mp4`,
      size: 10n,
      duration: new Prisma.Decimal(1),
      format: 'mp4',
      resolution: '64x64',
      projectId,
      groupId: null,
      uploadedAt: new Date(),
      ...over,
    } as VideoFile;
    this.rows.set(v.id, v);
    return v;
  }
  async findInProject(projectId: string, videoId: string) {
    const v = this.rows.get(videoId);
    return v && v.projectId === projectId ? v : null;
  }
  async page(
    where: { projectId: string; groupId?: string | null },
    window: { skip: number; take: number },
  ) {
    const all = [...this.rows.values()]
      .filter((v) => v.projectId === where.projectId)
      .filter((v) => where.groupId === undefined || v.groupId === where.groupId)
      .reverse();
    return { items: all.slice(window.skip, window.skip + window.take), total: all.length };
  }
  async create(data: Partial<VideoFile> & { projectId: string }) {
    return this.add(data.projectId, data);
  }
  async setGroup(videoId: string, groupId: string | null) {
    const v = this.rows.get(videoId)!;
    v.groupId = groupId;
    return v;
  }
  async delete(videoId: string) {
    this.rows.delete(videoId);
  }
}

/** Records audit entries instead of writing them. */
export class FakeAuditService {
  readonly entries: { actor: unknown; entry: { action: string; [k: string]: unknown } }[] = [];
  async record(actor: unknown, entry: { action: string; [k: string]: unknown }) {
    this.entries.push({ actor, entry });
  }
}
