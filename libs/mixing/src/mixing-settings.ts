/** The project/job settings the engine reads (the `settings` JSON of the seed's data model). */
import type { AspectRatio, OutputFormat, Quality } from '@app/contracts/enums';
import type { CreativeSettings } from './creative-settings';

export {
  ASPECT_RATIOS,
  MIXING_MODES,
  OUTPUT_FORMATS,
  QUALITIES,
  type AspectRatio,
  type MixingMode,
  type OutputFormat,
  type Quality,
} from '@app/contracts/enums';

export interface MetadataSettings {
  static?: Record<string, string>;
  includeDynamic?: boolean;
  /** When given, only these dynamic fields are written. */
  fields?: string[];
}

export interface MixingSettings extends CreativeSettings {
  outputFormat: OutputFormat;
  quality: Quality;
  aspectRatio?: AspectRatio;
  metadata?: MetadataSettings;
}
