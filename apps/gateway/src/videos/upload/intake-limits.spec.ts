import {
  quotaExceeded,
  storageQuotaVariable,
  tooManyVideos,
  TooManyUploadsException,
  UploadSlots,
} from './intake-limits';

describe('UploadSlots', () => {
  it('gives each user at most maxPerUser slots, then answers 429 naming the limit', () => {
    const slots = new UploadSlots(2);
    slots.acquire('u1');
    slots.acquire('u1');
    let refusal: unknown;
    try {
      slots.acquire('u1');
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(TooManyUploadsException);
    const e = refusal as TooManyUploadsException;
    expect(e.getStatus()).toBe(429);
    expect(e.retryAfterSeconds).toBeGreaterThan(0);
    expect(e.getResponse()).toMatchObject({
      details: [{ field: 'file', limit: 'maxConcurrentUploads', value: 3, max: 2 }],
    });
    // Another user has slots of their own.
    expect(() => slots.acquire('u2')).not.toThrow();
  });

  it('takes a slot back once, however often release is called', () => {
    const slots = new UploadSlots(1);
    const release = slots.acquire('u1');
    release();
    release();
    expect(slots.count('u1')).toBe(0);
    const again = slots.acquire('u1');
    expect(slots.count('u1')).toBe(1);
    expect(() => slots.acquire('u1')).toThrow(TooManyUploadsException);
    again();
    expect(slots.count('u1')).toBe(0);
  });
});

describe('intake refusals', () => {
  it('names the storage quota with the bytes the upload would make (413)', () => {
    const e = quotaExceeded(900, 200, 1000);
    expect(e.getStatus()).toBe(413);
    expect(e.getResponse()).toMatchObject({
      details: [{ field: 'file', limit: 'storageQuota', value: 1100, max: 1000 }],
    });
  });

  it('names the videos per project with the count the upload would make (422)', () => {
    const e = tooManyVideos(200, 200);
    expect(e.getStatus()).toBe(422);
    expect(e.getResponse()).toMatchObject({
      details: [{ field: 'file', limit: 'maxVideosPerProject', value: 201, max: 200 }],
    });
  });

  it('reads each licence quota from its own variable', () => {
    expect(storageQuotaVariable('PREMIUM')).toBe('STORAGE_QUOTA_PREMIUM_BYTES');
  });
});
