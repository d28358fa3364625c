import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AdjustCreditsReply, SetLicenceReply } from '@app/contracts';
import type { AuditLog } from '@app/database';
import { requestContext } from '@app/observability';
import { AuditService } from '../audit/audit.service';
import { AuthCache } from '../auth/auth-cache';
import type { AuthUser } from '../auth/current-user.decorator';
import { BillingClient } from '../billing/billing.client';
import { skipTake, type Page } from '../common/dto/pagination-query.dto';
import { AdminUsersRepository, type AdminUserRow } from './admin-users.repository';
import { AuditLogsRepository } from './audit-logs.repository';
import type {
  AdjustCreditsDto,
  AdminUsersQueryDto,
  AuditLogsQueryDto,
  SetLicenceDto,
} from './dto/admin.dto';

type Operator = Pick<AuthUser, 'id' | 'apiKeyId'>;

/**
 * What operators do. Credits and licences change in billing (which owns them and writes the
 * ledger entry and `licence.changed` with the operator as actor); deactivation is the
 * gateway's (the auth guard reads is_active on every request, so tokens and keys stop at once).
 * Every action, reads included, leaves an audit entry.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly auditLogs: AuditLogsRepository,
    private readonly billing: BillingClient,
    private readonly audit: AuditService,
    private readonly authCache: AuthCache,
  ) {}

  async listUsers(op: Operator, q: AdminUsersQueryDto): Promise<Page<ReturnType<typeof toUser>>> {
    const { rows, total } = await this.users.list({
      email: q.email,
      licenseType: q.licenseType,
      ...skipTake(q),
    });
    await this.audit.record(op, {
      action: 'admin.users.listed',
      details: { email: q.email ?? null, licenseType: q.licenseType ?? null, page: q.page },
    });
    return { items: rows.map(toUser), total, page: q.page, limit: q.limit };
  }

  async findUser(op: Operator, userId: string) {
    const found = await this.users.find(userId);
    if (!found) throw new NotFoundException('user not found');
    await this.audit.record(op, {
      action: 'admin.user.viewed',
      targetType: 'user',
      targetId: userId,
    });
    const { _count, ...user } = found;
    return { ...toUser(user), counts: _count };
  }

  async adjustCredits(
    op: Operator,
    userId: string,
    dto: AdjustCreditsDto,
  ): Promise<AdjustCreditsReply> {
    await this.mustExist(userId);
    return this.billing.request<AdjustCreditsReply>('adjustCredits', {
      userId,
      amount: dto.amount,
      reason: dto.reason,
      actorUserId: op.id,
      reference: `admin:${randomUUID()}`,
      ip: requestContext.current()?.ip,
    });
  }

  async setLicence(op: Operator, userId: string, dto: SetLicenceDto): Promise<SetLicenceReply> {
    await this.mustExist(userId);
    return this.billing.request<SetLicenceReply>('setLicence', {
      userId,
      licenseType: dto.licenseType,
      licenseExpiry: dto.licenseExpiry,
      source: 'admin',
      actorUserId: op.id,
      ...(dto.reason ? { reason: dto.reason } : {}),
      ip: requestContext.current()?.ip,
    });
  }

  async setActive(op: Operator, userId: string, isActive: boolean) {
    if (!isActive && userId === op.id)
      throw new BadRequestException('an operator cannot deactivate their own account');
    if (!(await this.users.setActive(userId, isActive)))
      throw new NotFoundException('user not found');
    await this.authCache.revoked({ userId });
    await this.audit.record(op, {
      action: isActive ? 'admin.user.reactivated' : 'admin.user.deactivated',
      targetType: 'user',
      targetId: userId,
    });
    return this.findUserQuietly(userId);
  }

  async listAuditLogs(
    op: Operator,
    q: AuditLogsQueryDto,
  ): Promise<Page<ReturnType<typeof toAuditLog>>> {
    const { rows, total } = await this.auditLogs.list({
      actorId: q.actorId,
      action: q.action,
      from: q.from,
      to: q.to,
      ...skipTake(q),
    });
    await this.audit.record(op, {
      action: 'admin.audit_logs.read',
      details: {
        actorId: q.actorId ?? null,
        action: q.action ?? null,
        from: q.from?.toISOString() ?? null,
        to: q.to?.toISOString() ?? null,
        page: q.page,
      },
    });
    return { items: rows.map(toAuditLog), total, page: q.page, limit: q.limit };
  }

  private async mustExist(userId: string): Promise<void> {
    if (!(await this.users.exists(userId))) throw new NotFoundException('user not found');
  }

  private async findUserQuietly(userId: string) {
    const found = await this.users.find(userId);
    if (!found) throw new NotFoundException('user not found');
    const { _count, ...user } = found;
    return { ...toUser(user), counts: _count };
  }
}

function toUser(u: AdminUserRow) {
  return {
    ...u,
    licenseExpiry: u.licenseExpiry?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

function toAuditLog(a: AuditLog) {
  return {
    ...a,
    details: a.details as Record<string, unknown>,
    createdAt: a.createdAt.toISOString(),
  };
}
