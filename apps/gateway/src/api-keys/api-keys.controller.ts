import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { PrismaService } from '@app/database';
import { newApiKey } from '../auth/api-key-format';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { AuditService } from '../audit/audit.service';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

/** Each user holds at most this many live keys. */
const MAX_KEYS = 50;

@ApiTags('api-keys')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@ApiResponse({ status: 401, type: ErrorResponseDto })
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is shown once and stored only as a hash' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: `already ${MAX_KEYS} live keys`,
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    const live = await this.prisma.apiKey.count({ where: { userId: user.id, revokedAt: null } });
    if (live >= MAX_KEYS)
      throw new ConflictException(`at most ${MAX_KEYS} live keys; revoke one first`);
    const { key, prefix, hash } = newApiKey();
    const row = await this.prisma.apiKey.create({
      data: {
        userId: user.id,
        name: dto.name,
        prefix,
        keyHash: hash,
        expiresAt: dto.expiresAt ?? null,
      },
    });
    await this.audit.record(user, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      details: { prefix, name: row.name, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
    return {
      id: row.id,
      name: row.name,
      prefix,
      key,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }

  @Get()
  @ApiOperation({ summary: "The caller's keys, without secrets" })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(@CurrentUser() user: AuthUser): Promise<ApiKeyDto[]> {
    const keys = await this.prisma.apiKey.findMany({
      where: { userId: user.id },
      orderBy: { createdAt: 'desc' },
    });
    return keys.map(ApiKeyDto.from);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: it stops working at once' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 404, type: ErrorResponseDto })
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id, userId: user.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (!count) throw new NotFoundException('API key not found');
    await this.audit.record(user, {
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: id,
    });
  }
}
