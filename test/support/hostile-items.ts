/** Every kind of hostile file the intake must refuse (the names of makeHostileCorpus' items). */
export const HOSTILE_ITEM_NAMES = [
  'avi-wrapping-hls',
  'ffconcat-etc-passwd',
  'ffconcat-playlist',
  'hls-etc-passwd',
  'hls-playlist',
  'hour-of-audio',
  'huge-frame',
  'ten-hours',
  'truncated-mp4',
  'truncated-mp4-header-intact',
  'zero-duration',
];
