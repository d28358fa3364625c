import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { AuthRateLimited } from '../common/throttling/rate-limits';
import { AuthService } from './auth.service';
import { UserDto } from '../users/dto/user.dto';
import { RegisteredDto, TokenDto } from './dto/auth-responses.dto';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { Public } from './public.decorator';

@ApiTags('auth')
@Public()
@AuthRateLimited()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({
    operationId: 'register',
    summary: 'Create an account (bcrypt cost 12) and sign in',
  })
  @ApiCreatedResponse({ type: RegisteredDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'email already registered' })
  async register(@Body() dto: RegisterDto): Promise<RegisteredDto> {
    const { user, accessToken } = await this.auth.register(dto);
    return { user: UserDto.from(user), accessToken };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Exchange email and password for a JWT' })
  @ApiOkResponse({ type: TokenDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({
    status: 401,
    type: ErrorResponseDto,
    description: 'wrong email or password (one answer for both)',
  })
  @ApiResponse({ status: 403, type: ErrorResponseDto, description: 'the account is disabled' })
  login(@Body() dto: LoginDto): Promise<TokenDto> {
    return this.auth.login(dto);
  }
}
