/** Vite's `?inline` imports: the file's text (CSS put into a component's shadow root). */
declare module '*?inline' {
  const text: string;
  export default text;
}
