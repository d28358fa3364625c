import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

@Injectable()
export class ProjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findOwned(userId: string, projectId: string) {
    return this.prisma.project.findFirst({ where: { id: projectId, userId } });
  }
}
