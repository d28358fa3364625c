import { Injectable } from '@nestjs/common';
import { PrismaService, type OutputFile } from '@app/database';

@Injectable()
export class OutputsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The output with the project its job belongs to; null for an unknown id. */
  findWithProjectId(outputId: string): Promise<(OutputFile & { projectId: string }) | null> {
    return this.prisma.outputFile
      .findUnique({ where: { id: outputId }, include: { job: { select: { projectId: true } } } })
      .then((o) => {
        if (!o) return null;
        const { job, ...output } = o;
        return { ...output, projectId: job.projectId };
      });
  }
}
