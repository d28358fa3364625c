import { csvCell, manifestCsv, type ManifestEntry } from './manifest';

describe('csvCell', () => {
  it('neutralises formulas with a leading apostrophe', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
  });
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(12.5)).toBe('12.5');
  });
});

describe('manifestCsv', () => {
  it('has a header row, one clip column per group in order, one column per metadata key', () => {
    const entry: ManifestEntry = {
      id: 'o1',
      index: 0,
      name: 'a,b.mp4',
      durationSeconds: 3,
      size: 10,
      sha256: 'ab',
      clips: [
        { groupId: 'g2', groupName: 'CTA', videoId: 'v2', originalName: 'c.mp4' },
        { groupId: 'g1', groupName: 'Hook', videoId: 'v1', originalName: 'h.mp4' },
      ],
      metadata: { campaign: '=evil', a: 'x' },
    };
    const csv = manifestCsv([entry], {
      groups: [
        { id: 'g2', name: 'CTA', order: 1 },
        { id: 'g1', name: 'Hook', order: 0 },
      ],
      videos: [],
    });
    expect(csv).toBe(
      'id,index,name,duration_seconds,size_bytes,sha256,clip:Hook,clip:CTA,metadata:a,metadata:campaign\r\n' +
        `o1,0,"a,b.mp4",3,10,ab,h.mp4,c.mp4,x,'=evil\r\n`,
    );
  });
});
