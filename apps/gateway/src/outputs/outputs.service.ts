import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { OutputFile } from '@app/database';
import { STORAGE, type ByteRange, type Storage } from '@app/storage';
import { ProjectsRepository } from '../projects/projects.repository';
import { OutputsRepository } from './outputs.repository';

export type StoredOutput = OutputFile & { storedSize: number; userId: string };

@Injectable()
export class OutputsService {
  constructor(
    private readonly outputs: OutputsRepository,
    private readonly projects: ProjectsRepository,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  /** An output of one of the caller's projects, with its file in storage; else 404. */
  async owned(userId: string, outputId: string): Promise<StoredOutput> {
    const found = await this.outputs.findWithProjectId(outputId);
    const owned = found && (await this.projects.findOwned(userId, found.projectId));
    const storedSize = owned ? await this.storage.size(found.path) : null;
    if (!found || storedSize === null) throw new NotFoundException('output not found');
    const { projectId: _projectId, ...output } = found;
    return { ...output, storedSize, userId };
  }

  open(output: OutputFile, range?: ByteRange): Promise<Readable> {
    return this.storage.read(output.path, range);
  }

  /** The poster's bytes and size; 404 when the output has none (made before posters). */
  async poster(output: OutputFile): Promise<{ size: number; open: () => Promise<Readable> }> {
    const size = output.posterPath ? await this.storage.size(output.posterPath) : null;
    if (!output.posterPath || size === null)
      throw new NotFoundException('this output has no poster');
    const location = output.posterPath;
    return { size, open: () => this.storage.read(location) };
  }
}
