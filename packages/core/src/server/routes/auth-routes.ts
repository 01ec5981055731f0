import 'reflect-metadata';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { AuthService } from '../../services/auth-service.js';
import { actorOf, clientIp, defineRoute, sessionUser } from '../route.js';

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
export const authRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-auth-routes',
  register(server, { container }) {
    const auth = container.resolve(AuthService);
    server.route([
      defineRoute({
        method: 'POST',
        path: '/api/auth/login',
        access: 'public',
        description: 'Log in with email and password; sets the session cookie',
        validate: {
          payload: Joi.object({
            email: Joi.string().email({ tlds: false }).max(320).required(),
            password: Joi.string().min(1).max(1000).required(),
          }),
        },
        handler: async (request, h) => {
          const { email, password } = request.payload as { email: string; password: string };
          const { sessionId, user } = await auth.login(email, password, clientIp(request), String(request.headers['user-agent'] ?? ''));
          request.cookieAuth.set({ sid: sessionId });
          return h.response({ id: user.id, email: user.email, name: user.name, role: user.role, lang: user.lang });
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/auth/logout',
        access: 'operator',
        description: 'Log out: ends the session',
        handler: async (request, h) => {
          const user = sessionUser(request)!;
          await auth.logout(actorOf(request), user.sessionId);
          request.cookieAuth.clear();
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/auth/me',
        access: 'operator',
        description: 'The logged-in user',
        handler: (request) => {
          const u = sessionUser(request)!;
          return { id: u.id, email: u.email, name: u.name, role: u.role, lang: u.lang };
        },
      }),
    ]);
  },
};
