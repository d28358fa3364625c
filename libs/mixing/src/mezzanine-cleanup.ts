import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { storageKeys, type Storage } from '@app/storage';
import { mezzanineName } from './normalizer';

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * Removes every mezzanine made from one video, in both layouts the workers use:
 * - a shared store (NATS, S3): `<project>/mezzanines/<video>/<profile>.<mp4|mov>`
 *   (storageKeys.mezzanine), one folder per video;
 * - local disk, where the project's mezzanine folder is the workers' cache itself:
 *   `<project>/mezzanines/<profile>/<mezzanineName(video)>` (MezzanineCache), one folder per profile.
 * Missing files are not an error; answers how many local files it removed.
 */
export async function deleteVideoMezzanines(
  storage: Pick<Storage, 'localFile' | 'locationOf' | 'deletePrefix'>,
  userId: string,
  projectId: string,
  videoId: string,
): Promise<number> {
  const root = `${storageKeys.project(userId, projectId)}/mezzanines`;
  if (SAFE_ID.test(videoId)) await storage.deletePrefix(`${root}/${videoId}`);
  const dir = storage.localFile(storage.locationOf(root));
  if (!dir) return 0;
  const profiles = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  let removed = 0;
  for (const profile of profiles) {
    if (!profile.isDirectory()) continue;
    for (const ext of ['mp4', 'mov'] as const) {
      const file = path.join(dir, profile.name, mezzanineName(videoId, ext));
      const present = await rm(file).then(
        () => true,
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return false;
          throw e;
        },
      );
      if (present) removed++;
    }
  }
  return removed;
}
