import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Where an object lives, as stored in the database `path` columns: a URL with the driver's scheme. */
export type StorageLocation = string;

export interface WriteResult {
  location: StorageLocation;
  size: number;
}

export interface ByteRange {
  start: number;
  /** inclusive */
  end: number;
}

export type StorageDriver = 'local' | 'nats' | 's3';

/**
 * The storage every app shares. Keys are relative ("users/u1/projects/p1/sources/v1.mp4");
 * locations are what a driver returns for a key and what the database keeps (`file:///…`,
 * `nats://bucket/key`, `s3://bucket/key`). A write is never visible under its final name until
 * it is complete. Nothing here assumes the caller runs on the machine that holds the bytes: code
 * that needs a local file (ffmpeg) asks `localFile` and falls back to a download (LocalFileCache).
 */
export interface Storage {
  readonly driver: StorageDriver;
  /** Streams `source` into `key`; a failed or aborted write leaves nothing behind. */
  write(key: string, source: Readable, options?: { signal?: AbortSignal }): Promise<WriteResult>;
  /** Moves a finished local file (e.g. an ffmpeg output) into the store under `key`; the local file is gone afterwards. */
  importFile(key: string, localFile: string): Promise<WriteResult>;
  /** The object's bytes (a missing object rejects here, not later on the stream). */
  read(location: StorageLocation, range?: ByteRange): Promise<Readable>;
  size(location: StorageLocation): Promise<number | null>;
  /** The object's own file on this machine when the driver keeps one there (local disk), else null. */
  localFile(location: StorageLocation): string | null;
  /** Removes one object; missing objects are not an error. */
  delete(location: StorageLocation): Promise<void>;
  /** Removes every object whose key starts with `prefix` (a project's folder). */
  deletePrefix(prefix: string): Promise<void>;
  locationOf(key: string): StorageLocation;
}

export const STORAGE = Symbol('STORAGE');

/** The layout of keys: by user, then project (shared/ARCHITECTURE.md "Storage"). */
export const storageKeys = {
  project: (userId: string, projectId: string) => `users/${userId}/projects/${projectId}`,
  source: (userId: string, projectId: string, filename: string) =>
    `users/${userId}/projects/${projectId}/sources/${filename}`,
  /** A source's thumbnail (one JPEG frame), next to it: `<filename>.thumb.jpg`. */
  thumbnail: (userId: string, projectId: string, filename: string) =>
    `users/${userId}/projects/${projectId}/sources/${filename}.thumb.jpg`,
  mezzanine: (
    userId: string,
    projectId: string,
    videoId: string,
    profileKey: string,
    ext: string,
  ) => `users/${userId}/projects/${projectId}/mezzanines/${videoId}/${profileKey}.${ext}`,
  output: (userId: string, projectId: string, jobId: string, filename: string) =>
    `users/${userId}/projects/${projectId}/jobs/${jobId}/${filename}`,
};

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Keys are built by the service from ids it generated; anything else is refused outright. */
export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  if (!segments.length || !segments.every((s) => SAFE_SEGMENT.test(s) && s !== '..')) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  }
}

/** importFile for a remote store: streams the local file in under `key`, then removes it. */
export async function uploadAndRemove(
  storage: Pick<Storage, 'write'>,
  key: string,
  localFile: string,
): Promise<WriteResult> {
  await stat(localFile); // a missing file fails here, before anything is written
  const result = await storage.write(key, createReadStream(localFile));
  await unlink(localFile);
  return result;
}
