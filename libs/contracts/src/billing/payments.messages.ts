import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  NotEquals,
  ValidateIf,
} from 'class-validator';
import { LICENSE_TYPES, type LicenseType, type TransactionType } from '../enums';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A provider's refund of a purchase: billing takes back the purchase's credits in proportion
 * (refundedAmount / paidAmount, cumulative as providers report it), never below 0; what could
 * not be taken back is recorded as the shortfall. Idempotent: a replay takes nothing more.
 */
export class PaymentRefundRequest {
  /** The purchase's paymentReference (`stripe:<checkout session id>`). */
  @IsString() @MinLength(1) @MaxLength(200) paymentReference!: string;
  @IsInt() @Min(0) refundedAmount!: number;
  @IsInt() @Min(1) paidAmount!: number;
}

export interface PaymentRefundReply {
  /** Credits taken back by this message (0 on a replay). */
  takenBack: number;
  /** Credits the refund should have taken back but the balance did not hold. */
  shortfall: number;
  credits: number;
}

/** An operator's grant (positive) or take-back (negative, never below 0) of credits. */
export class AdjustCreditsRequest {
  @Matches(ID) userId!: string;
  @IsInt() @NotEquals(0) @Min(-1_000_000) @Max(1_000_000) amount!: number;
  @IsString() @MinLength(1) @MaxLength(500) reason!: string;
  /** The operator; null for the command line. */
  @IsOptional() @Matches(ID) actorUserId?: string;
  /** Makes the adjustment idempotent (one per reference). */
  @IsString() @MinLength(1) @MaxLength(200) reference!: string;
  @IsOptional() @IsString() @MaxLength(64) ip?: string;
}

export interface AdjustCreditsReply {
  transaction: {
    id: string;
    amount: number;
    type: TransactionType;
    description: string;
    createdAt: string;
  } | null;
  /** Credits a take-back asked for but the balance did not hold. */
  shortfall: number;
  credits: number;
}

/** Sets a user's licence (a subscription changed, or an operator set it): `licence.changed`. */
export class SetLicenceRequest {
  @Matches(ID) userId!: string;
  @IsIn(LICENSE_TYPES) licenseType!: LicenseType;
  @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }) licenseExpiry!: string | null;
  @IsIn(['stripe', 'admin', 'cli']) source!: 'stripe' | 'admin' | 'cli';
  @IsOptional() @Matches(ID) actorUserId?: string;
  /** What caused it (a subscription id, an operator's reason). */
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
  @IsOptional() @IsString() @MaxLength(64) ip?: string;
}

export interface SetLicenceReply {
  licenseType: LicenseType;
  licenseExpiry: string | null;
  /** False when the licence already was exactly this (nothing written). */
  changed: boolean;
}
