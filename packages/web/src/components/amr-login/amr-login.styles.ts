import { css } from 'lit';

export const styles = css`
  :host { display: grid; place-items: center; min-height: 100vh; }
  form { background: #fff; border: 1px solid #d0d7de; border-radius: 12px; padding: 32px; width: 340px; box-shadow: 0 8px 24px rgba(140, 149, 159, 0.2); }
  h1 { font-size: 20px; margin: 0 0 24px; }
  label { display: block; font-size: 14px; font-weight: 600; margin: 0 0 6px; }
  input { box-sizing: border-box; width: 100%; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 6px; font: inherit; margin-bottom: 16px; }
  input:focus { outline: 2px solid #0969da; border-color: transparent; }
  button { width: 100%; padding: 9px; border: 0; border-radius: 6px; background: #1f6feb; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  button[disabled] { opacity: 0.6; cursor: default; }
  .error { color: #cf222e; font-size: 14px; margin-top: 14px; }
  .notice { color: #9a6700; background: #fff8c5; border-radius: 6px; padding: 8px 10px; font-size: 14px; margin-bottom: 16px; }
`;
