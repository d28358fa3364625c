/**
 * Calls to routes that are in the API contract (/work/shared/API.md, "Integrations") but not yet
 * in the generated SDK. Each goes through the SDK client's own fetch (same credentials, same
 * errors) with the shapes of the contract. After `npm run sdk:generate`, replace each with the
 * typed `api.POST/GET(...)` call and delete this file.
 */
import { api, ok } from './client';

// The SDK's typed paths do not list these yet: the one untyped escape of the studio.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const raw = api as any;

export interface PlanClip {
  groupId: string;
  groupName: string;
  videoId: string;
  originalName: string;
}
export interface Plan {
  seed: number;
  credits: number;
  combinations: { index: number; name: string; durationSeconds: number; clips: PlanClip[] }[];
}
export interface SignedLink {
  url: string;
  expiresAt: string;
}
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description?: string | null;
  disabledReason?: string | null;
  secret?: string;
}
export interface WebhookDelivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode?: number | null;
  lastError?: string | null;
  nextAttemptAt?: string | null;
  createdAt?: string;
}
export const WEBHOOK_EVENTS = ['job.completed', 'job.failed', 'job.cancelled', 'output.ready'];

const path = (id: string) => ({ params: { path: { id } } });

export const pending = {
  plan: async (id: string): Promise<Plan> =>
    ok(await raw.POST('/api/v1/projects/{id}/plan', { ...path(id), body: {} })),
  outputLink: async (id: string, expiresInSeconds = 3600): Promise<SignedLink> =>
    ok(await raw.POST('/api/v1/outputs/{id}/link', { ...path(id), body: { expiresInSeconds } })),
  poster: async (id: string): Promise<Blob> =>
    ok(await raw.GET('/api/v1/outputs/{id}/poster', { ...path(id), parseAs: 'blob' })),
  manifest: async (jobId: string): Promise<{ outputs: { id: string; name: string }[] }> =>
    ok(await raw.GET('/api/v1/jobs/{id}/manifest', path(jobId))),
  archive: async (jobId: string): Promise<Blob> =>
    ok(await raw.GET('/api/v1/jobs/{id}/archive', { ...path(jobId), parseAs: 'blob' })),
  streamToken: async (jobId: string): Promise<{ token: string; expiresAt: string }> =>
    ok(await raw.POST('/api/v1/jobs/{id}/events/token', path(jobId))),
  webhooks: {
    list: async (): Promise<Webhook[]> => ok(await raw.GET('/api/v1/webhooks')),
    create: async (body: {
      url: string;
      events: string[];
      description?: string;
    }): Promise<Webhook> => ok(await raw.POST('/api/v1/webhooks', { body })),
    update: async (
      id: string,
      body: Partial<Pick<Webhook, 'enabled' | 'events' | 'url'>>,
    ): Promise<Webhook> => ok(await raw.PATCH('/api/v1/webhooks/{id}', { ...path(id), body })),
    remove: async (id: string): Promise<void> =>
      void ok(await raw.DELETE('/api/v1/webhooks/{id}', path(id))),
    rotateSecret: async (id: string): Promise<{ secret: string }> =>
      ok(await raw.POST('/api/v1/webhooks/{id}/rotate-secret', path(id))),
    deliveries: async (id: string): Promise<WebhookDelivery[]> =>
      (
        ok(await raw.GET('/api/v1/webhooks/{id}/deliveries', path(id))) as {
          items: WebhookDelivery[];
        }
      ).items,
    retry: async (id: string, deliveryId: string): Promise<void> =>
      void ok(
        await raw.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry', {
          params: { path: { id, deliveryId } },
        }),
      ),
  },
};
