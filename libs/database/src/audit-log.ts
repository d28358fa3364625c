import type { Prisma } from './generated/prisma/client';

/** The sensitive operations the audit log records (the seed's Security Considerations). */
export type AuditAction =
  | 'auth.login.succeeded'
  | 'auth.login.failed'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'billing.purchase'
  | 'billing.refund'
  | 'project.deleted'
  | 'licence.changed'
  | 'billing.payment_refunded'
  | 'billing.credits_adjusted'
  | 'admin.users.listed'
  | 'admin.user.viewed'
  | 'admin.user.deactivated'
  | 'admin.user.reactivated'
  | 'admin.audit_logs.read'
  | 'admin.role.granted';

export interface AuditEntry {
  action: AuditAction;
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  requestId?: string | null;
  details?: Prisma.InputJsonObject;
}

/** Anything with the audit log model: the client, or a transaction (to record atomically). */
interface AuditWriter {
  auditLog: { createMany(args: { data: Prisma.AuditLogCreateManyInput }): PromiseLike<unknown> };
}

/**
 * Appends one entry. The application roles may only insert into the table (and only the
 * shared one read it), so an entry once written stays as it is. An INSERT without RETURNING
 * (createMany): the gateway's and billing's roles may not read the log back.
 */
export async function writeAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  await db.auditLog.createMany({
    data: {
      action: entry.action,
      actorUserId: entry.actorUserId ?? null,
      actorApiKeyId: entry.actorApiKeyId ?? null,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: entry.ip ?? null,
      requestId: entry.requestId ?? null,
      details: entry.details ?? {},
    },
  });
}
