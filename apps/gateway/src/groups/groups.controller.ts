import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { CreateGroupDto, GroupDto, ReorderGroupsDto, UpdateGroupDto } from './dto/group.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiResponse({
  status: 404,
  type: ErrorResponseDto,
  description: 'no such project or group of the caller',
})
@Controller('projects/:id/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @Authenticated('write')
  @ApiOperation({
    operationId: 'createGroup',
    summary: 'Add a group; its order must be unique in the project',
  })
  @ApiCreatedResponse({ type: GroupDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'order taken' })
  async create(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Body() dto: CreateGroupDto,
  ): Promise<GroupDto> {
    return GroupDto.from(await this.groups.create(user.id, projectId, dto));
  }

  @Get()
  @Authenticated('read')
  @ApiOperation({ operationId: 'listGroups', summary: "The project's groups, by order" })
  @ApiOkResponse({ type: [GroupDto] })
  async list(@CurrentUser() user: AuthUser, @Param('id') projectId: string): Promise<GroupDto[]> {
    return (await this.groups.list(user.id, projectId)).map(GroupDto.from);
  }

  @Put('order')
  @Authenticated('write')
  @ApiOperation({
    operationId: 'reorderGroups',
    summary: 'Reorder several groups in one transaction (swaps allowed)',
  })
  @ApiOkResponse({ type: [GroupDto] })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'two groups would share an order',
  })
  async reorder(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Body() dto: ReorderGroupsDto,
  ): Promise<GroupDto[]> {
    return (await this.groups.reorder(user.id, projectId, dto.groups)).map(GroupDto.from);
  }

  @Patch(':groupId')
  @Authenticated('write')
  @ApiOperation({ operationId: 'updateGroup', summary: 'Rename a group or change its order' })
  @ApiOkResponse({ type: GroupDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'order taken' })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Param('groupId') groupId: string,
    @Body() dto: UpdateGroupDto,
  ): Promise<GroupDto> {
    return GroupDto.from(await this.groups.update(user.id, projectId, groupId, dto));
  }

  @Delete(':groupId')
  @Authenticated('write')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteGroup',
    summary: 'Delete a group; its videos stay in the project, ungrouped',
  })
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Param('groupId') groupId: string,
  ): Promise<void> {
    await this.groups.remove(user.id, projectId, groupId);
  }
}
