/** Vite's `?inline` imports: the file's text (CSS put into a component's shadow root). */
declare module '*?inline' {
  const text: string;
  export default text;
}

/** Vite's `?raw` imports: a file's text (the user guide's Markdown). */
declare module '*?raw' {
  const text: string;
  export default text;
}
