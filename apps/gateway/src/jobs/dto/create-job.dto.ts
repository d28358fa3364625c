import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { JOB_PRIORITY_MAX, JOB_PRIORITY_MIN } from '@app/contracts';

/** Limits of a job's client `metadata` (echoed in its webhook events). */
export const MAX_METADATA_BYTES = 4096;
export const MAX_METADATA_KEYS = 50;

/** A JSON object (not an array or null) of at most 50 keys and 4 KiB once serialised. */
function IsClientMetadata(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isClientMetadata',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= MAX_METADATA_KEYS &&
          Buffer.byteLength(JSON.stringify(value)) <= MAX_METADATA_BYTES,
        defaultMessage: () =>
          `metadata must be a JSON object of at most ${MAX_METADATA_KEYS} keys and ${MAX_METADATA_BYTES} bytes`,
      },
    },
    options,
  );
}

/** The body is optional: a job renders the project's settings as they are. */
export class CreateJobDto {
  @ApiPropertyOptional({
    description: 'seed of the AUTO plan; the same seed over the same clips gives the same outputs',
    minimum: 0,
    maximum: 2147483647,
    example: 42,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seed?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { campaign: 'spring-sale', externalId: 'abc-123' },
    description: `your own JSON object (at most ${MAX_METADATA_KEYS} keys, ${MAX_METADATA_BYTES} bytes), echoed in the job's webhook events`,
  })
  @IsOptional()
  @IsClientMetadata()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      "the job's priority within your licence's band (ENTERPRISE before PREMIUM before FREE): higher runs first among your band's jobs; default 0",
    minimum: JOB_PRIORITY_MIN,
    maximum: JOB_PRIORITY_MAX,
    example: 5,
  })
  @IsOptional()
  @IsInt()
  @Min(JOB_PRIORITY_MIN)
  @Max(JOB_PRIORITY_MAX)
  priority?: number;
}
