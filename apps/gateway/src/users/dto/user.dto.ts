import { ApiProperty } from '@nestjs/swagger';
import type { User } from '@app/database';
import { LICENSE_TYPES } from '@app/contracts';

export class UserDto {
  @ApiProperty({ example: 'cmwvm0gju0000a97d18hs8uu1' }) id!: string;
  @ApiProperty({ example: 'ana@example.com' }) email!: string;
  @ApiProperty({ example: 'Ana' }) firstName!: string;
  @ApiProperty({ example: 'Silva' }) lastName!: string;
  @ApiProperty({ example: true }) isActive!: boolean;
  @ApiProperty({ example: 0 }) credits!: number;
  @ApiProperty({ enum: LICENSE_TYPES, example: 'FREE' }) licenseType!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) licenseExpiry!: Date | null;
  @ApiProperty() createdAt!: Date;

  /** Never the password hash. */
  static from(u: Omit<User, 'password'>): UserDto {
    return {
      id: u.id,
      email: u.email,
      firstName: u.firstName,
      lastName: u.lastName,
      isActive: u.isActive,
      credits: u.credits,
      licenseType: u.licenseType,
      licenseExpiry: u.licenseExpiry,
      createdAt: u.createdAt,
    };
  }
}
