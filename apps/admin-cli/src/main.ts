/**
 * Operators' command line, for the first operator and for when the API is not at hand:
 *   npm run admin -- create-admin EMAIL            creates an ADMIN (prints a generated password)
 *                                                  or promotes an existing user
 *   npm run admin -- grant EMAIL CREDITS REASON    grants (or, negative, takes back) credits
 *   npm run admin -- set-licence EMAIL TYPE [EXPIRY]
 * Connects as the database owner (MIGRATION_DATABASE_URL). Credits and licences go through
 * billing's own services (the same rules, ledger entries and audit entries as the API's); every
 * command is audited with no actor and `via: cli`.
 */
import 'dotenv/config';
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, writeAudit, type PrismaService } from '@app/database';
import { LICENSE_TYPES, type LicenseType } from '@app/contracts';
import { AdjustmentsRepository } from '../../billing/src/adjustments/adjustments.repository';
import { AdjustmentsService } from '../../billing/src/adjustments/adjustments.service';
import { LicencesRepository } from '../../billing/src/licences/licences.repository';
import { LicencesService } from '../../billing/src/licences/licences.service';

const USAGE = `usage:
  npm run admin -- create-admin EMAIL
  npm run admin -- grant EMAIL CREDITS REASON
  npm run admin -- set-licence EMAIL ${LICENSE_TYPES.join('|')} [EXPIRY (ISO-8601)]`;

class UsageError extends Error {}

async function main(prisma: PrismaClient, [command, email, ...rest]: string[]): Promise<string> {
  if (!command || !email) throw new UsageError('a command and an email are required');
  // The billing services take the Nest PrismaService; the plain client has the same surface.
  const db = prisma as unknown as PrismaService;
  switch (command) {
    case 'create-admin':
      return createAdmin(prisma, email.trim().toLowerCase());
    case 'grant': {
      const [credits, ...reason] = rest;
      const amount = Number(credits);
      if (!Number.isInteger(amount) || amount === 0 || !reason.length)
        throw new UsageError('grant needs a non-zero whole number of credits and a reason');
      const userId = await userIdOf(prisma, email);
      const r = await new AdjustmentsService(new AdjustmentsRepository(db)).adjust({
        userId,
        amount,
        reason: reason.join(' '),
        reference: `cli:${randomUUID()}`,
      });
      return (
        `${email}: ${r.transaction?.amount ?? 0} credits moved, balance ${r.credits}` +
        (r.shortfall ? ` (shortfall ${r.shortfall})` : '')
      );
    }
    case 'set-licence': {
      const [type, expiry] = rest;
      if (!LICENSE_TYPES.includes(type as LicenseType))
        throw new UsageError(`the licence type is one of ${LICENSE_TYPES.join(', ')}`);
      if (expiry && Number.isNaN(Date.parse(expiry)))
        throw new UsageError('the expiry must be an ISO-8601 date, e.g. 2027-12-31');
      const userId = await userIdOf(prisma, email);
      const r = await new LicencesService(new LicencesRepository(db)).setLicence({
        userId,
        licenseType: type as LicenseType,
        licenseExpiry: expiry ? new Date(expiry).toISOString() : null,
        source: 'cli',
      });
      return (
        `${email}: licence ${r.licenseType}, expiry ${r.licenseExpiry ?? 'none'}` +
        (r.changed ? '' : ' (unchanged)')
      );
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function createAdmin(prisma: PrismaClient, email: string): Promise<string> {
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing) {
    await prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: existing.id }, data: { role: 'ADMIN' } });
      await writeAudit(tx, {
        action: 'admin.role.granted',
        targetType: 'user',
        targetId: existing.id,
        details: { via: 'cli', created: false, from: existing.role },
      });
    });
    return `${email} is now an operator (ADMIN); the password is unchanged`;
  }
  const password = randomBytes(18).toString('base64url');
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        email,
        password: await bcrypt.hash(password, 12),
        firstName: 'Operator',
        lastName: 'Admin',
        role: 'ADMIN',
      },
    });
    await writeAudit(tx, {
      action: 'admin.role.granted',
      targetType: 'user',
      targetId: user.id,
      details: { via: 'cli', created: true },
    });
  });
  return `created operator ${email} (ADMIN) with password: ${password}\n(shown once; sign in at POST /api/v1/auth/login)`;
}

async function userIdOf(prisma: PrismaClient, email: string): Promise<string> {
  const user = await prisma.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true },
  });
  if (!user) throw new UsageError(`no user with the email ${email}`);
  return user.id;
}

if (require.main === module) {
  const url =
    process.env.MIGRATION_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgresql://postgres@127.0.0.1:5432/videomixpro';
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  main(prisma, process.argv.slice(2))
    .then((out) => process.stdout.write(`${out}\n`))
    .catch((e) => {
      console.error(
        e instanceof UsageError ? `${e.message}\n${USAGE}` : `error: ${(e as Error).message}`,
      );
      process.exitCode = e instanceof UsageError ? 2 : 1;
    })
    .finally(() => prisma.$disconnect());
}
