import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { NoControlCharacters } from '../../common/no-control-characters';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RegisterDto {
  @ApiProperty({ example: 'ana@example.com', description: 'stored lower-cased' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8, maxLength: 72 })
  @IsString()
  @MinLength(8)
  // bcrypt reads only the first 72 bytes: a longer password would silently lose its end.
  @MaxLength(72)
  password!: string;

  @ApiProperty({ example: 'Ana' })
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @IsNotEmpty()
  @MaxLength(100)
  firstName!: string;

  @ApiProperty({ example: 'Silva' })
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @IsNotEmpty()
  @MaxLength(100)
  lastName!: string;
}
