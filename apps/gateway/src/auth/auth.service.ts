import {
  ConflictException,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import { AuditService } from '../audit/audit.service';
import { UsersRepository, type Account } from '../users/users.repository';
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

  async register(dto: RegisterDto): Promise<{ user: Account; accessToken: string }> {
    const password = await bcrypt.hash(dto.password, this.config.getOrThrow<number>('BCRYPT_COST'));
    const user = await this.users.create({
      email: dto.email,
      password,
      firstName: dto.firstName,
      lastName: dto.lastName,
    });
    if (!user) throw new ConflictException('this email is already registered');
    return { user, accessToken: await this.sign(user) };
  }

  /** Unknown email and wrong password get the same 401; a disabled account gets 403. */
  async login(
    dto: LoginDto,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const user = await this.users.findForLogin(dto.email);
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

  private sign(user: { id: string }): Promise<string> {
    return this.jwt.signAsync({ sub: user.id });
  }
}
