/**
 * The studio in a real browser (Debian's chromium driven by playwright-core) against the real
 * system: gateway serving the built studio, billing, a media worker, PostgreSQL, NATS, ffmpeg.
 * A marketer signs up, buys credits, makes a project with three groups, drops six clips in,
 * sets the creative settings (two renditions, a crossfade, a logo, a caption), previews the plan,
 * starts the job, watches it, plays an output and downloads the archive through its signed link.
 * Screenshots of every page go to test/studio/screenshots/ (git-ignored, kept as CI artifacts).
 * Any console error or uncaught page error fails the test, except the ones a step expects.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { startWorker, type TestWorker } from '../support/worker';
import { clip } from '../support/clips';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, 'screenshots');

let db: TestDatabase;
let billing: TestBilling;
let gw: TestGateway;
let worker: TestWorker;
let browser: Browser;
let page: Page;
let base: string;
const consoleErrors: string[] = [];
/** The URLs of the event streams the page opened. */
const eventStreams: string[] = [];
/** Every URL the page requested (to tell how the archive was downloaded). */
const requested: string[] = [];
/** Console errors a step provokes on purpose (a refused upload, a validation error). */
const expected: RegExp[] = [];

/** The studio built fresh from apps/studio into a folder of this test file's own. */
function buildStudio(): string {
  const out = mkdtempSync(path.join(tmpdir(), 'vmp-studio-'));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      path.join(ROOT, 'apps/studio/vite.config.mts'),
      '--outDir',
      out,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  return out;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium is missing at ${CHROMIUM}: the studio's browser tests need it ` +
        '(npm test installs it through scripts/test.sh; or: apt-get install chromium)',
    );
  process.env.STUDIO_DIR = buildStudio();
  db = await createTestDatabase();
  billing = await startBilling();
  gw = await startGateway();
  await gw.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
  worker = await startWorker();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const i = expected.findIndex((re) => re.test(m.text()));
    if (i >= 0) expected.splice(i, 1);
    else consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('request', (r) => {
    requested.push(r.url());
    if (r.url().includes('/events')) eventStreams.push(r.url());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await gw?.close();
  await billing?.close();
  await db?.drop();
});

afterEach(() => {
  // Emptied at each test so that one test's errors are reported once, by it.
  expect(consoleErrors.splice(0)).toEqual([]);
});

/** Retries an assertion until it passes (the page updates on its own time), or throws its last failure. */
async function eventually(assertion: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
const text = async (l: Locator) => (await l.innerText()).trim();
const seeText = (l: Locator, want: string | RegExp, timeoutMs?: number) =>
  eventually(async () => {
    const got = await text(l);
    if (typeof want === 'string') expect(got).toBe(want);
    else expect(got).toMatch(want);
  }, timeoutMs);
const seeCount = (l: Locator, n: number, timeoutMs?: number) =>
  eventually(async () => expect(await l.count()).toBe(n), timeoutMs);
const seeVisible = (l: Locator) => l.first().waitFor({ state: 'visible' });

const shot = (name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const balance = () => page.getByTestId('balance');

describe('the gateway serves the studio', () => {
  it('answers / and page paths with index.html (no-cache) and hashed assets with a year-long cache', async () => {
    const index = await fetch(`${base}/projects/anything`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    expect(asset).toBeDefined();
    const js = await fetch(`${base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The API, Swagger and a missing asset stay what they were.
    expect((await fetch(`${base}/api/v1/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/assets/missing-123.js`)).status).toBe(404);
    expect((await fetch(`${base}/health`)).headers.get('content-type')).toMatch(/json/);
  });
});

describe('a marketer goes from sign-up to a downloaded archive in the studio', () => {
  let projectUrl: string;
  const email = `studio-${Date.now()}@example.com`;

  it('signs up and sees the credit balance and licence', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/signin$/);
    await shot('01-sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('First name').fill('Ana');
    await page.getByLabel('Last name').fill('Silva');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await shot('02-sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await seeText(balance(), '0 credits');
    await seeText(page.getByTestId('licence'), /FREE/);
    await shot('03-projects-empty');
  });

  it('buys credits (the dev purchase of the test environment)', async () => {
    await page.getByRole('link', { name: 'Credits' }).click();
    await page.getByLabel('Credits', { exact: true }).fill('100');
    await page.getByRole('button', { name: 'Add credits' }).click();
    await seeText(balance(), '100 credits');
    await seeVisible(page.getByRole('cell', { name: '100', exact: true }));
    await shot('04-credits');
  });

  it('creates a project, with the API validation message shown by its field', async () => {
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill('Spring campaign');
    await page.getByLabel('Videos per job').fill('0');
    expected.push(/status of 400/);
    await page.getByRole('button', { name: 'Create project' }).click();
    await seeText(page.locator('#settings-outputCount-error'), /outputCount/);
    await shot('05-project-validation');
    await page.getByLabel('Videos per job').fill('4');
    await page.getByLabel('Format').selectOption('MP4');
    await page.getByLabel('Quality').selectOption('LOW');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/[^/]+$/);
    await seeVisible(page.getByRole('heading', { name: 'Spring campaign' }));
    projectUrl = page.url();
  });

  it('adds three groups, reorders them with the keyboard buttons and by dragging', async () => {
    for (const name of ['Hooks', 'CTAs', 'Bodies']) {
      await page.getByLabel('New group name').fill(name);
      await page.getByRole('button', { name: 'Add group' }).click();
      await seeVisible(page.getByTestId(`group-${name}`));
    }
    const order = () => page.locator('.column h3').allInnerTexts();
    await page.getByRole('button', { name: 'Move Bodies left' }).click();
    await eventually(async () => expect(await order()).toEqual(['1 Hooks', '2 Bodies', '3 CTAs']));
    // Drag CTAs onto Hooks: CTAs first; then the buttons put it back last.
    await page.getByTestId('group-CTAs').locator('header').dragTo(page.getByTestId('group-Hooks'));
    await eventually(async () => expect(await order()).toEqual(['1 CTAs', '2 Hooks', '3 Bodies']));
    await page.getByRole('button', { name: 'Move CTAs right' }).click();
    await page.getByRole('button', { name: 'Move CTAs right' }).click();
    await eventually(async () => expect(await order()).toEqual(['1 Hooks', '2 Bodies', '3 CTAs']));
    // The order is the API's, not only the page's.
    await page.reload();
    await eventually(async () => expect(await order()).toEqual(['1 Hooks', '2 Bodies', '3 CTAs']));
  });

  it('uploads six clips into the groups, shows a refused file by its name, and moves a clip by dragging', async () => {
    const clips = [
      await clip({ durationSeconds: 1 }),
      await clip({ durationSeconds: 1, width: 240, height: 240 }),
    ];
    for (const name of ['Hooks', 'Bodies', 'CTAs']) {
      await page.getByTestId(`upload-${name}`).setInputFiles(clips);
      await seeCount(page.getByTestId(`group-${name}`).getByTestId('clip'), 2, 30_000);
    }
    await seeText(page.getByTestId('group-Hooks').getByTestId('clip').first(), /0:01/);
    // Each clip card shows its thumbnail (a JPEG frame made at upload), loaded, named by its file.
    await eventually(async () =>
      expect(
        await page
          .getByTestId('clip')
          .locator('img')
          .evaluateAll((imgs) =>
            imgs.map((i) => {
              const img = i as unknown as { naturalWidth: number; alt: string };
              return img.naturalWidth > 0 && img.alt.length > 0;
            }),
          ),
      ).toEqual([true, true, true, true, true, true]),
    );

    const fake = path.join(mkdtempSync(path.join(tmpdir(), 'vmp-fake-')), 'not-a-video.mp4');
    writeFileSync(fake, 'this is plain text, not a video');
    expected.push(/status of 4\d\d/);
    await page.getByTestId('upload-CTAs').setInputFiles(fake);
    const refused = page.locator('.clip.refused', { hasText: 'not-a-video.mp4' });
    await seeText(refused.getByRole('alert'), /\S/);
    await shot('06-project-board');
    await refused.getByRole('button', { name: 'Dismiss not-a-video.mp4' }).click();

    // Drag a hook into the CTAs, then back.
    const hook = page.getByTestId('group-Hooks').getByTestId('clip').first();
    await hook.dragTo(page.getByTestId('group-CTAs'));
    await seeCount(page.getByTestId('group-CTAs').getByTestId('clip'), 3);
    await seeCount(page.getByTestId('group-Hooks').getByTestId('clip'), 1);
    await page
      .getByTestId('group-CTAs')
      .getByTestId('clip')
      .last()
      .dragTo(page.getByTestId('group-Hooks'));
    await seeCount(page.getByTestId('group-Hooks').getByTestId('clip'), 2);
  });

  it("sets a clip's caption and focus, with the API's message by a bad field", async () => {
    const hook = page.getByTestId('group-Hooks').getByTestId('clip').first();
    const name = (await hook.locator('.clip-name').innerText()).trim();
    await hook.getByRole('button', { name: `Caption and focus of ${name}` }).click();
    await hook.getByLabel(`Caption of ${name}`).fill('Shop the drop');
    await hook.getByLabel(`Focus x of ${name}`).fill('2');
    await hook.getByLabel(`Focus y of ${name}`).fill('0.3');
    expected.push(/status of 400/);
    await hook.getByRole('button', { name: `Save caption and focus of ${name}` }).click();
    await seeText(hook.locator('[id$="-focus-x-error"]'), /x must not be greater than 1/);
    await shot('07-clip-caption-validation');
    await hook.getByLabel(`Focus x of ${name}`).fill('0.5');
    await hook.getByRole('button', { name: `Save caption and focus of ${name}` }).click();
    await seeText(hook.getByTestId('clip-caption'), '“Shop the drop”');
    // Saved by the API: still there after a reload.
    await page.reload();
    await seeText(page.getByTestId('group-Hooks').getByTestId('clip-caption'), '“Shop the drop”');
  });

  it("sets the creative settings (two renditions, a crossfade, a logo), with the API's message by a bad field", async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    // Renditions: a first one from the project's format and quality, a second copied from it.
    await page.locator('summary', { hasText: 'Renditions' }).click();
    await page.getByRole('button', { name: 'Add rendition' }).click();
    await page.getByLabel('Rendition 1 Shape').selectOption('16:9');
    // Keyboard: the button takes Enter, the disclosure of the next topic too.
    await page.getByRole('button', { name: 'Add rendition' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Rendition 2 Shape').selectOption('9:16');
    expect(await page.getByLabel('Rendition 2 Format').inputValue()).toBe('MP4');
    expect(await page.getByLabel('Rendition 2 Quality').inputValue()).toBe('LOW');
    await page.locator('summary', { hasText: 'Look' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Transition', { exact: true }).selectOption('crossfade');
    await page.getByLabel('Transition seconds').fill('9');
    // A logo, uploaded through the assets routes, then chosen.
    await page.locator('summary', { hasText: 'Logo' }).click();
    const logo = path.join(mkdtempSync(path.join(tmpdir(), 'vmp-logo-')), 'logo.png');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=red:s=64x32',
      '-frames:v',
      '1',
      logo,
    ]);
    await page.getByLabel('Upload a logo').setInputFiles(logo);
    await eventually(async () =>
      expect(await page.getByLabel('Logo', { exact: true }).inputValue()).not.toBe(''),
    );
    await page.getByLabel('Logo corner').selectOption('top-right');
    await page.getByLabel('Logo opacity').fill('0.7');

    expected.push(/status of 400/);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await seeText(
      page.locator('#settings-transition-seconds-error'),
      /seconds must not be greater than 5/,
    );
    await shot('08-creative-settings-validation');
    await page.getByLabel('Transition seconds').fill('0.3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await seeText(page.getByRole('status'), 'Saved.');
    // Saved by the API, as the summary of the reloaded project says.
    await page.reload();
    await seeText(
      page.getByTestId('settings-summary'),
      /2 renditions: 16:9 MP4 LOW, 9:16 MP4 LOW · 4 videos per job · crossfade 0.3 s · logo/,
    );
    // The form opens on the saved values.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.locator('summary', { hasText: 'Renditions' }).click();
    expect(await page.getByLabel('Rendition 2 Shape').inputValue()).toBe('9:16');
    await page.locator('summary', { hasText: 'Logo' }).click();
    expect(await page.getByLabel('Logo corner').inputValue()).toBe('top-right');
    await shot('09-creative-settings');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
  });

  it('previews the plan, its renditions and its price before spending, then starts the job', async () => {
    await page.getByRole('button', { name: 'Preview plan' }).click();
    // 4 combinations × 2 renditions, each short LOW file 1 credit.
    await seeText(
      page.getByTestId('plan-summary'),
      /^4 videos .*× 2 renditions = 8 files · 8 credits$/,
    );
    await seeText(page.getByTestId('plan-renditions').locator('li').first(), '16:9 MP4 LOW');
    await seeText(page.getByTestId('plan-renditions').locator('li').last(), '9:16 MP4 LOW');
    await seeCount(page.locator('.plan tbody tr'), 4);
    for (const files of await page.locator('.plan tbody tr td:nth-child(2)').allInnerTexts())
      expect(files.split('\n')).toEqual([
        expect.stringMatching(/-r0\.mp4$/),
        expect.stringMatching(/-r1\.mp4$/),
      ]);
    await seeText(balance(), '100 credits');
    await shot('10-plan');
    await page.getByRole('button', { name: /Start job/ }).click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
  });

  it('watches the job progress live until every video is in the gallery', async () => {
    const progress: number[] = [];
    let status = '';
    for (let i = 0; i < 600 && !['COMPLETED', 'FAILED', 'CANCELLED'].includes(status); i++) {
      if (i > 0) await page.waitForTimeout(250);
      status = await text(page.getByTestId('job-status'));
      const bar = page.getByRole('progressbar', { name: 'Job progress' });
      progress.push(Number(await bar.getAttribute('value')));
      if (i === 0) await shot('11-job-running');
    }
    expect(status).toBe('COMPLETED');
    // Progress only grows on the page, and ends at 100.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    // It came over the events stream, opened with a stream token (no headers on an EventSource).
    expect(eventStreams.some((url) => /\/events\?token=/.test(url))).toBe(true);
    await seeCount(page.getByTestId('output'), 8);
    await seeText(balance(), '92 credits');
    // Each output shows its poster (a JPEG frame), loaded.
    await eventually(async () =>
      expect(
        await page
          .locator('[data-testid=output] img')
          .evaluateAll(
            (imgs) =>
              imgs.filter((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0)
                .length,
          ),
      ).toBe(8),
    );
    // One list per rendition, each of the four videos in its shape (LOW: 480 lines).
    for (const [rendition, size] of [
      [1, '854×480'],
      [2, '480×854'],
    ] as const) {
      const section = page.getByTestId(`rendition-${rendition}`);
      await seeText(
        section.getByRole('heading', { level: 2 }),
        `Rendition ${rendition} (4 videos)`,
      );
      await eventually(async () =>
        expect(
          (await section.getByTestId('output-size').allInnerTexts()).map((t) => t.trim()),
        ).toEqual(Array(4).fill(`· ${size}`)),
      );
    }
    await shot('12-job-gallery');
  });

  it('plays an output in the page through a signed link', async () => {
    const first = page.getByTestId('output').first();
    await first.getByRole('button', { name: /^Play/ }).click();
    const video = first.locator('video');
    await video.waitFor();
    expect(await video.getAttribute('src')).toMatch(/\/shared\?token=/);
    // The browser has decoded its first frame (HAVE_CURRENT_DATA or more).
    await eventually(async () =>
      expect(
        await video.evaluate((v) => (v as unknown as { readyState: number }).readyState),
      ).toBeGreaterThanOrEqual(2),
    );
    await shot('13-job-playing');
  });

  it('downloads the archive of every output with its manifest through its signed link', async () => {
    // The gallery names the videos as the archive does (the job's manifest), not by storage name.
    const gallery = page.locator('[data-testid=output] h3');
    await eventually(async () =>
      expect((await gallery.allInnerTexts()).filter((n) => /^output-\d+\.mp4$/.test(n))).toEqual(
        [],
      ),
    );
    const names = await gallery.allInnerTexts();
    expect(names).toHaveLength(8);
    // A plain link to the signed archive URL: the browser streams the ZIP to disk itself.
    const all = page.getByRole('link', { name: 'Download all (ZIP)' });
    await eventually(async () =>
      expect(await all.getAttribute('href')).toMatch(
        /\/api\/v1\/jobs\/[^/]+\/archive\/shared\?token=/,
      ),
    );
    expect(await all.getAttribute('download')).toMatch(/^job-.+\.zip$/);
    const [download] = await Promise.all([page.waitForEvent('download'), all.click()]);
    expect(download.url()).toMatch(/\/archive\/shared\?token=/);
    const dir = mkdtempSync(path.join(tmpdir(), 'vmp-zip-'));
    const file = path.join(dir, 'all.zip');
    await download.saveAs(file);
    expect(await download.failure()).toBeNull();
    expect(download.suggestedFilename()).toMatch(/^job-.+\.zip$/);
    const zip = readFileSync(file);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    // Every output of both renditions, and the manifest: nine entries.
    const entries = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    expect(entries.sort()).toEqual([...names, 'manifest.csv'].sort());
    execFileSync('unzip', ['-tq', file]);
    // The page never fetched the archive itself (into its memory).
    expect(requested.filter((url) => /\/archive(\?|$)/.test(url))).toEqual([]);
  });

  it("lists the project's jobs", async () => {
    await page.goto(projectUrl);
    await seeVisible(page.locator('.card', { hasText: 'Jobs' }).getByText('COMPLETED'));
    await shot('14-project-with-history');
  });

  it('fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await seeVisible(page.getByTestId('group-Hooks'));
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('15-project-phone');
    // The settings, every creative topic open, fit too.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    for (const topic of ['Renditions', 'Look', 'Sound', 'Logo'])
      await page.locator('summary', { hasText: topic }).click();
    await seeVisible(page.getByLabel('Rendition 2 Codec'));
    expect(
      await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
    ).toBeLessThanOrEqual(0);
    await shot('16-settings-phone');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('creates an API key shown once, and revokes it', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('CI uploader');
    await page.getByLabel('jobs').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await seeText(page.getByTestId('new-key'), /^vmp_/);
    await shot('17-api-keys');
    await page.getByRole('button', { name: 'Done' }).click();
    await seeCount(page.getByTestId('new-key'), 0);
    await page.getByRole('button', { name: 'Revoke CI uploader' }).click();
    await seeVisible(page.getByRole('cell', { name: 'revoked' }));
  });

  it('shows the webhooks page', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await seeVisible(page.getByRole('heading', { name: 'Webhooks' }));
    await seeVisible(page.getByRole('button', { name: 'Add endpoint' }));
    await page.waitForLoadState('networkidle');
    await shot('18-webhooks');
  });

  it('signs out, and signs in again to the same projects', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin$/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seeVisible(page.getByRole('link', { name: 'Spring campaign' }));
    await seeText(balance(), '92 credits');
  });
});
