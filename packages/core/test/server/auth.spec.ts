import { expect } from 'chai';
import { createTestApp, TEST_ADMIN, type TestApp } from '../../src/testing/test-app.js';

describe('server/auth', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp();
  });
  after(async () => {
    await app?.close();
  });

  describe('POST /api/auth/login', () => {
    it('sets an httpOnly SameSite=Lax session cookie and answers the user', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: TEST_ADMIN });
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.include({ email: TEST_ADMIN.email, role: 'administrator' });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).to.match(/openamr_sid=/).and.match(/HttpOnly/).and.match(/SameSite=Lax/);
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', cookie: cookie.split(';')[0] });
      expect(me.statusCode).to.equal(200);
      expect(me.json().email).to.equal(TEST_ADMIN.email);
    });

    it('refuses a wrong password with 401 and journals login-failed', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: TEST_ADMIN.email, password: 'wrong-one' } });
      expect(res.statusCode).to.equal(401);
      expect(res.json().message).to.equal('Неверный email или пароль');
      const row = await app.database.knex('audit_log').where({ action: 'login-failed' }).orderBy('seq', 'desc').first();
      expect(row.user_email).to.equal(TEST_ADMIN.email);
    });

    it('names the field when the payload is invalid', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'not-an-email', password: 'x' } });
      expect(res.statusCode).to.equal(400);
      expect(res.json().field).to.equal('email');
      expect(res.json().message).to.contain('email');
    });
  });
});
