import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '@app/contracts';

/** Whitelisted, transformed DTOs; unknown fields refused; every offending field listed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new BadRequestException({
        message: 'validation failed',
        details: flattenValidationErrors(errors),
      }),
  });
}
