import { BadRequestException } from '@nestjs/common';

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** An Idempotency-Key header is optional; when sent it must be a short printable token. */
export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!KEY.test(value)) {
    throw new BadRequestException({
      message: 'Idempotency-Key must be 1-128 characters of letters, digits and _ . : -',
      details: [{ field: 'Idempotency-Key', problems: ['must match [A-Za-z0-9_.:-]{1,128}'] }],
    });
  }
  return value;
}
