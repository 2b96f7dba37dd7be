import type { Router } from 'express';
import type { Services } from '../../services';
import type { PageDeps } from '../router';

/** The partner dashboard: /dashboard. */
export function dashboardPages(_router: Router, _services: Services, _deps: PageDeps): void {}
