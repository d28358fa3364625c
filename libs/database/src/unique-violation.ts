import { Prisma } from './generated/prisma/client';

/**
 * A unique (or exclusion) violation: Prisma's P2002, or PostgreSQL's 23505 raised at commit by
 * a deferred constraint (which reaches Prisma as an unknown driver error). With `constraint`,
 * only a violation of that named constraint or index.
 */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
    if (!constraint) return true;
    // Through the pg driver adapter the name is in meta.driverAdapterError.cause.originalMessage.
    return JSON.stringify(e.meta ?? {}).includes(constraint) || e.message.includes(constraint);
  }
  const text = e instanceof Error ? e.message : '';
  if (!/23505|unique constraint|duplicate key/i.test(text)) return false;
  return !constraint || text.includes(constraint);
}
