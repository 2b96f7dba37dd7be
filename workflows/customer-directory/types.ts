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

/**
 * Facts about a customer that another workflow publishes (delegated administration,
 * open service requests): merged into its directory record, each field only by a
 * newer one. `kind` tells them from entries in the writer's signals (entries carry none).
 */
export interface DirectoryFacts {
  kind: 'facts';
  partnerId: string;
  customerId: string;
  /** When the facts held (ISO). */
  at: string;
  delegatedAdmin?: { state: 'none' | 'pending' | 'active' | 'expiring'; endsAt?: string };
  openRequests?: { critical: number; moderate: number; minimal: number };
}

/** What the writer's signals carry: whole entries (from the onboarding) and facts (from other workflows). */
export type DirectoryChange = DirectoryEntry | DirectoryFacts;

export const isFacts = (c: DirectoryChange): c is DirectoryFacts => (c as { kind?: string }).kind === 'facts';

export interface DirectoryOptions {
  /** How long changes are gathered before they are written (0: at once). Fixed when the writer starts. */
  refreshMs?: number;
  /** Continues as new once its history holds more events than this (default 1000). */
  maxHistoryEvents?: number;
  /** Changes it may carry into its next run; a larger backlog is written down first (default 1000). */
  maxCarried?: number;
}
