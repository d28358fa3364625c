import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { PrismaService, type OutputFile } from '@app/database';
import { STORAGE, type ByteRange, type Storage } from '@app/storage';

@Injectable()
export class OutputsService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  /** An output of one of the caller's jobs; another user's answers 404. */
  async owned(userId: string, outputId: string): Promise<OutputFile & { storedSize: number }> {
    const output = await this.prisma.outputFile.findFirst({
      where: { id: outputId, job: { project: { userId } } },
    });
    const storedSize = output ? await this.storage.size(output.path) : null;
    if (!output || storedSize === null) throw new NotFoundException('output not found');
    return { ...output, storedSize };
  }

  open(output: OutputFile, range?: ByteRange): Promise<Readable> {
    return this.storage.read(output.path, range);
  }
}
