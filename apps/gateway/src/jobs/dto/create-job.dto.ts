import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

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
}
