import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'settings.quality' }) field!: string;
  @ApiProperty({
    example: ['quality must be one of the following values: LOW, MEDIUM, HIGH, ULTRA'],
  })
  problems!: string[];
}

/** The one error shape of the API (shared/API.md). */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'validation failed' }) message!: string;
  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'every offending field' })
  details?: FieldProblemDto[];
}
