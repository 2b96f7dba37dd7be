/** The schedule that runs the clean-up; one per namespace. */
export const CLEANUP_SCHEDULE_ID = 'maintenance:cleanup';
