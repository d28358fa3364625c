import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/current-user.decorator';
import { AdminUsersRepository } from './admin-users.repository';

/**
 * Operators only: the caller must have signed in (a JWT, not an API key) and have the ADMIN
 * role, read from the database on every request so a demotion takes effect at once.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly users: AdminUsersRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) return false;
    if (user.via !== 'jwt')
      throw new ForbiddenException(
        'operator routes need a signed-in operator (a JWT), not an API key',
      );
    if ((await this.users.roleOf(user.id)) !== 'ADMIN')
      throw new ForbiddenException('operator routes need the ADMIN role');
    return true;
  }
}
