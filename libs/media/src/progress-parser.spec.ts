import { ProgressParser, type FfmpegProgress } from './progress-parser';

describe('ffmpeg -progress parser', () => {
  it('reports out_time_us per block, across chunks split mid-line', () => {
    const blocks: FfmpegProgress[] = [];
    const parser = new ProgressParser((p) => blocks.push(p));
    parser.push('frame=10\nout_time_us=500');
    parser.push('000\nprogress=continue\nout_time_us=N/A\nprogress=con');
    parser.push('tinue\nout_time_us=1250000\nprogress=end\n');
    expect(blocks).toEqual([
      { outTimeSeconds: 0.5, ended: false },
      { outTimeSeconds: 0.5, ended: false },
      { outTimeSeconds: 1.25, ended: true },
    ]);
  });
});
