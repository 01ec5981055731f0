import { expect } from 'chai';
import sinon from 'sinon';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { AuditService } from '../../src/services/audit-service.js';

describe('services/audit-service', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp();
  });
  after(() => app?.close());
  afterEach(() => sinon.restore());

  describe('record()', () => {
    it('journals a user change with who, when, IP, before and after, without the password', async () => {
      const admin = await app.loginAs('administrator');
      const res = await app.inject({ method: 'POST', url: '/api/users', cookie: admin, payload: { email: 'new@test.local', password: 'new-password-1', role: 'operator' } });
      expect(res.statusCode).to.equal(201);
      const update = await app.inject({ method: 'PATCH', url: `/api/users/${res.json().id}`, cookie: admin, payload: { role: 'manager', password: 'another-pass-2' } });
      expect(update.statusCode).to.equal(200);
      const list = await app.inject({ method: 'GET', url: `/api/audit?entity=user&entityId=${res.json().id}`, cookie: admin });
      const items = list.json().items;
      expect(items.map((i: { action: string }) => i.action)).to.deep.equal(['update', 'create']);
      expect(items[0]).to.include({ userEmail: 'admin@test.local', ip: '127.0.0.1', entity: 'user' });
      expect(items[0].before.role).to.equal('operator');
      expect(items[0].after.role).to.equal('manager');
      expect(items[0].after.password).to.equal('***');
      expect(JSON.stringify(items)).not.to.contain('another-pass-2').and.not.to.contain('argon2');
    });

    it('rolls the change back when its audit entry cannot be written (same transaction)', async () => {
      const admin = await app.loginAs('administrator');
      sinon.stub(app.container.resolve(AuditService), 'record').rejects(new Error('disk full'));
      const res = await app.inject({ method: 'POST', url: '/api/users', cookie: admin, payload: { email: 'ghost@test.local', password: 'ghost-password-1', role: 'operator' } });
      expect(res.statusCode).to.equal(500);
      expect(res.json().message).to.equal('Внутренняя ошибка сервера');
      expect(await app.database.knex('users').where({ email: 'ghost@test.local' }).first()).to.equal(undefined);
    });
  });

  describe('audit_log table', () => {
    it('is append-only: the database refuses to update or delete an entry', async () => {
      const knex = app.database.knex;
      await knex('audit_log').insert({ action: 'create', entity: 'x' });
      let updateError: unknown;
      try {
        await knex('audit_log').update({ entity: 'y' });
      } catch (err) {
        updateError = err;
      }
      expect(String(updateError)).to.contain('append-only');
      let deleteError: unknown;
      try {
        await knex('audit_log').delete();
      } catch (err) {
        deleteError = err;
      }
      expect(String(deleteError)).to.contain('append-only');
    });
  });

  describe('GET /api/audit', () => {
    it('filters by user, action and dates', async () => {
      const admin = await app.loginAs('administrator');
      const me = (await app.inject({ method: 'GET', url: '/api/auth/me', cookie: admin })).json();
      const today = new Date().toISOString().slice(0, 10);
      const res = await app.inject({ method: 'GET', url: `/api/audit?userId=${me.id}&action=login&from=${today}&to=${today}`, cookie: admin });
      expect(res.statusCode).to.equal(200);
      expect(res.json().total).to.be.greaterThan(0);
      for (const item of res.json().items) expect(item).to.include({ userId: me.id, action: 'login' });
      const none = await app.inject({ method: 'GET', url: `/api/audit?userId=${me.id}&from=2000-01-01&to=2000-01-02`, cookie: admin });
      expect(none.json()).to.deep.equal({ items: [], total: 0 });
      const bad = await app.inject({ method: 'GET', url: '/api/audit?action=rename', cookie: admin });
      expect(bad.statusCode).to.equal(400);
      expect(bad.json().field).to.equal('action');
    });
  });
});
