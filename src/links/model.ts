import { recordSchema } from '../db/record';

export const LINK_KINDS = ['invitation', 'offer', 'delegated-admin'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

const PATHS: Record<LinkKind, string> = { invitation: 'i', offer: 'o', 'delegated-admin': 'd' };

/** The URL a customer opens for a link: `<publicUrl>/i|o|d/<code>`. */
export const linkUrl = (publicUrl: string, kind: LinkKind, code: string): string => `${publicUrl}/${PATHS[kind]}/${code}`;

/**
 * What a link's code stands for, keyed by the code itself, so that opening a
 * link is a lookup by `_id` (FerretDB reads a whole collection for any other
 * field). Written when the invitation or offer is made.
 */
export interface LinkCodeDoc {
  _id: string;
  kind: LinkKind;
  targetId: string;
  createdAt: Date;
}

export const linkCodeSchema = recordSchema<LinkCodeDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: LINK_KINDS },
    targetId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'link_codes' },
);
