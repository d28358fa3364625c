import { checkTailDecodes } from './decode-check';
import type { MediaInfo } from './media-info';
import { assertMediaLimits, type MediaLimits } from './media-limits';
import { probe } from './probe';

/**
 * The intake of an upload, in the order that keeps hostile files cheap: ffprobe in the sandbox
 * (only the accepted containers are parsed), then the licence's limits from the headers alone
 * (so a huge frame or an endless clip is never decoded), then a decode of the last two seconds
 * (truncation). Throws MediaProbeError or MediaLimitError; nothing is stored by it.
 */
export async function inspectUpload(
  path: string,
  limits: MediaLimits,
  options: { signal?: AbortSignal } = {},
): Promise<MediaInfo> {
  const info = await probe(path, { signal: options.signal });
  assertMediaLimits(info, limits);
  await checkTailDecodes(path);
  return info;
}
