import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

/** What a job's manifest and archive read: its outputs and the names of its clips. */
@Injectable()
export class JobFilesRepository {
  constructor(private readonly prisma: PrismaService) {}

  outputs(jobId: string) {
    return this.prisma.outputFile.findMany({
      where: { jobId },
      orderBy: [{ combinationIndex: 'asc' }, { rendition: 'asc' }],
    });
  }

  labels(projectId: string) {
    return this.prisma.project.findUnique({
      where: { id: projectId },
      select: {
        groups: { select: { id: true, name: true, order: true } },
        videos: { select: { id: true, groupId: true, originalName: true } },
      },
    });
  }

  /** An output recorded before hashes were: its hash, computed once, is kept. */
  async setSha256(outputId: string, sha256: string): Promise<void> {
    await this.prisma.outputFile.updateMany({
      where: { id: outputId, sha256: null },
      data: { sha256 },
    });
  }
}
