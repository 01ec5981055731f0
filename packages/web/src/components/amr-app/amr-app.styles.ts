import { css } from 'lit';

export const styles = css`
  :host { display: block; min-height: 100vh; }
  .layout { display: grid; grid-template-columns: 240px minmax(0, 1fr); min-height: 100vh; }
  aside { background: #111827; color: #e5e7eb; padding: 0 12px 20px; }
  .brand { display: flex; align-items: center; gap: 10px; height: 56px; margin-bottom: 12px; padding: 0 12px; font-weight: 700; font-size: 17px; color: #fff; }
  .mark { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, #3b82f6, #06b6d4); }
  nav { display: flex; flex-direction: column; gap: 2px; }
  nav a { color: #cbd5e1; text-decoration: none; padding: 8px 12px; border-radius: 6px; font-size: 14px; font-weight: 500; }
  nav a:hover { background: #1f2937; color: #fff; }
  nav a[aria-current='page'] { background: #1e3a8a; color: #fff; box-shadow: inset 3px 0 0 #60a5fa; }
  nav a:focus-visible { outline: 2px solid #60a5fa; outline-offset: -2px; }
  .body { display: flex; flex-direction: column; min-width: 0; }
  header { display: flex; justify-content: flex-end; align-items: center; gap: 20px; height: 56px; padding: 0 32px; background: #fff; border-bottom: 1px solid #e5e7eb; }
  .user { display: flex; align-items: center; gap: 10px; }
  .avatar { display: grid; place-items: center; width: 30px; height: 30px; border-radius: 50%; background: #e0e7ff; color: #3730a3; font-size: 13px; font-weight: 700; }
  .who { display: flex; flex-direction: column; line-height: 1.25; }
  .email { font-size: 13px; font-weight: 600; }
  .role { font-size: 12px; color: #6b7280; }
  .logout { margin-left: 6px; border: 1px solid #d1d5db; background: #fff; color: #374151; border-radius: 6px; padding: 5px 12px; font: inherit; font-size: 13px; cursor: pointer; }
  .logout:hover { background: #f3f4f6; }
  .logout:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
  main { padding: 32px 40px; max-width: 1120px; }
  h1 { margin: 0 0 20px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
  .panel { background: #fff; border: 1px dashed #d1d5db; border-radius: 10px; padding: 40px 24px; color: #6b7280; text-align: center; font-size: 14px; }
`;
