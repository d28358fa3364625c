import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthenticatedByJwt } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { ApiKeysService, MAX_LIVE_KEYS } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

const JWT_ONLY = 'Needs a JWT: an API key cannot manage keys (403).';

@ApiTags('api-keys')
@AuthenticatedByJwt()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key with its scopes; the key is shown once and stored only as a hash',
    description: JWT_ONLY,
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: `already ${MAX_LIVE_KEYS} live keys`,
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    const { row, key } = await this.keys.create(user, dto);
    return CreatedApiKeyDto.from(row, key);
  }

  @Get()
  @ApiOperation({
    operationId: 'listApiKeys',
    summary: "The caller's keys, without secrets",
    description: JWT_ONLY,
  })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(@CurrentUser() user: AuthUser): Promise<ApiKeyDto[]> {
    return (await this.keys.list(user.id)).map(ApiKeyDto.from);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke a key: it stops working at once',
    description: JWT_ONLY,
  })
  @ApiNoContentResponse()
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such key of the caller' })
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(user, id);
  }
}
