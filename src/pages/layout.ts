import { html, type Html } from './html';

export interface PageOptions {
  title: string;
  body: Html;
  /** Shown above the content: who the page is from or for. */
  header?: Html;
  /** More stylesheets under /assets (the dashboard's). */
  stylesheets?: string[];
}

/** The document every page is: one stylesheet and one script, both files served here (the CSP allows nothing inline). */
export function layout({ title, body, header, stylesheets = [] }: PageOptions): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · offerflow</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/pages.css" />
        ${stylesheets.map((s) => html`<link rel="stylesheet" href="/assets/${s}" />`)}
        <script src="/assets/pages.js" defer></script>
      </head>
      <body>
        <header class="site">${header ?? html`<span class="brand">offerflow</span>`}</header>
        <main id="main">${body}</main>
      </body>
    </html> `.value;
}
