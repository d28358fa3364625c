import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthenticatedByJwt } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { AdminGuard } from './admin.guard';
import { AdminService } from './admin.service';
import {
  AdjustCreditsDto,
  AdjustCreditsResultDto,
  AdminUserDetailDto,
  AdminUserPageDto,
  AdminUsersQueryDto,
  AuditLogPageDto,
  AuditLogsQueryDto,
  LicenceResultDto,
  SetLicenceDto,
} from './dto/admin.dto';

@ApiTags('admin')
@AuthenticatedByJwt()
@ApiResponse({
  status: 403,
  type: ErrorResponseDto,
  description: 'not an operator (role ADMIN, signed in with a JWT)',
})
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @ApiOperation({
    operationId: 'adminListUsers',
    summary: 'Users, newest first; filter by part of the email or licence',
  })
  @ApiOkResponse({ type: AdminUserPageDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a bad page, limit or filter' })
  listUsers(@CurrentUser() op: AuthUser, @Query() q: AdminUsersQueryDto) {
    return this.admin.listUsers(op, q);
  }

  @Get('users/:id')
  @ApiOperation({
    operationId: 'adminGetUser',
    summary: 'A user with balance, licence, role, active flag and counts',
  })
  @ApiOkResponse({ type: AdminUserDetailDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such user' })
  findUser(@CurrentUser() op: AuthUser, @Param('id') id: string) {
    return this.admin.findUser(op, id);
  }

  @Post('users/:id/credits')
  @ApiOperation({
    operationId: 'adminAdjustCredits',
    summary: 'Grant (positive) or take back (negative, never below 0) credits, with a reason',
    description: 'A ledger entry of type ADJUSTMENT with the operator as actor; audited.',
  })
  @ApiCreatedResponse({ type: AdjustCreditsResultDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such user' })
  @ApiResponse({ status: 503, type: ErrorResponseDto, description: 'billing is unavailable' })
  adjustCredits(
    @CurrentUser() op: AuthUser,
    @Param('id') id: string,
    @Body() dto: AdjustCreditsDto,
  ) {
    return this.admin.adjustCredits(op, id, dto);
  }

  @Put('users/:id/licence')
  @ApiOperation({
    operationId: 'adminSetLicence',
    summary: "Set the user's licence and expiry; audited as licence.changed",
  })
  @ApiOkResponse({ type: LicenceResultDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such user' })
  setLicence(@CurrentUser() op: AuthUser, @Param('id') id: string, @Body() dto: SetLicenceDto) {
    return this.admin.setLicence(op, id, dto);
  }

  @Post('users/:id/deactivate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'adminDeactivateUser',
    summary: "Deactivate: the user's tokens and API keys stop working at once",
  })
  @ApiOkResponse({ type: AdminUserDetailDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such user' })
  deactivate(@CurrentUser() op: AuthUser, @Param('id') id: string) {
    return this.admin.setActive(op, id, false);
  }

  @Post('users/:id/reactivate')
  @HttpCode(200)
  @ApiOperation({ operationId: 'adminReactivateUser', summary: 'Reactivate a deactivated user' })
  @ApiOkResponse({ type: AdminUserDetailDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'no such user' })
  reactivate(@CurrentUser() op: AuthUser, @Param('id') id: string) {
    return this.admin.setActive(op, id, true);
  }

  @Get('audit-logs')
  @ApiOperation({
    operationId: 'adminListAuditLogs',
    summary: 'The audit log, newest first, filtered by actor, action and time',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  auditLogs(@CurrentUser() op: AuthUser, @Query() q: AuditLogsQueryDto) {
    return this.admin.listAuditLogs(op, q);
  }
}
