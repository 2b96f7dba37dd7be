import type { Models } from '../src/db/models';
import { createInvitationActivities } from './invitations/activities';
import { createMaintenanceActivities } from './maintenance/activities';

export interface ActivityDeps {
  models: Models;
}

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createInvitationActivities(deps),
    ...createMaintenanceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
