/**
 * Loa Bản's routes check what they receive with zod, not with JSON schemas: fastify's schema
 * compilers (ajv and fast-json-stringify, about 50 ms and a few MB of every start) are loaded only
 * when a route declares a schema, and then check it as fastify's own would.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/core/http/server.ts';
import { createLogger } from '../../src/core/log.ts';

const loaded = (name: string) => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(`/node_modules/${name}/`));

describe('the http server', () => {
  it('loads the schema compilers only for a route with a schema, which they then check', async () => {
    const http = createHttpServer(createLogger('silent'));
    http.post('/plain', async (req) => ({ got: req.body }));
    await http.ready();
    expect((await http.inject({ method: 'GET', url: '/health' })).json()).toEqual({ ok: true });
    expect((await http.inject({ method: 'POST', url: '/plain', payload: { a: 1 } })).json()).toEqual({ got: { a: 1 } });
    expect(loaded('@fastify/ajv-compiler')).toBe(false);
    expect(loaded('ajv')).toBe(false);
    expect(loaded('@fastify/fast-json-stringify-compiler')).toBe(false);
    await http.close();

    const checked = createHttpServer(createLogger('silent'));
    checked.post(
      '/count',
      {
        schema: {
          body: { type: 'object', required: ['count'], properties: { count: { type: 'integer', minimum: 0 } } },
          response: { 200: { type: 'object', properties: { count: { type: 'integer' } } } },
        },
      },
      async (req) => ({ count: (req.body as { count: number }).count, secret: 'not in the schema' }),
    );
    await checked.ready();
    const refused = await checked.inject({ method: 'POST', url: '/count', payload: { count: -1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/count/);
    const answered = await checked.inject({ method: 'POST', url: '/count', payload: { count: 3 } });
    expect(answered.json()).toEqual({ count: 3 });
    expect(loaded('@fastify/ajv-compiler')).toBe(true);
    await checked.close();
  });
});
