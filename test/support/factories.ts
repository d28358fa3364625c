import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { LicenseType } from '@app/contracts';
import type { Prisma, PrismaClient } from '@app/database';
import type { TestGateway } from './gateway';

type Server = TestGateway['server'];

export interface RegisteredUser {
  token: string;
  email: string;
  password: string;
  user: { id: string; email: string; credits: number; licenseType: string };
}

/** Registers a fresh user through the API and returns its token. */
export async function registerUser(
  server: Server,
  overrides: Record<string, unknown> = {},
): Promise<RegisteredUser> {
  const email = `user-${randomBytes(6).toString('hex')}@example.com`;
  const password = 'correct horse battery';
  const body = { email, password, firstName: 'Test', lastName: 'User', ...overrides };
  const res = await request(server).post('/api/v1/auth/register').send(body);
  if (res.status !== 201)
    throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    token: res.body.accessToken,
    email: body.email as string,
    password: body.password as string,
    user: res.body.user,
  };
}

/** A video_files row for direct inserts: a 2 s 640×360 MP4 of 1 byte unless overridden. */
export const videoFileRow = (
  row: Pick<Prisma.VideoFileUncheckedCreateInput, 'projectId'> &
    Partial<Prisma.VideoFileUncheckedCreateInput>,
): Prisma.VideoFileUncheckedCreateInput => ({
  originalName: 'a.mp4',
  filename: 'a.mp4',
  path: '/a.mp4',
  size: 1n,
  duration: 2,
  format: 'mp4',
  resolution: '640x360',
  ...row,
});

export const projectSettings = (over: Record<string, unknown> = {}) => ({
  mixingMode: 'MANUAL',
  outputFormat: 'MP4',
  quality: 'LOW',
  outputCount: 4,
  metadata: { static: { campaign: 'test' }, includeDynamic: true },
  ...over,
});

/** Creates a project through the API (MANUAL, MP4, LOW, 4 outputs unless overridden). */
export async function createProject(
  server: Server,
  token: string,
  overrides: { name?: string; description?: string; settings?: Record<string, unknown> } = {},
): Promise<{ id: string; [k: string]: unknown }> {
  const res = await request(server)
    .post('/api/v1/projects')
    .set('Authorization', `Bearer ${token}`)
    .send({
      name: overrides.name ?? 'Campaign',
      description: overrides.description,
      settings: overrides.settings ?? projectSettings(),
    });
  if (res.status !== 201)
    throw new Error(`create project failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Gives a user credits and a licence directly in the database (what a payment and a sale would do). */
export async function fund(
  prisma: PrismaClient,
  userId: string,
  credits: number,
  licenseType: LicenseType = 'PREMIUM',
): Promise<void> {
  await prisma.user.update({
    where: { id: userId },
    data: {
      credits: { increment: credits },
      licenseType,
      licenseExpiry: new Date(Date.now() + 86_400_000),
    },
  });
  await prisma.creditTransaction.create({
    data: {
      userId,
      amount: credits,
      type: 'PURCHASE',
      description: 'test funds',
      reference: `test:${randomBytes(6).toString('hex')}`,
    },
  });
}
