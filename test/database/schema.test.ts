import { createTestDatabase, withPg, type TestDatabase } from '../support/database';
import { videoFileRow } from '../support/factories';
import { seed, SEED_EMAIL } from '../../prisma/seed';

/** The seed's tables and columns (shared/seed/database.md), as the migrations must make them. */
const SEED_COLUMNS: Record<string, string[]> = {
  users: [
    'id',
    'email',
    'password',
    'first_name',
    'last_name',
    'is_active',
    'credits',
    'license_type',
    'license_expiry',
    'created_at',
    'updated_at',
  ],
  projects: [
    'id',
    'name',
    'description',
    'user_id',
    'status',
    'output_count',
    'settings',
    'created_at',
    'updated_at',
  ],
  video_groups: ['id', 'name', 'order_num', 'project_id', 'created_at'],
  video_files: [
    'id',
    'original_name',
    'filename',
    'path',
    'size',
    'duration',
    'format',
    'resolution',
    'project_id',
    'group_id',
    'uploaded_at',
  ],
  processing_jobs: [
    'id',
    'project_id',
    'status',
    'progress',
    'started_at',
    'completed_at',
    'error_message',
    'created_at',
  ],
  output_files: [
    'id',
    'job_id',
    'filename',
    'path',
    'size',
    'duration',
    'metadata',
    'source_files',
    'created_at',
  ],
  credit_transactions: ['id', 'user_id', 'amount', 'type', 'description', 'created_at'],
};

const SEED_INDEXES = [
  'users_email_idx',
  'users_license_type_idx',
  'users_created_at_idx',
  'projects_user_id_idx',
  'projects_status_idx',
  'projects_created_at_idx',
  'projects_settings_gin_idx',
  'video_groups_project_id_idx',
  'video_groups_order_idx',
  'video_files_project_id_idx',
  'video_files_group_id_idx',
  'video_files_uploaded_at_idx',
  'video_files_format_idx',
  'processing_jobs_project_id_idx',
  'processing_jobs_status_idx',
  'processing_jobs_created_at_idx',
  'output_files_job_id_idx',
  'output_files_created_at_idx',
  'output_files_metadata_gin_idx',
  'credit_transactions_user_id_idx',
  'credit_transactions_type_idx',
  'credit_transactions_created_at_idx',
  'projects_user_id_created_at_idx',
  'video_files_project_id_uploaded_at_idx',
  'processing_jobs_status_created_at_idx',
  'credit_transactions_user_id_created_at_idx',
  'projects_mixing_mode_idx',
  'output_files_metadata_campaign_idx',
];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const q = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  withPg(db.url, async (c) => (await c.query<T>(sql, params)).rows);

describe('migrations applied to an empty database', () => {
  it('make every table and column of the seed', async () => {
    const rows = await q<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    for (const [table, columns] of Object.entries(SEED_COLUMNS)) {
      const have = rows.filter((r) => r.table_name === table).map((r) => r.column_name);
      expect({ table, missing: columns.filter((c) => !have.includes(c)) }).toEqual({
        table,
        missing: [],
      });
    }
  });

  it('give the columns the types and defaults the seed names', async () => {
    const rows = await q<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      column_default: string | null;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, udt_name, column_default, is_nullable
         FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const col = (t: string, c: string) =>
      rows.find((r) => r.table_name === t && r.column_name === c)!;
    expect(col('video_files', 'size').data_type).toBe('bigint');
    expect(col('output_files', 'size').data_type).toBe('bigint');
    expect(col('video_files', 'duration').data_type).toBe('numeric');
    expect(col('projects', 'settings').data_type).toBe('jsonb');
    expect(col('output_files', 'source_files').data_type).toBe('jsonb');
    expect(col('users', 'license_type').udt_name).toBe('LicenseType');
    expect(col('users', 'license_type').column_default).toContain('FREE');
    expect(col('users', 'is_active').column_default).toBe('true');
    expect(col('users', 'credits').column_default).toBe('0');
    expect(col('users', 'updated_at').column_default).toBe('CURRENT_TIMESTAMP');
    expect(col('projects', 'status').column_default).toContain('DRAFT');
    expect(col('processing_jobs', 'status').column_default).toContain('PENDING');
    expect(col('processing_jobs', 'progress').column_default).toBe('0');
    expect(col('video_files', 'group_id').is_nullable).toBe('YES');
    expect(col('projects', 'description').is_nullable).toBe('YES');
  });

  it('create every index of the seed under its exact name', async () => {
    const rows = await q<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const names = rows.map((r) => r.indexname);
    expect(SEED_INDEXES.filter((i) => !names.includes(i))).toEqual([]);
  });

  it('make the performance indexes partial, descending and on expressions as the seed says', async () => {
    const rows = await q<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes`,
    );
    const def = (n: string) => rows.find((r) => r.indexname === n)!.indexdef;
    expect(def('users_email_idx')).toMatch(/UNIQUE/);
    expect(def('processing_jobs_status_created_at_idx')).toMatch(/WHERE .*PENDING.*PROCESSING/);
    expect(def('projects_user_id_created_at_idx')).toMatch(/created_at DESC/);
    expect(def('projects_settings_gin_idx')).toMatch(/USING gin/);
    expect(def('projects_mixing_mode_idx')).toMatch(/settings ->> 'mixingMode'/);
    expect(def('output_files_metadata_campaign_idx')).toMatch(/metadata ->> 'campaign'/);
  });

  it('declare the foreign keys with the seed cascade rules', async () => {
    const rows = await q<{ conname: string; confdeltype: string }>(
      `SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f'`,
    );
    const rule = (n: string) => rows.find((r) => r.conname === n)?.confdeltype;
    expect(rule('projects_user_id_fkey')).toBe('c');
    expect(rule('video_groups_project_id_fkey')).toBe('c');
    expect(rule('video_files_project_id_fkey')).toBe('c');
    expect(rule('video_files_group_id_fkey')).toBe('n');
    expect(rule('processing_jobs_project_id_fkey')).toBe('c');
    expect(rule('output_files_job_id_fkey')).toBe('c');
    expect(rule('credit_transactions_user_id_fkey')).toBe('c');
  });
});

describe('constraints', () => {
  let userId: string;
  let projectId: string;
  let jobId: string;
  let groupId: string;

  beforeAll(async () => {
    const u = await db.prisma.user.create({
      data: { email: 'constraints@example.com', password: 'x', firstName: 'C', lastName: 'K' },
    });
    userId = u.id;
    const p = await db.prisma.project.create({ data: { name: 'P', userId, settings: {} } });
    projectId = p.id;
    jobId = (await db.prisma.processingJob.create({ data: { projectId } })).id;
    groupId = (await db.prisma.videoGroup.create({ data: { name: 'Hooks', order: 0, projectId } }))
      .id;
  });

  /** The statement fails on the named constraint (a CHECK or UNIQUE one), and on no other. */
  const violates = async (constraint: string, sql: string, params: unknown[]) => {
    const error = await withPg(db.url, (c) => c.query(sql, params)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ constraint });
  };

  /** The statement fails because `value` is not one of the enumeration `type`'s values. */
  const notInEnum = (type: string, value: string, sql: string, params: unknown[]) =>
    expect(withPg(db.url, (c) => c.query(sql, params))).rejects.toMatchObject({
      code: '22P02',
      message: `invalid input value for enum "${type}": "${value}"`,
    });

  const update = (table: string, assignment: string, id: string): [string, unknown[]] => [
    `UPDATE ${table} SET ${assignment} WHERE id = $1`,
    [id],
  ];

  const video = (over: Record<string, unknown>): [string, unknown[]] => {
    const v = { size: 10, duration: 1.5, resolution: '1920x1080', ...over };
    return [
      `INSERT INTO video_files (id, original_name, filename, path, size, duration, format, resolution, project_id)
       VALUES (gen_random_uuid()::text, 'a.mp4', 'a.mp4', '/x/a.mp4', $1, $2, 'mp4', $3, $4)`,
      [v.size, v.duration, v.resolution, projectId],
    ];
  };

  const group = (id: string, name: string, order: number): [string, unknown[]] => [
    `INSERT INTO video_groups (id, name, order_num, project_id) VALUES ($1, $2, $3, $4)`,
    [id, name, order, projectId],
  ];

  const transaction = (id: string, amount: number, type: string): [string, unknown[]] => [
    `INSERT INTO credit_transactions (id, user_id, amount, type, description) VALUES ($1, $2, $3, $4, 'x')`,
    [id, userId, amount, type],
  ];

  it('accept a valid video row (so the refusals below are about the one bad value)', async () => {
    await expect(withPg(db.url, (c) => c.query(...video({})))).resolves.toBeDefined();
  });
  it('refuse negative credits', () =>
    violates('users_credits_non_negative', ...update('users', 'credits = -1', userId)));
  it('refuse an email without @', () =>
    violates('users_email_format', ...update('users', "email = 'not-an-email'", userId)));
  it('refuse an unknown licence type', () =>
    notInEnum('LicenseType', 'GOLD', ...update('users', "license_type = 'GOLD'", userId)));
  it('refuse an unknown project status', () =>
    notInEnum(
      'ProjectStatus',
      'ARCHIVED',
      ...update('projects', "status = 'ARCHIVED'", projectId),
    ));
  it('refuse a negative output count', () =>
    violates(
      'projects_output_count_non_negative',
      ...update('projects', 'output_count = -1', projectId),
    ));
  it.each([101, -1])('refuse progress %d (outside 0 to 100)', (progress) =>
    violates(
      'processing_jobs_progress_range',
      ...update('processing_jobs', `progress = ${progress}`, jobId),
    ),
  );
  it('refuse an unknown job status', () =>
    notInEnum('JobStatus', 'PAUSED', ...update('processing_jobs', "status = 'PAUSED'", jobId)));
  it('refuse a zero size', () => violates('video_files_size_positive', ...video({ size: 0 })));
  it('refuse a zero duration', () =>
    violates('video_files_duration_positive', ...video({ duration: 0 })));
  it('refuse a resolution that is not WIDTHxHEIGHT', () =>
    violates('video_files_resolution_format', ...video({ resolution: '1080p' })));
  it('refuse a negative group order', () =>
    violates('video_groups_order_non_negative', ...group('g-neg', 'x', -1)));
  it('refuse an empty group name', () =>
    violates('video_groups_name_not_empty', ...group('g-empty', '  ', 5)));
  it('refuse a second group with the same order in a project', () =>
    violates('video_groups_project_order_unique', ...group('g-dup', 'dup', 0)));
  it('let a transaction swap two group orders when the unique check is deferred', async () => {
    const other = await db.prisma.videoGroup.create({
      data: { name: 'Bodies', order: 1, projectId },
    });
    await withPg(db.url, async (c) => {
      await c.query('BEGIN');
      await c.query('SET CONSTRAINTS video_groups_project_order_unique DEFERRED');
      await c.query('UPDATE video_groups SET order_num = 1 WHERE id = $1', [groupId]);
      await c.query('UPDATE video_groups SET order_num = 0 WHERE id = $1', [other.id]);
      await c.query('COMMIT');
    });
    const g = await db.prisma.videoGroup.findUniqueOrThrow({ where: { id: groupId } });
    expect(g.order).toBe(1);
  });
  it('refuse an unknown transaction type', () =>
    notInEnum('TransactionType', 'GIFT', ...transaction('t1', 5, 'GIFT')));
  it('refuse a positive USAGE amount', () =>
    violates('credit_transactions_amount_sign', ...transaction('t2', 5, 'USAGE')));
  it('refuse an output whose source_files is not an array', () =>
    violates(
      'output_files_source_files_is_array',
      `INSERT INTO output_files (id, job_id, filename, path, size, duration, metadata, source_files)
       VALUES ('o1', $1, 'o.mp4', '/o.mp4', 10, 1, '{}', '{}')`,
      [jobId],
    ));
});

describe('cascades', () => {
  it('delete a user with everything under it, and ungroup videos of a deleted group', async () => {
    const user = await db.prisma.user.create({
      data: { email: 'cascade@example.com', password: 'x', firstName: 'C', lastName: 'D' },
    });
    const project = await db.prisma.project.create({
      data: { name: 'P', userId: user.id, settings: {} },
    });
    const group = await db.prisma.videoGroup.create({
      data: { name: 'G', order: 0, projectId: project.id },
    });
    const file = await db.prisma.videoFile.create({
      data: videoFileRow({ projectId: project.id, groupId: group.id, size: 3_000_000_000n }),
    });
    expect(file.size).toBe(3_000_000_000n);
    const job = await db.prisma.processingJob.create({ data: { projectId: project.id } });
    await db.prisma.outputFile.create({
      data: {
        jobId: job.id,
        filename: 'o.mp4',
        path: '/o.mp4',
        size: 1,
        duration: 1,
        metadata: {},
        sourceFiles: [file.id],
      },
    });
    await db.prisma.creditTransaction.create({
      data: { userId: user.id, amount: 5, type: 'PURCHASE', description: 'x' },
    });

    await db.prisma.videoGroup.delete({ where: { id: group.id } });
    expect(
      (await db.prisma.videoFile.findUniqueOrThrow({ where: { id: file.id } })).groupId,
    ).toBeNull();

    await db.prisma.user.delete({ where: { id: user.id } });
    expect(await db.prisma.project.count({ where: { id: project.id } })).toBe(0);
    expect(await db.prisma.videoFile.count({ where: { id: file.id } })).toBe(0);
    expect(await db.prisma.processingJob.count({ where: { id: job.id } })).toBe(0);
    expect(await db.prisma.outputFile.count({ where: { jobId: job.id } })).toBe(0);
    expect(await db.prisma.creditTransaction.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('seed', () => {
  it('is idempotent: twice leaves one user and one project', async () => {
    await seed(db.prisma);
    await seed(db.prisma);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: SEED_EMAIL } });
    expect(await db.prisma.user.count({ where: { email: SEED_EMAIL } })).toBe(1);
    expect(await db.prisma.project.count({ where: { userId: user.id } })).toBe(1);
    expect(user.credits).toBe(1000);
    expect(user.licenseType).toBe('PREMIUM');
    expect(user.licenseExpiry!.getTime()).toBeGreaterThan(Date.now());
  });
});
