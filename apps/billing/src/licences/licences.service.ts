import { Injectable } from '@nestjs/common';
import { BillingErrorCode, type SetLicenceReply, type SetLicenceRequest } from '@app/contracts';
import { requestContext } from '@app/observability';
import { LedgerError } from '../ledger/ledger-errors';
import { LicencesRepository } from './licences.repository';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Licences change through here only: a subscription's event (source `stripe`) or an operator
 * (`admin`, `cli`). Each real change is one transaction with its `licence.changed` audit entry;
 * setting the licence a user already has writes nothing (a redelivered webhook is harmless).
 */
@Injectable()
export class LicencesService {
  constructor(private readonly repo: LicencesRepository) {}

  setLicence(req: SetLicenceRequest): Promise<SetLicenceReply> {
    const next = {
      licenseType: req.licenseType,
      licenseExpiry: req.licenseExpiry ? new Date(req.licenseExpiry) : null,
    };
    return this.repo.transaction(async (tx) => {
      const current = await this.repo.lockLicence(tx, req.userId);
      if (!current) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
      const reply = {
        licenseType: next.licenseType,
        licenseExpiry: iso(next.licenseExpiry),
      };
      if (
        current.licenseType === next.licenseType &&
        iso(current.licenseExpiry) === reply.licenseExpiry
      ) {
        return { ...reply, changed: false };
      }
      await this.repo.setLicence(tx, req.userId, next);
      await this.repo.audit(tx, {
        action: 'licence.changed',
        actorUserId: req.actorUserId ?? null,
        ip: req.ip,
        targetType: 'user',
        targetId: req.userId,
        requestId: requestContext.current()?.requestId,
        details: {
          source: req.source,
          from: { licenseType: current.licenseType, licenseExpiry: iso(current.licenseExpiry) },
          to: reply,
          ...(req.reason ? { reason: req.reason } : {}),
        },
      });
      return { ...reply, changed: true };
    });
  }
}
