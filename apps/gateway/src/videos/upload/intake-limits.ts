import {
  HttpException,
  HttpStatus,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { LicenseType } from '@app/contracts';

/** The names a refusal of the intake carries in `details[].limit` (docs/security.md). */
export type IntakeLimitName = 'storageQuota' | 'maxVideosPerProject' | 'maxConcurrentUploads';

/** The env variable holding a licence's storage quota, in bytes. */
export function storageQuotaVariable(licence: LicenseType): string {
  return `STORAGE_QUOTA_${licence}_BYTES`;
}

function limitBody(limit: IntakeLimitName, value: number, max: number, message: string) {
  return { message, details: [{ field: 'file', problems: [message], limit, value, max }] };
}

/** 413: the upload would take the user's stored bytes past the licence's quota. */
export function quotaExceeded(used: number, incoming: number, quota: number): HttpException {
  const value = used + incoming;
  return new PayloadTooLargeException(
    limitBody(
      'storageQuota',
      value,
      quota,
      `the storage quota is ${quota} bytes; ${used} are used and this upload would make ${value}`,
    ),
  );
}

/** 422: the project already holds as many videos as it may. */
export function tooManyVideos(count: number, max: number): HttpException {
  return new UnprocessableEntityException(
    limitBody(
      'maxVideosPerProject',
      count + 1,
      max,
      `a project holds at most ${max} videos; this one has ${count}`,
    ),
  );
}

/** 429 with a Retry-After (seconds): the user already has as many uploads in flight as allowed. */
export class TooManyUploadsException extends HttpException {
  readonly retryAfterSeconds = 5;
  constructor(inFlight: number, max: number) {
    super(
      limitBody(
        'maxConcurrentUploads',
        inFlight + 1,
        max,
        `at most ${max} uploads at a time; ${inFlight} are in progress: retry when one ends`,
      ),
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Uploads in flight per user, in this process: `acquire` takes a slot or throws the 429; the
 * returned function gives it back (once, however often it is called).
 */
export class UploadSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly maxPerUser: number) {}

  acquire(userId: string): () => void {
    const n = this.inFlight.get(userId) ?? 0;
    if (n >= this.maxPerUser) throw new TooManyUploadsException(n, this.maxPerUser);
    this.inFlight.set(userId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(userId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(userId, left);
      else this.inFlight.delete(userId);
    };
  }

  count(userId: string): number {
    return this.inFlight.get(userId) ?? 0;
  }
}
