import { Module } from '@nestjs/common';
import { JobLifecycle } from './job-lifecycle';

/** JobLifecycle for an app; needs the global DatabaseModule. */
@Module({ providers: [JobLifecycle], exports: [JobLifecycle] })
export class JobLifecycleModule {}
