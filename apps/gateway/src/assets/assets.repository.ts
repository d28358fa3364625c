import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma, type ProjectAsset } from '@app/database';

@Injectable()
export class AssetsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(projectId: string): Promise<ProjectAsset[]> {
    return this.prisma.projectAsset.findMany({
      where: { projectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  count(projectId: string): Promise<number> {
    return this.prisma.projectAsset.count({ where: { projectId } });
  }

  find(projectId: string, assetId: string): Promise<ProjectAsset | null> {
    return this.prisma.projectAsset.findFirst({ where: { id: assetId, projectId } });
  }

  create(data: Prisma.ProjectAssetUncheckedCreateInput): Promise<ProjectAsset> {
    return this.prisma.projectAsset.create({ data });
  }

  async delete(assetId: string): Promise<void> {
    await this.prisma.projectAsset.delete({ where: { id: assetId } });
  }

  /** The project's settings and its active jobs' plans: where an asset may be referenced. */
  async references(projectId: string) {
    return this.prisma.project.findUnique({
      where: { id: projectId },
      select: {
        settings: true,
        jobs: { where: { status: { in: ['PENDING', 'PROCESSING'] } }, select: { settings: true } },
      },
    });
  }
}
