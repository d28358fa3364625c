import { creditsMoved, jobsByStatus, onScrape, renderMetrics } from './metrics';

describe('metrics', () => {
  it('renders counters and refreshes gauges through scrape hooks', async () => {
    creditsMoved.inc({ kind: 'reserved' }, 7);
    const off = onScrape(() => jobsByStatus.set({ status: 'PENDING' }, 3));
    const { body, contentType } = await renderMetrics();
    off();
    expect(contentType).toMatch(/text\/plain/);
    expect(body).toMatch(/credits_total\{kind="reserved"\} 7/);
    expect(body).toMatch(/media_jobs\{status="PENDING"\} 3/);
    expect(body).toMatch(/process_cpu_user_seconds_total/);
  });

  it('keeps serving when a scrape hook fails', async () => {
    const off = onScrape(async () => {
      throw new Error('database down');
    });
    await expect(renderMetrics()).resolves.toHaveProperty('body');
    off();
  });
});
