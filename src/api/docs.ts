import path from 'node:path';
import express, { Router } from 'express';
import { PROBLEM_TYPES, type ProblemSlug } from './problem-types';
import { docsContentSecurityPolicy } from './security-headers';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** GET /openapi.json, GET /docs (Swagger UI, served locally) and GET /problems/<slug>. */
export function docsRouter(openApi: () => Record<string, unknown>): Router {
  const router = Router();
  let cached: Record<string, unknown> | undefined;
  router.get('/openapi.json', (_req, res) => {
    cached ??= openApi();
    res.json(cached);
  });

  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.use('/docs', docsContentSecurityPolicy());
  router.use('/docs/assets', express.static(swaggerDir, { index: false, maxAge: '1d' }));
  router.get('/docs', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>offerflow API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(`window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`);
  });

  router.get('/problems', (_req, res) => {
    res.json(Object.entries(PROBLEM_TYPES).map(([slug, p]) => ({ type: `/problems/${slug}`, ...p })));
  });
  router.get('/problems/:slug', (req, res, next) => {
    const slug = req.params.slug as ProblemSlug;
    const p = PROBLEM_TYPES[slug];
    if (!p || !Object.hasOwn(PROBLEM_TYPES, slug)) return next();
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ type: `/problems/${slug}`, ...p });
      return;
    }
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title></head>
<body><h1>${esc(p.title)}</h1><p>HTTP ${p.status} · <code>/problems/${esc(slug)}</code></p><p>${esc(p.description)}</p>
<p><a href="/problems">All problem types</a> · <a href="/docs">API documentation</a></p></body></html>`);
  });
  return router;
}
