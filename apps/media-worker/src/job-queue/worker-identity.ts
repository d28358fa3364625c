import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hostname } from 'node:os';

/** This worker's name in job_tasks.done_by and its logs: WORKER_ID, else host and pid. */
@Injectable()
export class WorkerIdentity {
  readonly id: string;

  constructor(config: ConfigService) {
    this.id = config.get<string>('WORKER_ID') || `${hostname()}-${process.pid}`;
  }
}
