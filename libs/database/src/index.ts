export * from './database.module';
export * from './prisma.service';
export * from './generated/prisma/client';
export * from './app-role';
export * from './tenant-scope';
export * from './audit-log';
export * from './tables';
export * from './unique-violation';
