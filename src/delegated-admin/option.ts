import type { z } from 'zod';
import { DAY_S } from '../../workflows/durations';
import type { DelegatedAdminOption } from '../../workflows/delegated-admin/types';
import type { delegatedAdminOptionSchema } from './schemas';

/** Delegated administration as a caller asks for it (days or seconds), as the workflows take it (milliseconds). */
export function toOption(o: z.output<typeof delegatedAdminOptionSchema>): DelegatedAdminOption {
  return {
    role: o.role,
    durationMs: (o.durationSeconds ?? o.durationDays * DAY_S) * 1000,
    autoExtend: o.autoExtend,
    extensionMs: o.extensionSeconds * 1000,
    approvalTimeoutMs: o.approvalTimeoutSeconds * 1000,
    noticeMs: o.noticeSeconds * 1000,
  };
}
