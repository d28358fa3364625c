import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Rejects when the database does not answer. */
  ping(): Promise<unknown> {
    return this.prisma.ping();
  }
}
