import type { Router } from 'express';
import type { Services } from '../../services';
import type { PageDeps } from '../router';

/** The pages behind the links customers receive: /i/<code>, /o/<code>, /d/<code>. */
export function customerPages(_router: Router, _services: Services, _deps: PageDeps): void {}
