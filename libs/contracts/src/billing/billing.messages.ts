import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ArrayMaxSize,
  IsArray,
} from 'class-validator';

import {
  QUALITIES,
  TRANSACTION_TYPES,
  type LicenseType,
  type Quality,
  type TransactionType,
} from '../enums';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Typed errors carried in billing replies; the gateway maps them to HTTP once. */
export enum BillingErrorCode {
  INSUFFICIENT_CREDITS = 'INSUFFICIENT_CREDITS',
  LICENCE_LIMIT = 'LICENCE_LIMIT',
  LICENCE_EXPIRED = 'LICENCE_EXPIRED',
  NOT_FOUND = 'NOT_FOUND',
  INVALID_REQUEST = 'INVALID_REQUEST',
  /** Also: the licence's jobs-at-a-time limit is reached (details.reason CONCURRENCY_LIMIT). */
  CONFLICT = 'CONFLICT',
}

export class BalanceRequest {
  @Matches(ID) userId!: string;
}

export class PurchaseRequest {
  @Matches(ID) userId!: string;
  @IsInt() @Min(1) @Max(1_000_000) credits!: number;
  @IsString() @MinLength(1) @MaxLength(200) paymentReference!: string;
  /** The buyer's address, for the audit log. */
  @IsOptional() @IsString() @MaxLength(64) ip?: string;
}

/**
 * Reserve the price of a job: billing reads the job's frozen plan (processing_jobs.settings),
 * prices it with the cost model and checks the licence and the jobs running, under the user's
 * lock. No caller sends an amount.
 */
export class ReserveForJobRequest {
  @Matches(ID) userId!: string;
  @Matches(ID) jobId!: string;
}

/**
 * The job reached a final state (or will never run): billing charges the outputs recorded for
 * it in output_files and refunds the rest of its reservation, exactly once. A settle that finds
 * no reservation leaves a marker that refuses a later reservation of the job.
 */
export class SettleJobRequest {
  @Matches(ID) userId!: string;
  @Matches(ID) jobId!: string;
}

export class TransactionsRequest {
  @Matches(ID) userId!: string;
  @IsOptional() @IsIn(TRANSACTION_TYPES) type?: TransactionType;
  @IsInt() @Min(1) page!: number;
  @IsInt() @Min(1) @Max(100) limit!: number;
}

export class LicenceCheckRequest {
  @Matches(ID) userId!: string;
  @IsInt() @Min(1) outputCount!: number;
  @IsIn(QUALITIES) quality!: Quality;
}

export class EstimateRequest {
  @Matches(ID) userId!: string;
  @IsIn(QUALITIES) quality!: Quality;
  /** Seconds of each output. */
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsNumber({}, { each: true })
  @Min(0, { each: true })
  @Type(() => Number)
  outputSeconds!: number[];
  /**
   * The quality of each rendition (issue 17), when the job renders several: every output is
   * priced once per rendition at its quality, the licence checks seconds × renditions outputs
   * at the best of them; `quality` is then ignored.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsIn(QUALITIES, { each: true })
  renditionQualities?: Quality[];
}

export interface BalanceReply {
  credits: number;
  licenseType: LicenseType;
  licenseExpiry: string | null;
}

export interface TransactionReply {
  id: string;
  amount: number;
  type: TransactionType;
  description: string;
  jobId: string | null;
  createdAt: string;
}

export interface TransactionsPageReply {
  items: TransactionReply[];
  total: number;
  page: number;
  limit: number;
}

export interface SettleReply {
  charged: number;
  refunded: number;
  /** Outputs recorded for the job (what was charged). */
  outputs: number;
}

export interface EstimateReply {
  credits: number;
  /** Present when the caller's licence would refuse such a job. */
  licenceProblem?: { code: string; message: string };
}
