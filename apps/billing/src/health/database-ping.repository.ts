import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

/** Readiness' one database effect: a round trip. */
@Injectable()
export class DatabasePingRepository {
  constructor(private readonly prisma: PrismaService) {}

  ping(): Promise<void> {
    return this.prisma.ping();
  }
}
