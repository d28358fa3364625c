import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { ProjectsModule } from '../projects/projects.module';
import { StaleUploadsCleaner } from './upload/stale-uploads.cleaner';
import { VideosController } from './videos.controller';
import { VideosRepository } from './videos.repository';
import { VideosService } from './videos.service';

@Module({
  imports: [ProjectsModule, GroupsModule],
  controllers: [VideosController],
  providers: [VideosService, VideosRepository, StaleUploadsCleaner],
})
export class VideosModule {}
