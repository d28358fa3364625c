/** The project/job settings the engine reads (the `settings` JSON of the seed's data model). */
export type MixingMode = 'AUTO' | 'MANUAL';
export type OutputFormat = 'MP4' | 'MOV' | 'AVI';
export type Quality = 'LOW' | 'MEDIUM' | 'HIGH' | 'ULTRA';
export type AspectRatio = '16:9' | '9:16' | '1:1' | '4:5';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['MP4', 'MOV', 'AVI'];
export const QUALITIES: readonly Quality[] = ['LOW', 'MEDIUM', 'HIGH', 'ULTRA'];
export const ASPECT_RATIOS: readonly AspectRatio[] = ['16:9', '9:16', '1:1', '4:5'];

export interface MetadataSettings {
  static?: Record<string, string>;
  includeDynamic?: boolean;
  /** When given, only these dynamic fields are written. */
  fields?: string[];
}

export interface MixingSettings {
  outputFormat: OutputFormat;
  quality: Quality;
  aspectRatio?: AspectRatio;
  metadata?: MetadataSettings;
}
