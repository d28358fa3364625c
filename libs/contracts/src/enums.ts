/**
 * The one source of every enumeration. Database enums come from Prisma's generated schema
 * (re-exported here, so apps and messages never spell them out); the mixing settings' value
 * lists live here because the database keeps them inside JSON.
 */
import {
  JobStatus,
  LicenseType,
  ProjectStatus,
  TransactionType,
  UserRole,
} from '../../database/src/generated/prisma/enums';

export { JobStatus, LicenseType, ProjectStatus, TransactionType, UserRole };

const valuesOf = <T extends Record<string, string>>(e: T) =>
  Object.values(e) as [T[keyof T], ...T[keyof T][]];

export const JOB_STATUSES = valuesOf(JobStatus);
export const PROJECT_STATUSES = valuesOf(ProjectStatus);
export const LICENSE_TYPES = valuesOf(LicenseType);
export const TRANSACTION_TYPES = valuesOf(TransactionType);
export const USER_ROLES = valuesOf(UserRole);

/** A job that holds its project (and credits): not yet in a final state. */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = [JobStatus.PENDING, JobStatus.PROCESSING];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = [
  JobStatus.COMPLETED,
  JobStatus.FAILED,
  JobStatus.CANCELLED,
];

export const MIXING_MODES = ['AUTO', 'MANUAL'] as const;
export type MixingMode = (typeof MIXING_MODES)[number];
export const OUTPUT_FORMATS = ['MP4', 'MOV', 'AVI'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const QUALITIES = ['LOW', 'MEDIUM', 'HIGH', 'ULTRA'] as const;
export type Quality = (typeof QUALITIES)[number];
export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:5'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
