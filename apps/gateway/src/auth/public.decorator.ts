import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';
/** The route needs no credentials (health, docs, metrics, register, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
