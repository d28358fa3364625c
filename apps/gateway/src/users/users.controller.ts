import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { PrismaService } from '@app/database';
import { UserDto } from '../auth/dto/auth-responses.dto';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';

@ApiTags('users')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@Controller('users')
export class UsersController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller, with credits and licence (never the password hash)' })
  @ApiOkResponse({ type: UserDto })
  @ApiResponse({ status: 401, type: ErrorResponseDto })
  async me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return UserDto.from(await this.prisma.user.findUniqueOrThrow({ where: { id: user.id } }));
  }
}
