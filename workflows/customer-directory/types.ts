/** A customer as the partner's directory lists it (ISO timestamps: this crosses Temporal). */
export interface DirectoryEntry {
  partnerId: string;
  customerId: string;
  name: string;
  domain: string;
  cloud: string;
  status: 'trial' | 'active' | 'suspended' | 'removed';
  stage: string;
  skus: string[];
  at: string;
}

export interface DirectoryOptions {
  /** How long changes are gathered before they are written (0: at once). Fixed when the writer starts. */
  refreshMs?: number;
  /** Continues as new once its history holds more events than this (default 1000). */
  maxHistoryEvents?: number;
  /** Changes it may carry into its next run; a larger backlog is written down first (default 1000). */
  maxCarried?: number;
}
