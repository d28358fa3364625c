import { Global, Module } from '@nestjs/common';
import { AuthCache } from './auth-cache';

/** One AuthCache per gateway process, for the strategies and the revoking services. */
@Global()
@Module({ providers: [AuthCache], exports: [AuthCache] })
export class AuthCacheModule {}
