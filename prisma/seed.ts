import 'dotenv/config';
import bcrypt from 'bcryptjs';
import { LicenseType, PrismaClient } from '../libs/database/src/generated/prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';

/**
 * The seed's development data (shared/seed/database.md), made idempotent: running it twice
 * leaves one user and one sample project. Run only with NODE_ENV=development (npm start). The licence expiry is a year from now (the seed's
 * fixed 2025-12-31 is in the past), so the demo account can run jobs.
 */
export const SEED_EMAIL = 'test@videomixpro.com';
export const SEED_PASSWORD = 'password123';
export const SEED_PROJECT_NAME = 'Sample Marketing Campaign';

export async function seed(prisma: PrismaClient) {
  const existing = await prisma.user.findUnique({ where: { email: SEED_EMAIL } });
  const testUser =
    existing ??
    (await prisma.user.create({
      data: {
        email: SEED_EMAIL,
        password: await bcrypt.hash(SEED_PASSWORD, 12),
        firstName: 'Test',
        lastName: 'User',
        credits: 1000,
        licenseType: LicenseType.PREMIUM,
        licenseExpiry: new Date(Date.now() + 365 * 24 * 3600 * 1000),
        // The seed's 1000 credits, recorded in the ledger so the balance equals its sum.
        transactions: {
          create: {
            amount: 1000,
            type: 'PURCHASE',
            description: 'Seed credits',
            reference: 'seed:initial-credits',
          },
        },
      },
    }));

  const settings = {
    mixingMode: 'AUTO',
    outputFormat: 'MP4',
    quality: 'HIGH',
    outputCount: 5,
    metadata: { static: { campaign: 'demo' }, includeDynamic: true },
  };
  const project =
    (await prisma.project.findFirst({
      where: { userId: testUser.id, name: SEED_PROJECT_NAME },
    })) ??
    (await prisma.project.create({
      data: {
        name: SEED_PROJECT_NAME,
        description: 'Demo project for testing',
        userId: testUser.id,
        outputCount: settings.outputCount,
        settings,
      },
    }));
  return { testUser, project };
}

async function main() {
  // The demo account has a published password: it exists on development machines only.
  if (process.env.NODE_ENV !== 'development') {
    console.log(`not seeding the demo user (NODE_ENV=${process.env.NODE_ENV ?? 'unset'})`);
    return;
  }
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/videomixpro';
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    const { testUser, project } = await seed(prisma);
    console.log(`seeded user ${testUser.email} (${testUser.id}) and project "${project.name}"`);
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
