import type { z } from 'zod';
import type { invitationOut } from './schemas';
import type { Invitation } from './service';

export function presentInvitation(i: Invitation): z.infer<typeof invitationOut> {
  const { trial: _trial, ...shown } = i;
  return shown;
}
