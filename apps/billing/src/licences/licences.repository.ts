import { Injectable } from '@nestjs/common';
import {
  Prisma,
  PrismaService,
  writeAudit,
  type AuditEntry,
  type LicenseType,
} from '@app/database';

type Tx = Prisma.TransactionClient;

export interface Licence {
  licenseType: LicenseType;
  licenseExpiry: Date | null;
}

/** Database effects of licences: a user's licence read under a row lock, written, audited. */
@Injectable()
export class LicencesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction((tx) => fn(tx));
  }

  async lockLicence(tx: Tx, userId: string): Promise<Licence | null> {
    const rows = await tx.$queryRaw<{ license_type: LicenseType; license_expiry: Date | null }[]>`
      SELECT license_type, license_expiry FROM users WHERE id = ${userId} FOR UPDATE`;
    return rows[0]
      ? { licenseType: rows[0].license_type, licenseExpiry: rows[0].license_expiry }
      : null;
  }

  async setLicence(tx: Tx, userId: string, licence: Licence): Promise<void> {
    // Only the id back: billing's role reads no more of users than credits and licences.
    await tx.user.update({ where: { id: userId }, data: licence, select: { id: true } });
  }

  audit(tx: Tx, entry: AuditEntry): Promise<void> {
    return writeAudit(tx, entry);
  }
}
