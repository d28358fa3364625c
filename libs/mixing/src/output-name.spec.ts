import {
  contentDisposition,
  namedClips,
  OUTPUT_NAME_MAX_BYTES,
  outputNames,
  outputNameTemplateProblem,
  renditionFileName,
  sanitizeFileBase,
} from './output-name';

const base = {
  projectName: 'Summer',
  jobId: 'cjob1',
  createdAt: new Date('2026-12-01T10:00:00Z'),
  aspectRatio: '9:16',
  extension: 'mp4',
};
const clips = (...pairs: [string, string][]) =>
  pairs.map(([groupName, originalName]) => ({ groupName, originalName }));

describe('outputNameTemplateProblem', () => {
  it('accepts every known placeholder', () => {
    expect(
      outputNameTemplateProblem('{project}-{index}-{groups}-{group:Hooks}-{job}-{date}-{aspect}'),
    ).toBeNull();
  });
  it('names an unknown placeholder, and refuses empty or overlong templates', () => {
    expect(outputNameTemplateProblem('{project}-{colour}')).toMatch(
      /unknown placeholder \{colour\}/,
    );
    expect(outputNameTemplateProblem('{group:}')).toMatch(/\{group:\}/);
    expect(outputNameTemplateProblem('')).toMatch(/empty/);
    expect(outputNameTemplateProblem('x'.repeat(301))).toMatch(/at most 300/);
  });
});

describe('outputNames', () => {
  it('fills the default template: project, zero-padded index, each group’s clip name', () => {
    expect(
      outputNames({
        ...base,
        combinations: [clips(['Hooks', 'hook 1.mov'], ['CTAs', 'buy.mp4'])],
      }),
    ).toEqual(['Summer-0000-hook 1-buy.mp4']);
  });
  it('fills {group:<name>} case-insensitively, {job}, {date} and {aspect}', () => {
    expect(
      outputNames({
        ...base,
        template: '{group:hooks}_{job}_{date}_{aspect}',
        combinations: [clips(['Hooks', 'h.mp4'], ['CTAs', 'c.mp4'])],
      }),
    ).toEqual(['h_cjob1_2026-12-01_9x16.mp4']);
  });
  it('keeps names safe: no separators, control characters, leading dots or device names', () => {
    expect(sanitizeFileBase('../a/b\\c:d*e?\u0001f')).toBe('_a_b_c_d_e__f');
    expect(sanitizeFileBase('  ..hidden.  ')).toBe('hidden');
    expect(sanitizeFileBase('CON')).toBe('_CON');
    expect(sanitizeFileBase('lpt1.txt')).toBe('_lpt1.txt');
  });
  it('makes names unique within the job, case-insensitively, in plan order', () => {
    expect(
      outputNames({
        ...base,
        template: '{project}',
        combinations: [clips(['G', 'a']), clips(['G', 'b']), clips(['G', 'c'])],
      }),
    ).toEqual(['Summer.mp4', 'Summer-2.mp4', 'Summer-3.mp4']);
  });
  it('stays within 200 bytes of UTF-8, extension and suffix included, never splitting a character', () => {
    const names = outputNames({
      ...base,
      template: '{project}',
      projectName: 'é'.repeat(300),
      combinations: [clips(['G', 'a']), clips(['G', 'b'])],
    });
    for (const name of names) {
      expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(OUTPUT_NAME_MAX_BYTES);
      expect(name).not.toContain('\uFFFD');
    }
    expect(names[1].endsWith('-2.mp4')).toBe(true);
  });
  it('falls back to output-<index> when nothing printable is left', () => {
    expect(
      outputNames({ ...base, template: '{group:missing}', combinations: [clips(['G', 'a'])] }),
    ).toEqual(['output-0000.mp4']);
  });
});

describe('namedClips', () => {
  it('names each clip by its group; an ungrouped clip has an empty group name', () => {
    expect(
      namedClips(
        [['v1', 'v2']],
        [
          { id: 'v1', groupId: 'g1', originalName: 'a.mp4' },
          { id: 'v2', groupId: null, originalName: 'b.mp4' },
        ],
        [{ id: 'g1', name: 'Hooks' }],
      ),
    ).toEqual([
      [
        { groupName: 'Hooks', originalName: 'a.mp4' },
        { groupName: '', originalName: 'b.mp4' },
      ],
    ]);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name (RFC 5987)', () => {
    expect(contentDisposition('Été "x" (1).mp4')).toBe(
      `attachment; filename="_t_ _x_ (1).mp4"; filename*=UTF-8''%C3%89t%C3%A9%20%22x%22%20%281%29.mp4`,
    );
  });
});

describe('renditionFileName', () => {
  it('suffixes the rendition before the extension only when there are several', () => {
    expect(renditionFileName('Summer-0001.mp4', 0, 1)).toBe('Summer-0001.mp4');
    expect(renditionFileName('Summer-0001.mp4', 0, 2)).toBe('Summer-0001-r0.mp4');
    expect(renditionFileName('Summer-0001.MOV', 3, 4)).toBe('Summer-0001-r3.MOV');
    expect(renditionFileName('no-extension', 1, 2)).toBe('no-extension-r1');
  });
});
