import { contentTypeOf, parseRange } from './byte-range';

describe('parseRange', () => {
  it('serves the whole file without a header', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
  });
  it('reads a closed, an open and a suffix range', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
  });
  it('clamps an end past the file', () => {
    expect(parseRange('bytes=50-1000', 100)).toEqual({ kind: 'partial', start: 50, end: 99 });
  });
  it('refuses a start past the end with unsatisfiable', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });
  it('falls back to the whole file for multi-range and garbage', () => {
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=9-2', 100)).toEqual({ kind: 'whole' });
  });
});

describe('contentTypeOf', () => {
  it('names the three output containers', () => {
    expect(contentTypeOf('a.mp4')).toBe('video/mp4');
    expect(contentTypeOf('a.MOV')).toBe('video/quicktime');
    expect(contentTypeOf('a.avi')).toBe('video/x-msvideo');
  });
});
