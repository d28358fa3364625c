import {
  ConflictException,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import { isUniqueViolation, type User } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { UsersRepository } from '../users/users.repository';
import type { LoginDto } from './dto/login.dto';
import type { RegisterDto } from './dto/register.dto';

/** Compared against when the email is unknown, so both failures take the same time. */
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', 10);

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly jwt: JwtService,
    private readonly config: ConfigService,
    private readonly audit: AuditService,
  ) {}

  async register(dto: RegisterDto): Promise<{ user: User; accessToken: string }> {
    const password = await bcrypt.hash(dto.password, this.config.getOrThrow<number>('BCRYPT_COST'));
    try {
      const user = await this.users.create({
        email: dto.email,
        password,
        firstName: dto.firstName,
        lastName: dto.lastName,
      });
      return { user, accessToken: await this.sign(user) };
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new ConflictException('this email is already registered');
      }
      throw e;
    }
  }

  /** Unknown email and wrong password get the same 401; a disabled account gets 403. */
  async login(
    dto: LoginDto,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const user = await this.users.findByEmail(dto.email);
    const matches = await bcrypt.compare(dto.password, user?.password ?? DUMMY_HASH);
    if (!user || !matches || !user.isActive) {
      await this.audit.record(user ? { id: user.id } : null, {
        action: 'auth.login.failed',
        targetType: 'user',
        targetId: user?.id,
        details: {
          email: dto.email,
          reason: !user ? 'unknown email' : !matches ? 'wrong password' : 'disabled',
        },
      });
      if (!user || !matches) throw new UnauthorizedException('wrong email or password');
      throw new ForbiddenException('this account is disabled');
    }
    await this.audit.record(
      { id: user.id },
      {
        action: 'auth.login.succeeded',
        targetType: 'user',
        targetId: user.id,
      },
    );
    return {
      accessToken: await this.sign(user),
      tokenType: 'Bearer',
      expiresIn: this.config.getOrThrow<number>('JWT_EXPIRES_IN_SECONDS'),
    };
  }

  private sign(user: User): Promise<string> {
    return this.jwt.signAsync({ sub: user.id });
  }
}
