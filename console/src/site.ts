/**
 * How the console's files are served, wherever they are served from (the local server, CloudFront on
 * AWS): one Content-Security-Policy and one set of security headers. The console loads nothing but
 * its own files and talks only to the keyledger API, so the policy allows exactly that: no inline
 * script or style, no other origin, no framing.
 */

/** The Content-Security-Policy of the console; `apiOrigins` are the API origins other than its own (AWS). */
export function consoleCsp(apiOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${["'self'", ...apiOrigins].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of every console file besides the CSP. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The files of a built console (scripts/build-console.mjs), and their content types. */
export const CONSOLE_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'reference.html': 'text/html; charset=utf-8',
  'reference.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};
