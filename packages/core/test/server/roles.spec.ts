import { expect } from 'chai';
import Hapi from '@hapi/hapi';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { assertAccessRules } from '../../src/server/create-server.js';
import { defineRoute, PUBLIC_PATHS, type Access } from '../../src/server/route.js';

const RANK: Record<string, number> = { anonymous: 0, operator: 1, manager: 2, administrator: 3 };
const CALLERS = ['anonymous', 'operator', 'manager', 'administrator'] as const;
const FAKE_ID = '00000000-0000-4000-8000-000000000000';

function concretePath(path: string): string {
  return path.replace(/\{[^}]+\*\}/g, 'x').replace(/\{[^}]+\}/g, FAKE_ID);
}

/**
 * The role table (F16): every route of the server, generated from its route table, called
 * as anonymous, operator, manager and administrator. A new route cannot be forgotten.
 */
describe('server/roles', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }] });
  });
  after(() => app?.close());

  it('has an access rule on every route and only documented public paths', () => {
    const routes = app.server.table();
    expect(routes.length).to.be.greaterThan(8);
    for (const r of routes) {
      const access = (r.settings.app as { access?: Access }).access;
      expect(access, `${r.method} ${r.path}`).to.be.a('string');
      if (access === 'public') {
        expect(PUBLIC_PATHS.includes(r.path) || r.path.startsWith('/plugins/') || r.path === '/{path*}', r.path).to.equal(true);
      }
    }
  });

  it('answers every route with 401 / 403 / allowed by the caller\'s role', async () => {
    const cookies = Object.fromEntries(await Promise.all(CALLERS.map(async (c) => [c, await app.loginAs(c)])));
    const failures: string[] = [];
    for (const r of app.server.table()) {
      const access = (r.settings.app as { access: Access }).access;
      // Logging out would end the session the table reuses; it is checked in auth.spec.
      if (r.path === '/api/auth/logout') continue;
      for (const caller of CALLERS) {
        const res = await app.inject({ method: r.method.toUpperCase(), url: concretePath(r.path), cookie: cookies[caller], payload: r.method === 'get' ? undefined : {} });
        const allowed = access === 'public' || RANK[caller]! >= RANK[access]!;
        const expected = allowed ? 'allowed' : caller === 'anonymous' ? 401 : 403;
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : 'allowed';
        if (expected !== got) failures.push(`${r.method.toUpperCase()} ${r.path} as ${caller}: expected ${expected}, got ${res.statusCode}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('refuses to start a server with a route that states no access rule', async () => {
    const server = Hapi.server();
    server.route({ method: 'GET', path: '/api/forgotten', handler: () => 'x' });
    expect(() => assertAccessRules(server)).to.throw('route GET /api/forgotten has no access rule');
  });

  it('refuses a public route that is not a documented public path', async () => {
    const server = Hapi.server();
    server.route(defineRoute({ method: 'GET', path: '/api/secret', access: 'public', handler: () => 'x' }));
    expect(() => assertAccessRules(server)).to.throw('is public but is not one of the documented public paths');
  });
});
