/**
 * The HTML shell of every Knobs webview panel (the dashboard, the LR finder): a strict CSP with a
 * per-load nonce, the bundled app and its css as webview URIs, and `<div id="app">` to mount on.
 * Pure (URIs come in as strings).
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri(dist/<bundle>.js) */
  scriptUri: string;
  /** asWebviewUri(dist/<bundle>.css) */
  styleUri: string;
  /** asWebviewUri(media/dashboard.css), optional host styles */
  mediaStyleUri?: string;
  nonce?: string;
  title?: string;
}

export function makeNonce(): string {
  return (
    randomBytes(18)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 24) || 'knobsnonce'
  );
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function webviewHtml(o: WebviewHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  const csp = contentSecurityPolicy(o.cspSource, nonce);
  const title = escapeAttr(o.title ?? 'Knobs dashboard');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}" nonce="${nonce}">
${o.mediaStyleUri ? `<link rel="stylesheet" href="${escapeAttr(o.mediaStyleUri)}" nonce="${nonce}">\n` : ''}</head>
<body>
<div id="app" data-nonce="${nonce}"></div>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
