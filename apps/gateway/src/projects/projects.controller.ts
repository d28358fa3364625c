import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import {
  CreateProjectDto,
  ListProjectsQueryDto,
  ProjectDto,
  ProjectPageDto,
  UpdateProjectDto,
} from './dto/project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @Authenticated('write')
  @ApiOperation({
    operationId: 'createProject',
    summary: 'Create a project (settings as in the seed JSON schema; optional groups)',
  })
  @ApiCreatedResponse({ type: ProjectDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'each offending field in details',
  })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateProjectDto): Promise<ProjectDto> {
    return ProjectDto.from(await this.projects.create(user.id, dto));
  }

  @Get()
  @Authenticated('read')
  @ApiOperation({ operationId: 'listProjects', summary: "The caller's projects, newest first" })
  @ApiOkResponse({ type: ProjectPageDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'bad page, limit or status' })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() q: ListProjectsQueryDto,
  ): Promise<ProjectPageDto> {
    const page = await this.projects.list(user.id, q);
    return { ...page, items: page.items.map((p) => ProjectDto.from(p)) };
  }

  @Get(':id')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'getProject',
    summary: 'A project with its groups (ordered) and counts',
  })
  @ApiOkResponse({ type: ProjectDto })
  @ApiResponse({
    status: 404,
    type: ErrorResponseDto,
    description: 'no such project of the caller',
  })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ProjectDto> {
    const p = await this.projects.get(user.id, id);
    return ProjectDto.from(p, {
      groups: p.groups,
      counts: { videos: p._count.videos, groups: p._count.groups, jobs: p._count.jobs },
    });
  }

  @Patch(':id')
  @Authenticated('write')
  @ApiOperation({
    operationId: 'updateProject',
    summary: 'Change name, description or settings (settings are replaced whole)',
  })
  @ApiOkResponse({ type: ProjectDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({
    status: 404,
    type: ErrorResponseDto,
    description: 'no such project of the caller',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'a job of the project is running',
  })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: UpdateProjectDto,
  ): Promise<ProjectDto> {
    return ProjectDto.from(await this.projects.update(user.id, id, dto));
  }

  @Delete(':id')
  @Authenticated('write')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteProject',
    summary: 'Delete the project with its groups, videos, jobs, outputs and their files',
  })
  @ApiNoContentResponse()
  @ApiResponse({
    status: 404,
    type: ErrorResponseDto,
    description: 'no such project of the caller',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'a job of the project is running',
  })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.projects.remove(user, id);
  }
}
