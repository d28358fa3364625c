import { CanActivate, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/**
 * POST /billing/purchase adds credits without paying: it exists only for local demos
 * (PAYMENTS_PROVIDER=dev with NODE_ENV development or test). Elsewhere it answers exactly as a
 * route that does not exist, before the body is even read.
 */
@Injectable()
export class SelfPurchaseGuard implements CanActivate {
  private readonly allowed: boolean;

  constructor(config: ConfigService) {
    this.allowed =
      config.get<string>('PAYMENTS_PROVIDER') === 'dev' &&
      ['development', 'test'].includes(config.getOrThrow<string>('NODE_ENV'));
  }

  canActivate(): boolean {
    if (!this.allowed) throw new NotFoundException('Cannot POST /api/v1/billing/purchase');
    return true;
  }
}
