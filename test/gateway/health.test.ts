import request from 'supertest';
import { useSystem } from '../support/system';

const sys = useSystem();

describe('health', () => {
  it('answers liveness outside the API prefix', async () => {
    const res = await request(sys.gw.server).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('reports the database and NATS ready', async () => {
    const res = await request(sys.gw.server).get('/health/ready').expect(200);
    expect(res.body.details.database.status).toBe('up');
    expect(res.body.details.nats.status).toBe('up');
  });

  it('serves the OpenAPI document with both security schemes', async () => {
    const res = await request(sys.gw.server).get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
  });
});
