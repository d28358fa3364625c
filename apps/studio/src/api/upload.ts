import { videoUpload } from '@app/sdk';
import { currentToken, type Schemas } from './client';

/**
 * POST /projects/:id/videos through XMLHttpRequest, for its upload progress (fetch has none); the
 * body is the SDK's own multipart form (videoUpload). Resolves with the video, rejects with the
 * API's message (e.g. 415 unsupported type).
 */
export function uploadVideo(
  projectId: string,
  file: File,
  groupId: string,
  onProgress: (fraction: number) => void,
): Promise<Schemas['VideoDto']> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/projects/${encodeURIComponent(projectId)}/videos`);
    const token = currentToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as Schemas['VideoDto']);
      else {
        const body = xhr.response as { message?: string } | null;
        reject(new Error(body?.message ?? `upload refused (${xhr.status})`));
      }
    };
    xhr.onerror = () => reject(new Error('network error during upload'));
    xhr.send(videoUpload(file, file.name, groupId).body as unknown as FormData);
  });
}
