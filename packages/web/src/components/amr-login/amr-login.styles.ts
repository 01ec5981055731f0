import { css } from 'lit';

export const styles = css`
  :host { display: grid; place-items: center; min-height: 100vh; padding: 24px; box-sizing: border-box; position: relative; }
  .langs { position: absolute; top: 20px; right: 24px; }
  .column { width: 100%; max-width: 360px; margin-bottom: 8vh; }
  .brand { display: flex; align-items: center; justify-content: center; gap: 10px; }
  .mark { width: 28px; height: 28px; border-radius: 8px; background: linear-gradient(135deg, #2563eb, #0891b2); }
  .name { font-size: 22px; font-weight: 700; letter-spacing: -0.01em; }
  .tagline { text-align: center; color: #6b7280; font-size: 14px; margin: 8px 0 28px; }
  .card { background: #fff; border: 1px solid #e5e7eb; border-radius: 12px; padding: 28px 32px 32px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04), 0 8px 24px rgba(16, 24, 40, 0.06); }
  h1 { font-size: 18px; font-weight: 600; margin: 0 0 20px; }
  label { display: block; font-size: 13px; font-weight: 600; color: #374151; margin: 0 0 6px; }
  input { box-sizing: border-box; width: 100%; padding: 9px 12px; border: 1px solid #d1d5db; border-radius: 8px; font: inherit; font-size: 15px; margin-bottom: 18px; background: #fff; color: inherit; }
  input:focus { outline: none; border-color: #2563eb; box-shadow: 0 0 0 3px rgba(37, 99, 235, 0.18); }
  button { width: 100%; margin-top: 4px; padding: 10px; border: 0; border-radius: 8px; background: #2563eb; color: #fff; font: inherit; font-size: 15px; font-weight: 600; cursor: pointer; }
  button:hover { background: #1d4ed8; }
  button:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
  button[disabled] { opacity: 0.6; cursor: progress; }
  .notice { color: #92400e; background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; padding: 9px 12px; font-size: 14px; margin-bottom: 18px; }
  .error { color: #b91c1c; font-size: 14px; text-align: center; min-height: 20px; margin-top: 14px; }
`;
