import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { SignedTokens } from './links/signed-tokens';
import { OutputsController } from './outputs.controller';
import { OutputsRepository } from './outputs.repository';
import { OutputsService } from './outputs.service';

@Module({
  imports: [ProjectsModule],
  controllers: [OutputsController],
  providers: [OutputsService, OutputsRepository, SignedTokens],
  exports: [OutputsService, SignedTokens],
})
export class OutputsModule {}
