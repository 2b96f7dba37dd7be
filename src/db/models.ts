import type { Connection } from 'mongoose';
import { invitationSchema } from '../invitations/model';

/** Every model, bound to one connection (tests give each file its own database). */
export function createModels(connection: Connection) {
  return {
    Invitation: connection.model('Invitation', invitationSchema),
  };
}

export type Models = ReturnType<typeof createModels>;
