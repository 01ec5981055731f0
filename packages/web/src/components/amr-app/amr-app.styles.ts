import { css } from 'lit';

export const styles = css`
  :host { display: block; min-height: 100vh; }
  .layout { display: grid; grid-template-columns: 232px 1fr; min-height: 100vh; }
  nav { background: #24292f; color: #fff; padding: 20px 12px; display: flex; flex-direction: column; gap: 4px; }
  .brand { font-weight: 700; font-size: 18px; padding: 0 12px 20px; letter-spacing: 0.3px; }
  .brand span { color: #58a6ff; }
  nav a { color: #d0d7de; text-decoration: none; padding: 8px 12px; border-radius: 6px; font-size: 15px; }
  nav a:hover { background: #32383f; color: #fff; }
  nav a[aria-current='page'] { background: #1f6feb; color: #fff; }
  header { display: flex; justify-content: flex-end; align-items: center; gap: 16px; padding: 12px 28px; background: #fff; border-bottom: 1px solid #d0d7de; font-size: 14px; }
  .role { color: #57606a; }
  .langs button, .logout { border: 1px solid #d0d7de; background: #fff; border-radius: 6px; padding: 4px 10px; font: inherit; cursor: pointer; }
  .langs button[aria-pressed='true'] { background: #ddf4ff; border-color: #54aeff; }
  main { padding: 28px; }
  h1 { margin: 0 0 12px; font-size: 26px; }
  p { color: #57606a; }
`;
