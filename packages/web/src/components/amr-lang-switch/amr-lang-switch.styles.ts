import { css } from 'lit';

export const styles = css`
  :host { display: inline-block; }
  div { display: inline-flex; border: 1px solid var(--amr-border, #d0d7de); border-radius: 6px; overflow: hidden; background: #fff; }
  button { border: 0; background: transparent; padding: 4px 10px; font: inherit; font-size: 12px; font-weight: 600; letter-spacing: 0.04em; color: #57606a; cursor: pointer; }
  button + button { border-left: 1px solid var(--amr-border, #d0d7de); }
  button:hover { background: #f3f4f6; }
  button[aria-pressed='true'] { background: #1f2937; color: #fff; }
  button:focus-visible { outline: 2px solid #2563eb; outline-offset: -2px; }
`;
