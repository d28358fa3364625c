import { Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { NatsLifecycle } from '@app/messaging';
import { AllExceptionsFilter } from '../../apps/gateway/src/common/filters/all-exceptions.filter';
import { HealthController } from '../../apps/gateway/src/health/health.controller';
import { HealthRepository } from '../../apps/gateway/src/health/health.repository';
import { createProject, registerUser } from '../support/factories';
import { useSystem } from '../support/system';

jest.setTimeout(60_000);

const SECRET_PATH = '/srv/vmp/internal/db.sock';

@Controller('boom')
class BoomController {
  @Get()
  boom(): never {
    throw new Error(`connect ECONNREFUSED ${SECRET_PATH}: password authentication failed`);
  }
}

/** The filter and the health controller alone, with a database that does not answer. */
async function appWithDeadDatabase(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule],
    controllers: [HealthController, BoomController],
    providers: [
      {
        provide: HealthRepository,
        useValue: { ping: () => Promise.reject(new Error(`could not connect to ${SECRET_PATH}`)) },
      },
      { provide: NatsLifecycle, useValue: { isConnected: () => true } },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.init();
  return app;
}

describe('what a client learns of a failure', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appWithDeadDatabase();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('an unexpected error is "internal error" with a request id, and no stack, driver message or path', async () => {
    const res = await request(app.getHttpServer()).get('/boom').expect(500);
    expect(res.body).toMatchObject({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal error',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|password|srv|at /);
  });

  it('/health/ready names the dependency that is down, never why', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.details.database).toEqual({ status: 'down' });
    expect(res.body.details.nats).toEqual({ status: 'up' });
    expect(JSON.stringify(res.body)).not.toContain(SECRET_PATH);
    expect(JSON.stringify(res.body)).not.toMatch(/connect/);
  });
});

describe('an upload ffprobe refuses', () => {
  const sys = useSystem();

  it('answers 400 with a fixed reason: no ffprobe output, no server path', async () => {
    const { token } = await registerUser(sys.gw.server);
    const project = await createProject(sys.gw.server, token);
    const res = await request(sys.gw.server)
      .post(`/api/v1/projects/${project.id}/videos`)
      .set('Authorization', `Bearer ${token}`)
      .attach('file', Buffer.from('this is text, not a video '.repeat(200)), 'clip.mp4')
      .expect(400);
    expect(res.body.message).toMatch(/^not a usable video: /);
    const body = JSON.stringify(res.body);
    expect(body).not.toContain(process.env.UPLOAD_TMP_DIR!);
    expect(body).not.toMatch(/\/tmp|Invalid data|ffprobe/i);
  });
});
