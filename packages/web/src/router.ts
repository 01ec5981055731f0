/**
 * URL routing: every card has a deep link, back and forward work. Links are plain
 * `<a href="/…">`; the shell catches their clicks (through shadow roots) and pushes the
 * path, or any element calls `navigate(path)`.
 */
export const ROUTE_CHANGE = 'amr-route-change';

export interface Route {
  name: 'overview' | 'building' | 'premise' | 'meter' | 'reports' | 'reference' | 'settings' | 'guide';
  id?: string;
}

const PATTERNS: Array<[RegExp, Route['name']]> = [
  [/^\/buildings\/([0-9a-f-]{36})\/?$/, 'building'],
  [/^\/premises\/([0-9a-f-]{36})\/?$/, 'premise'],
  [/^\/meters\/([0-9a-f-]{36})\/?$/, 'meter'],
  [/^\/reports(\/.*)?$/, 'reports'],
  [/^\/reference(\/.*)?$/, 'reference'],
  [/^\/settings(\/.*)?$/, 'settings'],
  [/^\/guide(\/.*)?$/, 'guide'],
];

export function routeOf(path: string): Route {
  for (const [re, name] of PATTERNS) {
    const m = re.exec(path);
    if (m) return m[1] && /^[0-9a-f-]{36}$/.test(m[1]) ? { name, id: m[1] } : { name };
  }
  return { name: 'overview' };
}

export function navigate(path: string): void {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  window.dispatchEvent(new CustomEvent(ROUTE_CHANGE));
}

/** A click on an in-app link anywhere in the page (shadow roots included) becomes a navigation. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
    e.preventDefault();
    navigate(href);
  });
}
