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

import { QUALITIES, TRANSACTION_TYPES, type Quality, type TransactionType } from '../enums';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Typed errors carried in billing replies; the gateway maps them to HTTP once. */
export enum BillingErrorCode {
  INSUFFICIENT_CREDITS = 'INSUFFICIENT_CREDITS',
  LICENCE_LIMIT = 'LICENCE_LIMIT',
  LICENCE_EXPIRED = 'LICENCE_EXPIRED',
  NOT_FOUND = 'NOT_FOUND',
  INVALID_REQUEST = 'INVALID_REQUEST',
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

export class ReserveForJobRequest {
  @Matches(ID) userId!: string;
  @Matches(ID) jobId!: string;
  @IsInt() @Min(1) @Max(10_000_000) credits!: number;
  @IsOptional() @IsString() @MaxLength(500) description?: string;
}

/** The job reached a final state: charge `creditsUsed` of its reservation, refund the rest once. */
export class SettleJobRequest {
  @Matches(ID) userId!: string;
  @Matches(ID) jobId!: string;
  @IsInt() @Min(0) @Max(10_000_000) creditsUsed!: number;
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
}

export interface BalanceReply {
  credits: number;
  licenseType: 'FREE' | 'PREMIUM' | 'ENTERPRISE';
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
}

export interface EstimateReply {
  credits: number;
  /** Present when the caller's licence would refuse such a job. */
  licenceProblem?: { code: string; message: string };
}
