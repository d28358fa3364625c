import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** The Prisma client for every app; needs the global ConfigModule (AppConfigModule). */
@Global()
@Module({
  providers: [PrismaService],
  exports: [PrismaService],
})
export class DatabaseModule {}
