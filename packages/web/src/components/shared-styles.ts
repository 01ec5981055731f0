import { css } from 'lit';

/** Tables, forms, buttons and badges shared by the cards. */
export const shared = css`
  :host { display: block; }
  a { color: #1d4ed8; text-decoration: none; }
  a:hover { text-decoration: underline; }
  h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
  h2 { margin: 0 0 4px; font-size: 20px; font-weight: 650; }
  .sub { color: #6b7280; margin-bottom: 16px; }
  .card { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 16px 20px; margin-bottom: 16px; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-bottom: 12px; }
  .toolbar .grow { flex: 1; }
  .toolbar input.serial-search { width: 300px; }
  input, select, textarea { font: inherit; font-size: 13px; padding: 6px 8px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; color: inherit; }
  /* Checked as the user types (after the first edit): a wrong value is marked at once. */
  input:user-invalid, select:user-invalid { border-color: #dc2626; background: #fef2f2; }
  input[aria-invalid='true'], select[aria-invalid='true'] { border-color: #dc2626; background: #fef2f2; }
  /* The message beside a refused field: what is wrong, in words (not only the red border). */
  .field-error { display: block; color: #b91c1c; font-size: 12px; margin-top: 3px; }
  .field-error:empty { display: none; }
  input:focus, select:focus, textarea:focus { outline: 2px solid #93c5fd; outline-offset: 0; border-color: #3b82f6; }
  button { font: inherit; font-size: 13px; padding: 6px 12px; border-radius: 6px; border: 1px solid #d1d5db; background: #fff; color: #1f2937; cursor: pointer; }
  button:hover { background: #f3f4f6; }
  button.primary { background: #2563eb; border-color: #2563eb; color: #fff; }
  button.primary:hover { background: #1d4ed8; }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
  table { width: 100%; border-collapse: collapse; background: #fff; font-size: 13px; }
  th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  th { background: #f9fafb; font-weight: 600; color: #374151; white-space: nowrap; user-select: none; }
  th button.sort { border: 0; background: none; padding: 0; font-weight: 600; color: inherit; }
  th button.sort:hover { text-decoration: underline; background: none; }
  tbody tr:hover { background: #f8fafc; }
  tr.selected, tr.selected:hover { background: #dbeafe; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  /* A wide table of many columns: headers wrap instead of pushing the last columns out. */
  table.dense th { white-space: normal; vertical-align: bottom; }
  table.dense td { font-size: 12.5px; }
  .table-wrap { border: 1px solid #e5e7eb; border-radius: 10px; overflow: auto; }
  .pager { display: flex; align-items: center; justify-content: flex-end; gap: 8px; padding: 8px 2px; color: #6b7280; font-size: 13px; }
  form.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px 14px; align-items: end; }
  form.grid label { display: block; font-size: 12px; color: #4b5563; }
  form.grid label > input:not([type=checkbox]), form.grid label > select, form.grid label > textarea { display: block; width: 100%; box-sizing: border-box; margin-top: 4px; }
  form.grid label.check { align-self: center; font-size: 13px; color: #1f2937; }
  label .req { color: #dc2626; margin-left: 2px; }
  .actions { display: flex; gap: 8px; margin-top: 12px; }
  .error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px; padding: 8px 10px; margin: 8px 0; font-size: 13px; }
  dl.info { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; font-size: 13px; }
  dl.info dt { color: #6b7280; }
  dl.info dd { margin: 0; }
  .card > strong + dl.info { margin-top: 10px; }
  .tabs { display: flex; gap: 4px; border-bottom: 1px solid #e5e7eb; margin: 8px 0 12px; }
  .tabs button { border: 0; border-bottom: 2px solid transparent; border-radius: 0; background: none; padding: 8px 12px; color: #4b5563; }
  .tabs button[aria-selected='true'] { border-bottom-color: #2563eb; color: #1d4ed8; font-weight: 600; }
  .serial { margin-right: 8px; white-space: nowrap; }
  /* F06: black — fresh and no error; blue — no reading for the stale-days setting; red — an error; grey struck-through — decommissioned. */
  .state-ok { color: #111827; }
  .state-stale { color: #2563eb; }
  .state-error { color: #dc2626; }
  .state-decommissioned { color: #9ca3af; text-decoration: line-through; }
  .legend { display: flex; gap: 14px; font-size: 12px; color: #6b7280; margin: 6px 0 0; }
  .muted { color: #9ca3af; }
  details.columns { position: relative; }
  details.columns summary { list-style: none; cursor: pointer; font-size: 13px; padding: 6px 12px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; }
  details.columns[open] .menu { position: absolute; right: 0; z-index: 5; background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px 12px; box-shadow: 0 8px 24px rgba(0,0,0,.12); display: flex; flex-direction: column; gap: 4px; min-width: 200px; }
  details.columns label { display: flex; gap: 8px; align-items: center; font-size: 13px; }
  /* A long list scrolled in its own box, the header kept in view (virtualised rows). */
  .scroller { max-height: 560px; overflow: auto; border: 1px solid #e5e7eb; border-radius: 10px; }
  .scroller table thead th { position: sticky; top: 0; z-index: 1; box-shadow: inset 0 -1px 0 #e5e7eb; }
  .scroller tbody tr.row { height: 34px; }
  .scroller tbody tr.row td { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 320px; padding-top: 0; padding-bottom: 0; vertical-align: middle; height: 34px; box-sizing: border-box; }
  tr.spacer td { padding: 0; border: 0; }
  .segmented { display: inline-flex; border: 1px solid #d1d5db; border-radius: 6px; overflow: hidden; }
  .segmented button { border: 0; border-radius: 0; padding: 4px 10px; font-size: 12px; }
  .segmented button[aria-pressed='true'] { background: #2563eb; color: #fff; }
  .card-head { display: flex; align-items: center; gap: 12px; margin-bottom: 8px; }
  .card-head strong { flex: 1; }
  .notice { color: #166534; background: #f0fdf4; border: 1px solid #bbf7d0; border-radius: 6px; padding: 8px 10px; margin: 8px 0; font-size: 13px; }
  .placeholder { border: 1px dashed #d1d5db; border-radius: 10px; padding: 16px; color: #6b7280; text-align: center; margin-bottom: 16px; }
`;
