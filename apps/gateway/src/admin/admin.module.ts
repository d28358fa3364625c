import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminGuard } from './admin.guard';
import { AdminService } from './admin.service';
import { AdminUsersRepository } from './admin-users.repository';
import { AuditLogsRepository } from './audit-logs.repository';

/** Operators' routes under /api/v1/admin (role ADMIN). */
@Module({
  controllers: [AdminController],
  providers: [AdminService, AdminGuard, AdminUsersRepository, AuditLogsRepository],
})
export class AdminModule {}
