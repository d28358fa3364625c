import { Module } from '@nestjs/common';
import { GroupsController } from '../groups/groups.controller';
import { GroupsService } from '../groups/groups.service';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

@Module({
  controllers: [ProjectsController, GroupsController],
  providers: [ProjectsService, GroupsService],
  exports: [ProjectsService],
})
export class ProjectsModule {}
