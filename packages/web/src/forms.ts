/** A form's filled fields as strings (empty ones left out, so the server applies its defaults). */
export function formBody(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)]));
}
