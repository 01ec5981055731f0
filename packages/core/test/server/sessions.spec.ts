import { expect } from 'chai';
import { createTestApp, TEST_ADMIN, type TestApp } from '../../src/testing/test-app.js';

describe('server/sessions', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp();
  });
  after(() => app?.close());

  async function login(email: string, password: string) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    return { res, cookie: String(res.headers['set-cookie'] ?? '').split(';')[0] };
  }

  it('ends the session on logout: the old cookie is refused afterwards', async () => {
    const { cookie } = await login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', cookie })).statusCode).to.equal(204);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', cookie })).statusCode).to.equal(401);
    const actions = (await app.database.knex('audit_log').orderBy('seq').pluck('action')) as string[];
    expect(actions.slice(-2)).to.deep.equal(['login', 'logout']);
  });

  it('ends the sessions of a deactivated user at once', async () => {
    const admin = await app.loginAs('administrator');
    const created = await app.inject({ method: 'POST', url: '/api/users', cookie: admin, payload: { email: 'leaver@test.local', password: 'leaver-pass-1', role: 'manager' } });
    expect(created.statusCode).to.equal(201);
    const { cookie } = await login('leaver@test.local', 'leaver-pass-1');
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', cookie })).statusCode).to.equal(200);
    const patched = await app.inject({ method: 'PATCH', url: `/api/users/${created.json().id}`, cookie: admin, payload: { active: false } });
    expect(patched.statusCode).to.equal(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', cookie })).statusCode).to.equal(401);
    expect((await login('leaver@test.local', 'leaver-pass-1')).res.statusCode).to.equal(401);
  });

  it('answers 429 after five failed logins for one email, even with the right password', async () => {
    const admin = await app.loginAs('administrator');
    await app.inject({ method: 'POST', url: '/api/users', cookie: admin, payload: { email: 'guessed@test.local', password: 'guessed-pass-1', role: 'operator' } });
    for (let i = 0; i < 5; i++) expect((await login('guessed@test.local', `wrong-${i}`)).res.statusCode).to.equal(401);
    const blocked = await login('guessed@test.local', 'guessed-pass-1');
    expect(blocked.res.statusCode).to.equal(429);
    expect(blocked.res.json().message).to.contain('Слишком много неудачных попыток');
  });

  it('refuses a mutating request from a foreign Origin and allows the same origin and scripts', async () => {
    const admin = await app.loginAs('administrator');
    const payload = { email: 'origin@test.local', password: 'origin-pass-1', role: 'operator' };
    const foreign = await app.inject({ method: 'POST', url: '/api/users', cookie: admin, payload, headers: { origin: 'https://evil.example' } });
    expect(foreign.statusCode).to.equal(403);
    expect(await app.database.knex('users').where({ email: 'origin@test.local' }).first()).to.equal(undefined);
    const same = await app.inject({ method: 'POST', url: '/api/users', cookie: admin, payload, headers: { origin: `http://${app.server.info.host}:${app.server.info.port}`, host: `${app.server.info.host}:${app.server.info.port}` } });
    expect(same.statusCode).to.equal(201);
  });

  it('answers in English when the user asks for it', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/users', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(res.statusCode).to.equal(401);
    expect(res.json()).to.deep.equal({ statusCode: 401, error: 'Unauthorized', message: 'Please log in' });
  });
});
