// Vite's `?url` imports: the built file's address in the console's own assets (no CDN, the CSP allows only 'self').
declare module '*?url' {
  const src: string;
  export default src;
}
