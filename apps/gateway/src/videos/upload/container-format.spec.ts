import { containerFormat, displayName } from './container-format';

describe('containerFormat', () => {
  it('names the ISO family by extension, defaulting to mp4', () => {
    expect(containerFormat('mov,mp4,m4a,3gp,3g2,mj2', 'clip.MOV')).toBe('mov');
    expect(containerFormat('mov,mp4,m4a,3gp,3g2,mj2', 'clip.mp4')).toBe('mp4');
    expect(containerFormat('mov,mp4,m4a,3gp,3g2,mj2', 'clip.txt')).toBe('mp4');
  });
  it('names matroska and webm', () => {
    expect(containerFormat('matroska,webm', 'a.webm')).toBe('webm');
    expect(containerFormat('matroska,webm', 'a')).toBe('mkv');
  });
  it('refuses containers outside the list', () => {
    expect(containerFormat('gif', 'a.gif')).toBeNull();
    expect(containerFormat('image2', 'a.png')).toBeNull();
    expect(containerFormat('flv', 'a.flv')).toBeNull();
  });
});

describe('displayName', () => {
  it('keeps only the last segment and drops control characters', () => {
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('C:\\Users\\me\\clip.mp4')).toBe('clip.mp4');
    expect(displayName('a\u0000b\nc.mp4')).toBe('abc.mp4');
    expect(displayName('')).toBe('upload');
    expect(displayName('x'.repeat(400))).toHaveLength(255);
  });
});
